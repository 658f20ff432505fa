"""Flask-RESTful on flagon: the quick-start's todo API (``Api``, ``Resource``, ``reqparse``,
``abort``, ``fields`` / ``marshal_with``, ``api.representation``), as a Flask app writes it."""

from __future__ import annotations

import io

import pytest
from flask import Blueprint, Flask, Response, got_request_exception, make_response
from flask_restful import Api, Resource, abort, fields, inputs, marshal_with, reqparse
from werkzeug.datastructures import FileStorage

import flagon

TODO_FIELDS = {
    "task": fields.String,
    "uri": fields.Url("todo"),
    "done": fields.Boolean(default=False),
}


def create_app():
    app = Flask(__name__)
    api = Api(app)

    todos = {"todo1": {"task": "build an API"}, "todo2": {"task": "?????"}}

    def abort_if_todo_doesnt_exist(todo_id):
        if todo_id not in todos:
            abort(404, message=f"Todo {todo_id} doesn't exist")

    parser = reqparse.RequestParser()
    parser.add_argument("task", required=True, help="task is required: {error_msg}")
    parser.add_argument("priority", type=int, help="Priority cannot be converted")

    class Todo(Resource):
        def get(self, todo_id):
            abort_if_todo_doesnt_exist(todo_id)
            return todos[todo_id]

        def delete(self, todo_id):
            abort_if_todo_doesnt_exist(todo_id)
            del todos[todo_id]
            return "", 204

        def put(self, todo_id):
            args = parser.parse_args()
            todos[todo_id] = {"task": args["task"], "priority": args["priority"]}
            return todos[todo_id], 201

    class TodoList(Resource):
        def get(self):
            return todos

        def post(self):
            args = parser.parse_args()
            todo_id = f"todo{len(todos) + 1}"
            todos[todo_id] = {"task": args["task"]}
            return todos[todo_id], 201, {"Location": f"/todos/{todo_id}"}

    class MarshalledTodo(Resource):
        @marshal_with(TODO_FIELDS, envelope="data")
        def get(self, todo_id):
            abort_if_todo_doesnt_exist(todo_id)
            return dict(todos[todo_id], todo_id=todo_id, internal="not shown")

    class Export(Resource):
        def get(self):
            return Response(
                "id,task\n1,build", status=202, mimetype="text/csv", headers={"X-Export": "v1"}
            )

    class Search(Resource):
        search = reqparse.RequestParser(bundle_errors=True)
        search.add_argument("limit", type=int, location="args", required=True)
        search.add_argument("done", type=inputs.boolean, location="args", default=False)
        search.add_argument("tag", action="append", location="args", default=[])

        def get(self):
            args = self.search.parse_args()
            return {"limit": args.limit, "done": args.done, "tags": args.tag}

    class Attachments(Resource):
        upload = reqparse.RequestParser()
        upload.add_argument("file", type=FileStorage, location="files", required=True)
        upload.add_argument("title", location="form")

        def post(self):
            args = self.upload.parse_args()
            return {"name": args.file.filename, "size": len(args.file.read()), "title": args.title}

    class Broken(Resource):
        def get(self):
            raise ZeroDivisionError("oops")

    api.add_resource(TodoList, "/todos")
    api.add_resource(Todo, "/todos/<todo_id>", endpoint="todo")
    api.add_resource(MarshalledTodo, "/marshalled/<todo_id>")
    api.add_resource(Export, "/export")
    api.add_resource(Search, "/search")
    api.add_resource(Attachments, "/attachments")
    api.add_resource(Broken, "/broken")

    @api.representation("text/csv")
    def output_csv(data, code, headers=None):
        body = "\n".join(f"{key},{value}" for key, value in data.items())
        response = make_response(body, code)
        response.headers.extend(headers or {})
        return response

    @app.route("/page")
    def plain_page():
        return "<p>not an API page</p>"

    return app


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_app_is_a_flagon_app(app):
    assert isinstance(app, flagon.Flagon)


def test_get_returns_the_resource_as_json(client):
    response = client.get("/todos/todo1")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"task": "build an API"}
    assert client.get("/todos").get_json() == {
        "todo1": {"task": "build an API"},
        "todo2": {"task": "?????"},
    }


def test_put_creates_with_status_and_delete_answers_204(client):
    response = client.put("/todos/todo3", json={"task": "profit!", "priority": "2"})
    assert response.status_code == 201
    assert response.get_json() == {"task": "profit!", "priority": 2}
    assert client.get("/todos/todo3").get_json() == {"task": "profit!", "priority": 2}

    response = client.delete("/todos/todo3")
    assert (response.status_code, response.data) == (204, b"")
    assert "Content-Length" not in response.headers
    assert client.get("/todos/todo3").status_code == 404


