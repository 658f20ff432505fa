"""flask-smorest on flagon: the quick-start's pets API (``Api``, ``Blueprint``, marshmallow
schemas for arguments and responses, ``abort``, ETags, pagination, the OpenAPI document), as a
Flask app writes it."""

from __future__ import annotations

import hashlib
import io
import json

import marshmallow as ma
import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from flask_smorest.fields import Upload
from werkzeug.routing import BaseConverter

import flagon


class PetSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    name = ma.fields.String(required=True)
    species = ma.fields.String(load_default="cat")


class PetQueryArgsSchema(ma.Schema):
    species = ma.fields.String()


class PhotoSchema(ma.Schema):
    photo = Upload(required=True)


class HexConverter(BaseConverter):
    regex = "[0-9a-f]+"

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return format(value, "x")


def create_app():
    app = Flask(__name__)
    app.config["API_TITLE"] = "Pets"
    app.config["API_VERSION"] = "v1"
    app.config["OPENAPI_VERSION"] = "3.0.2"
    app.config["OPENAPI_URL_PREFIX"] = "/"
    app.url_map.converters["hex"] = HexConverter
    api = Api(app)
    api.register_converter(HexConverter, lambda converter: {"type": "string", "format": "hex"})

    pets = {}
    blp = Blueprint("pets", "pets", url_prefix="/pets", description="Operations on pets")

    @blp.route("/")
    class Pets(MethodView):
        @blp.arguments(PetQueryArgsSchema, location="query")
        @blp.response(200, PetSchema(many=True))
        @blp.paginate()
        def get(self, args, pagination_parameters):
            """List pets"""
            found = [
                pet
                for pet in pets.values()
                if args.get("species", pet["species"]) == pet["species"]
            ]
            pagination_parameters.item_count = len(found)
            first = pagination_parameters.first_item
            return found[first : first + pagination_parameters.page_size]

        @blp.arguments(PetSchema)
        @blp.response(201, PetSchema)
        def post(self, new_data):
            """Add a new pet"""
            pet_id = len(pets) + 1
            pets[pet_id] = dict(new_data, id=pet_id)
            return pets[pet_id]

    @blp.route("/<int:pet_id>")
    class PetsById(MethodView):
        def _get(self, pet_id):
            try:
                return pets[pet_id]
            except KeyError:
                abort(404, message="Item not found.")

        @blp.etag
        @blp.response(200, PetSchema)
        def get(self, pet_id):
            """Get pet by ID"""
            return self._get(pet_id)

        @blp.etag
        @blp.arguments(PetSchema)
        @blp.response(200, PetSchema)
        def put(self, update_data, pet_id):
            """Update existing pet"""
            pet = self._get(pet_id)
            blp.check_etag(pet, PetSchema)
            pet.update(update_data)
            return pet

        @blp.etag
        @blp.response(204)
        def delete(self, pet_id):
            """Delete pet"""
            blp.check_etag(self._get(pet_id), PetSchema)
            del pets[pet_id]

    @blp.route("/<hex:pet_id>/photo", methods=["POST"])
    @blp.arguments(PhotoSchema, location="files")
    @blp.response(201)
    def upload_photo(files, pet_id):
        photo = files["photo"]
        return {"pet": pet_id, "filename": photo.filename, "size": len(photo.read())}

    api.register_blueprint(blp)
    return app


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    client = app.test_client()
    for name, species in [("Tom", "cat"), ("Rex", "dog"), ("Felix", "cat")]:
        assert client.post("/pets/", json={"name": name, "species": species}).status_code == 201
    return client


def sha1_etag(data):
    """flask-smorest's ETag: the SHA-1 of the data as JSON with sorted keys, quoted."""
    return f'"{hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()}"'


def test_the_app_is_a_flagon_app(app):
    assert isinstance(app, flagon.Flagon)


def test_arguments_are_loaded_and_the_response_dumped(client):
    response = client.post("/pets/", json={"name": "Nemo", "species": "fish"})
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.get_json() == {"id": 4, "name": "Nemo", "species": "fish"}
    response = client.get("/pets/4")
    assert (response.status_code, response.get_json()) == (
        200,
        {"id": 4, "name": "Nemo", "species": "fish"},
    )


def test_invalid_body_is_a_422_with_the_validation_errors(client):
    response = client.post("/pets/", json={"species": 3})
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {
            "json": {
                "name": ["Missing data for required field."],
                "species": ["Not a valid string."],
            }
        },
    }
    assert client.get("/pets/4").status_code == 404


def test_body_that_is_not_json_is_a_400(client):
    response = client.post("/pets/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"json": ["Invalid JSON body."]}


def test_abort_with_a_message_is_a_json_body(client):
    response = client.get("/pets/99")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "status": "Not Found", "message": "Item not found."}
    # Errors the app raises itself get the same JSON shape.
    response = client.patch("/pets/1")
    assert response.status_code == 405
    assert response.get_json() == {"code": 405, "status": "Method Not Allowed"}
    assert client.get("/pets/not-a-number").get_json() == {"code": 404, "status": "Not Found"}


