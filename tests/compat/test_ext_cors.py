"""Flask-CORS on flagon: ``CORS(app)`` and ``@cross_origin`` as in Flask-CORS's quick-start,
seen by a browser's requests: simple requests, preflights, credentials, allowed origins, error
responses and streamed responses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Blueprint, Flask, Response, abort, jsonify, request, stream_with_context
from flask_cors import CORS, cross_origin

ORIGIN = "https://app.example"
ACAO = "Access-Control-Allow-Origin"


def preflight(client, path, method="POST", headers="Content-Type, X-Requested-With", origin=ORIGIN):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


# -- CORS(app): every route ---------------------------------------------------------------------


@pytest.fixture
def app():
    app = Flask(__name__)
    CORS(app)

    @app.route("/")
    def hello_world():
        return "Hello, cross-origin-world!"

    @app.route("/api/items", methods=["GET", "POST"])
    def items():
        if request.method == "POST":
            return jsonify(created=request.get_json()), 201
        return jsonify(items=[1, 2])

    @app.route("/teapot")
    def teapot():
        abort(418)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.route("/stream")
    def stream():
        def generate():
            yield "a,"
            yield request.args.get("x", "b")

        return Response(stream_with_context(generate()), mimetype="text/csv")

    return app


def test_simple_request_from_any_origin_is_allowed(app):
    client = app.test_client()
    response = client.get("/", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.get_data() == b"Hello, cross-origin-world!"
    assert response.headers[ACAO] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in response.headers
    # Without an Origin header (always_send, the default) the wildcard is sent.
    response = client.get("/")
    assert response.headers[ACAO] == "*"


def test_preflight_answers_the_allowed_methods_and_headers(app):
    response = preflight(app.test_client(), "/api/items")
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers[ACAO] == ORIGIN
    assert response.headers["Access-Control-Allow-Methods"] == (
        "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    )
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Requested-With"
    # Flask's automatic OPTIONS answer is still there underneath.
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_private_network_preflight(app):
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Private-Network": "true",
    }
    client = app.test_client()
    # Refused by default (allow_private_network=False), and only answered when asked.
    assert (
        client.options("/", headers=headers).headers["Access-Control-Allow-Private-Network"]
        == "false"
    )
    assert "Access-Control-Allow-Private-Network" not in preflight(client, "/").headers

    lan = Flask(__name__)
    CORS(lan, allow_private_network=True)
    lan.add_url_rule("/", "index", lambda: "ok")
    response = lan.test_client().options("/", headers=headers)
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"


def test_preflight_for_a_method_not_allowed_gets_no_allow_headers():
    app = Flask(__name__)
    CORS(app, methods=["GET", "POST"])

    @app.route("/", methods=["GET", "POST", "DELETE"])
    def index():
        return "ok"

    client = app.test_client()
    response = preflight(client, "/", method="DELETE")
    assert response.headers[ACAO] == ORIGIN
    assert "Access-Control-Allow-Methods" not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers
    response = preflight(client, "/", method="POST")
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST"


def test_the_actual_cross_origin_post_after_the_preflight(app):
    response = app.test_client().post("/api/items", json={"n": 1}, headers={"Origin": ORIGIN})
    assert response.status_code == 201
    assert response.get_json() == {"created": {"n": 1}}
    assert response.headers[ACAO] == ORIGIN


def test_error_responses_get_cors_headers_too(app):
    client = app.test_client()
    response = client.get("/teapot", headers={"Origin": ORIGIN})
    assert response.status_code == 418
    assert response.headers[ACAO] == ORIGIN
    response = client.get("/missing", headers={"Origin": ORIGIN})
    assert response.status_code == 404
    assert response.headers[ACAO] == ORIGIN
    response = client.get("/boom", headers={"Origin": ORIGIN})
    assert response.status_code == 500
    assert response.headers[ACAO] == ORIGIN
    assert response.headers.getlist(ACAO) == [ORIGIN]


def test_errors_handled_by_the_app_get_cors_headers(app):
    @app.errorhandler(404)
    def not_found(e):
        return jsonify(error="not here"), 404

    response = app.test_client().get("/missing", headers={"Origin": ORIGIN})
    assert response.status_code == 404
    assert response.get_json() == {"error": "not here"}
    assert response.headers.getlist(ACAO) == [ORIGIN]


def test_streamed_response_gets_cors_headers(app):
    response = app.test_client().get("/stream?x=z", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers[ACAO] == ORIGIN
    assert response.get_data() == b"a,z"


def test_send_wildcard_and_expose_headers_and_max_age():
    app = Flask(__name__)
    CORS(
        app, send_wildcard=True, expose_headers=["X-Total", "X-Page"], max_age=timedelta(minutes=10)
    )

    @app.route("/")
    def index():
        return "ok", {"X-Total": "3"}

    client = app.test_client()
    response = client.get("/", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Page, X-Total"
    assert "Vary" not in response.headers
    response = preflight(client, "/", method="GET")
    assert response.headers["Access-Control-Max-Age"] == "600"


# -- origins lists, credentials, resources ------------------------------------------------------


@pytest.fixture
def restricted():
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(
        app,
        resources={r"/api/*": {"origins": [ORIGIN, r"https://.*\.partner\.example"]}},
    )

    @app.route("/api/me")
    def me():
        return jsonify(user=request.cookies.get("user"))

    @app.route("/private")
    def private():
        return "same-origin only"

    return app


def test_credentials_with_an_allowed_origin(restricted):
    client = restricted.test_client()
    client.set_cookie("user", "ada")
    response = client.get("/api/me", headers={"Origin": ORIGIN})
    assert response.get_json() == {"user": "ada"}
    assert response.headers[ACAO] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Vary"] == "Origin"
    response = client.get("/api/me", headers={"Origin": "https://shop.partner.example"})
    assert response.headers[ACAO] == "https://shop.partner.example"


def test_other_origins_are_refused(restricted):
    client = restricted.test_client()
    response = client.get("/api/me", headers={"Origin": "https://evil.example"})
    # The request is served (CORS is enforced by the browser), without CORS headers.
    assert response.status_code == 200
    assert ACAO not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
    response = preflight(client, "/api/me", method="GET", origin="https://evil.example")
    assert ACAO not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_routes_outside_the_resources_get_no_cors_headers(restricted):
    client = restricted.test_client()
    response = client.get("/private", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert ACAO not in response.headers
    # With a list of origins and no Origin header, always_send names the literal origins.
    assert client.get("/api/me").headers[ACAO] == ORIGIN


def test_cors_on_a_blueprint_only():
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=ORIGIN)

    @api.route("/ping")
    def ping():
        return "pong"

    @app.route("/ping")
    def app_ping():
        return "pong"

    app.register_blueprint(api)
    client = app.test_client()
    assert client.get("/api/ping", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/ping", headers={"Origin": ORIGIN}).headers


# -- @cross_origin ------------------------------------------------------------------------------


@pytest.fixture
def decorated():
    app = Flask(__name__)

    @app.route("/")
    @cross_origin()
    def hello_world():
        return "Hello, cross-origin-world!"

    @app.route("/auth", methods=["PUT"])
    @cross_origin(
        origins=[ORIGIN],
        supports_credentials=True,
        allow_headers=["Content-Type"],
        methods=["PUT"],
        max_age=60,
    )
    def auth():
        return "updated"

    @app.route("/plain")
    def plain():
        return "no cors"

    @app.route("/stream")
    @cross_origin()
    def stream():
        def generate():
            yield "chunk1 "
            yield "chunk2"

        return Response(generate())

    return app


def test_cross_origin_simple_request(decorated):
    client = decorated.test_client()
    response = client.get("/", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN
    assert response.get_data() == b"Hello, cross-origin-world!"
    assert ACAO not in client.get("/plain", headers={"Origin": ORIGIN}).headers


def test_cross_origin_answers_the_preflight_itself(decorated):
    client = decorated.test_client()
    # The decorator asks for OPTIONS on a PUT-only route and answers it.
    response = preflight(client, "/auth", method="PUT", headers="Content-Type, X-Other")
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Allow-Methods"] == "PUT"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert response.headers["Access-Control-Max-Age"] == "60"
    assert set(response.headers["Allow"].split(", ")) == {"PUT", "OPTIONS"}
    response = client.put("/auth", headers={"Origin": ORIGIN})
    assert response.get_data() == b"updated"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    response = client.put("/auth", headers={"Origin": "https://evil.example"})
    assert ACAO not in response.headers
    assert client.get("/auth").status_code == 405


def test_cross_origin_streamed_response(decorated):
    response = decorated.test_client().get("/stream", headers={"Origin": ORIGIN})
    assert response.is_streamed
    assert response.headers[ACAO] == ORIGIN
    assert response.get_data() == b"chunk1 chunk2"


def test_cross_origin_and_cors_app_together_send_the_header_once(decorated):
    CORS(decorated, origins="https://other.example")
    client = decorated.test_client()
    response = client.get("/", headers={"Origin": ORIGIN})
    assert response.headers.getlist(ACAO) == [ORIGIN]
    response = client.get("/plain", headers={"Origin": ORIGIN})
    assert ACAO not in response.headers