def test_a_returned_tuple_sets_status_and_headers(client):
    response = client.post("/todos", json={"task": "write tests"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/todos/todo3"
    assert response.get_json() == {"task": "write tests"}


def test_abort_with_a_message_is_a_json_body(client):
    response = client.get("/todos/nope")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"message": "Todo nope doesn't exist"}


def test_missing_required_argument_is_a_400_naming_it(client):
    response = client.put("/todos/todo9", json={})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    message = response.get_json()["message"]
    assert list(message) == ["task"]
    assert message["task"].startswith("task is required: Missing required parameter")
    assert client.get("/todos/todo9").status_code == 404


def test_argument_of_the_wrong_type_is_a_400(client):
    response = client.put("/todos/todo1", json={"task": "x", "priority": "high"})
    assert response.status_code == 400
    assert response.get_json() == {"message": {"priority": "Priority cannot be converted"}}
    assert client.get("/todos/todo1").get_json() == {"task": "build an API"}


def test_query_arguments_and_bundled_errors(client):
    response = client.get("/search?limit=5&done=true&tag=a&tag=b")
    assert response.get_json() == {"limit": 5, "done": True, "tags": ["a", "b"]}
    assert client.get("/search?limit=1").get_json() == {"limit": 1, "done": False, "tags": []}

    response = client.get("/search?limit=many&done=perhaps")
    assert response.status_code == 400
    errors = response.get_json()["message"]
    assert set(errors) == {"limit", "done"}
    assert "perhaps" in errors["done"]


def test_uploaded_file_and_form_arguments(client):
    data = {"file": (io.BytesIO(b"hello world"), "notes.txt"), "title": "Notes"}
    response = client.post("/attachments", data=data)
    assert response.status_code == 200
    assert response.get_json() == {"name": "notes.txt", "size": 11, "title": "Notes"}

    response = client.post("/attachments", data={"title": "no file"})
    assert response.status_code == 400
    assert list(response.get_json()["message"]) == ["file"]


def test_marshal_with_filters_and_formats_fields(client):
    response = client.get("/marshalled/todo1")
    assert response.status_code == 200
    assert response.get_json() == {
        "data": {"task": "build an API", "uri": "/todos/todo1", "done": False},
    }
    assert client.get("/marshalled/missing").status_code == 404


def test_a_returned_response_passes_through_untouched(client):
    response = client.get("/export")
    assert response.status_code == 202
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Export"] == "v1"
    assert response.data == b"id,task\n1,build"


def test_representation_answers_a_client_accepting_it(client):
    response = client.get("/todos/todo1", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv"
    assert response.data == b"task,build an API"

    response = client.get("/todos/nope", headers={"Accept": "text/csv"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/csv"
    assert response.data == b"message,Todo nope doesn't exist"

    # Anything else gets the default representation, JSON.
    response = client.get("/todos/todo1", headers={"Accept": "application/xml"})
    assert (response.mimetype, response.get_json()) == (
        "application/json",
        {"task": "build an API"},
    )


def test_unsupported_method_is_a_json_405_with_allow(client):
    response = client.patch("/todos/todo1")
    assert response.status_code == 405
    assert response.get_json() == {"message": "The method is not allowed for the requested URL."}
    assert set(response.headers["Allow"].split(", ")) == {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}


def test_errors_outside_the_api_keep_the_apps_handling(client):
    assert client.get("/page").data == b"<p>not an API page</p>"
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_an_exception_in_a_resource_is_a_json_500_and_is_signalled(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen = []

    def record(sender, exception, **extra):
        seen.append(type(exception).__name__)

    got_request_exception.connect(record, app)
    try:
        response = client.get("/broken")
    finally:
        got_request_exception.disconnect(record, app)
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}
    assert "ZeroDivisionError" in seen


def test_api_on_a_blueprint_with_a_prefix():
    app = Flask(__name__)
    blueprint = Blueprint("api", __name__)
    api = Api(blueprint, prefix="/v1", catch_all_404s=True, serve_challenge_on_401=True)

    class Hello(Resource):
        def get(self):
            return {"hello": "world", "self": api.url_for(Hello, _external=True)}

    class Secret(Resource):
        def get(self):
            abort(401)

    api.add_resource(Hello, "/hello")
    api.add_resource(Secret, "/secret")
    app.register_blueprint(blueprint, url_prefix="/api")
    client = app.test_client()

    response = client.get("/api/v1/hello")
    assert response.get_json() == {"hello": "world", "self": "http://localhost/api/v1/hello"}

    response = client.get("/api/v1/secret")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="flask-restful"'
    assert "message" in response.get_json()

    # catch_all_404s: a URL matching nothing gets the API's JSON 404.
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "message" in response.get_json()