def test_etag_and_not_modified(client):
    response = client.get("/pets/1")
    assert response.status_code == 200
    assert response.headers["ETag"] == sha1_etag({"id": 1, "name": "Tom", "species": "cat"})

    response = client.get("/pets/1", headers={"If-None-Match": response.headers["ETag"]})
    assert response.status_code == 304
    assert response.data == b""
    assert "Content-Type" not in response.headers
    assert "Content-Length" not in response.headers

    response = client.get("/pets/1", headers={"If-None-Match": '"something else"'})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Tom"


def test_put_needs_a_matching_if_match(client):
    etag = client.get("/pets/1").headers["ETag"]

    response = client.put("/pets/1", json={"name": "Thomas"})
    assert response.status_code == 428
    assert response.get_json() == {"code": 428, "status": "Precondition Required"}

    response = client.put("/pets/1", json={"name": "Thomas"}, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert response.get_json() == {"code": 412, "status": "Precondition Failed"}
    assert client.get("/pets/1").get_json()["name"] == "Tom"

    response = client.put("/pets/1", json={"name": "Thomas"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.get_json() == {"id": 1, "name": "Thomas", "species": "cat"}
    new_etag = response.headers["ETag"]
    assert new_etag == sha1_etag({"id": 1, "name": "Thomas", "species": "cat"}) != etag
    # The old tag no longer matches: the client gets the new representation.
    assert client.get("/pets/1", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/pets/1", headers={"If-None-Match": new_etag}).status_code == 304


def test_delete_with_if_match(client):
    assert client.delete("/pets/2").status_code == 428
    etag = client.get("/pets/2").headers["ETag"]
    response = client.delete("/pets/2", headers={"If-Match": etag})
    assert (response.status_code, response.data) == (204, b"")
    assert client.get("/pets/2").status_code == 404


def test_pagination_headers(client):
    for n in range(30):
        client.post("/pets/", json={"name": f"pet{n}"})
    response = client.get("/pets/?page=2&page_size=5")
    assert response.status_code == 200
    assert [pet["id"] for pet in response.get_json()] == [6, 7, 8, 9, 10]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 33,
        "total_pages": 7,
        "first_page": 1,
        "last_page": 7,
        "page": 2,
        "previous_page": 1,
        "next_page": 3,
    }

    response = client.get("/pets/?species=dog")
    assert [pet["name"] for pet in response.get_json()] == ["Rex"]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 1,
        "total_pages": 1,
        "first_page": 1,
        "last_page": 1,
        "page": 1,
    }

    response = client.get("/pets/?page=0")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "query": {"page": ["Must be greater than or equal to 1."]}
    }


def test_file_upload_argument_and_a_custom_converter(client):
    data = {"photo": (io.BytesIO(b"\x89PNG...."), "tom.png")}
    response = client.post("/pets/ff/photo", data=data)
    assert response.status_code == 201
    assert response.get_json() == {"pet": 255, "filename": "tom.png", "size": 8}

    response = client.post("/pets/ff/photo", data={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "files": {"photo": ["Missing data for required field."]}
    }


def test_openapi_json_documents_the_paths_and_their_typed_parameters(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["info"] == {"title": "Pets", "version": "v1"}
    assert spec["openapi"] == "3.0.2"
    assert set(spec["paths"]) == {"/pets/", "/pets/{pet_id}", "/pets/{pet_id}/photo"}
    assert spec["tags"] == [{"name": "pets", "description": "Operations on pets"}]

    by_id = spec["paths"]["/pets/{pet_id}"]
    assert by_id["parameters"] == [
        {
            "in": "path",
            "name": "pet_id",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
    ]
    assert set(by_id) == {"parameters", "get", "put", "delete"}
    assert by_id["get"]["summary"] == "Get pet by ID"
    assert {"200", "304"} <= set(by_id["get"]["responses"])
    assert {"412", "428", "422"} <= set(by_id["put"]["responses"])
    assert by_id["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet",
    }

    photo = spec["paths"]["/pets/{pet_id}/photo"]
    assert photo["parameters"] == [
        {
            "in": "path",
            "name": "pet_id",
            "required": True,
            "schema": {"type": "string", "format": "hex"},
        },
    ]

    listing = spec["paths"]["/pets/"]["get"]
    assert {"page", "page_size", "species"} <= {p["name"] for p in listing["parameters"]}
    assert "X-Pagination" in listing["responses"]["200"]["headers"]
    assert set(spec["components"]["schemas"]["Pet"]["properties"]) == {"id", "name", "species"}


def test_openapi_print_command(app):
    result = app.test_cli_runner().invoke(args=["openapi", "print"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == app.test_client().get("/openapi.json").get_json()
