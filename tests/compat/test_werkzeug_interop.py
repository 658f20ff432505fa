"""Code written against Werkzeug meets flagon's objects: the shared HTTP vocabulary is one.

Werkzeug's exceptions raised anywhere are answered like flagon's, handlers registered with
either module's classes match both, Werkzeug's datastructures and responses are accepted where
flagon's are, and Werkzeug middleware and its test client drive a flagon app.
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
import werkzeug.datastructures as wd
import werkzeug.exceptions as we
import werkzeug.routing as wr
import werkzeug.wrappers as ww
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.test import Client as WerkzeugClient

import flagon
import flagon.datastructures as fd
import flagon.exceptions as fe
import flagon.routing as fr
from flagon import Blueprint, Flagon, request, url_for


@pytest.fixture
def app():
    app = Flagon("interop_app", root_path="/tmp")
    app.testing = True
    return app


# -- the vocabulary is Werkzeug's ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [name for name in fe.__all__ if name[:1].isupper() and name != "Aborter"]
)
def test_every_http_exception_is_werkzeugs_class(name):
    assert getattr(fe, name) is getattr(we, name)
    assert issubclass(getattr(fe, name), we.HTTPException)


@pytest.mark.parametrize(
    "name",
    [
        "Headers",
        "EnvironHeaders",
        "MultiDict",
        "ImmutableMultiDict",
        "CombinedMultiDict",
        "ImmutableDict",
        "CallbackDict",
        "FileStorage",
        "Authorization",
        "Accept",
        "MIMEAccept",
        "LanguageAccept",
        "CharsetAccept",
        "HeaderSet",
        "ETags",
        "IfRange",
        "Range",
        "ContentRange",
    ],
)
def test_every_datastructure_is_a_werkzeug_instance(name):
    assert issubclass(getattr(fd, name), getattr(wd, name))


@pytest.mark.parametrize(
    "name",
    [
        "BaseConverter",
        "UnicodeConverter",
        "PathConverter",
        "AnyConverter",
        "IntegerConverter",
        "FloatConverter",
        "UUIDConverter",
    ],
)
def test_every_converter_subclasses_werkzeugs(name):
    assert issubclass(getattr(fr, name), getattr(wr, name))


def test_header_attributes_give_werkzeug_objects(app):
    @app.route("/")
    def index():
        response = flagon.make_response("hi")
        response.cache_control.max_age = 60
        response.content_security_policy.default_src = "'self'"
        return {
            "request_cc": isinstance(request.cache_control, wd.RequestCacheControl),
            "response_cc": isinstance(response.cache_control, wd.ResponseCacheControl),
            "csp": isinstance(response.content_security_policy, wd.ContentSecurityPolicy),
            "www_auth": isinstance(response.www_authenticate, wd.WWWAuthenticate),
        }

    response = app.test_client().get("/", headers={"Cache-Control": "no-cache"})
    assert response.get_json() == {
        "request_cc": True,
        "response_cc": True,
        "csp": True,
        "www_auth": True,
    }


def test_routing_exceptions_are_werkzeugs():
    assert issubclass(fr.RequestRedirect, wr.RequestRedirect)
    assert issubclass(fr.BuildError, wr.BuildError)
    assert fr.RoutingException is wr.RoutingException
    assert fr.ValidationError is wr.ValidationError


def test_request_and_response_objects_pass_werkzeug_isinstance_checks(app):
    seen = {}

    @app.post("/upload")
    def upload():
        seen["headers"] = request.headers
        seen["args"] = request.args
        seen["form"] = request.form
        seen["values"] = request.values
        seen["file"] = request.files["doc"]
        seen["auth"] = request.authorization
        seen["accept"] = request.accept_mimetypes
        return "ok"

    response = app.test_client().post(
        "/upload?q=1",
        data={"title": "t", "doc": (BytesIO(b"data"), "doc.txt")},
        headers={"Authorization": "Bearer abc", "Accept": "text/html"},
    )
    assert response.status_code == 200
    assert isinstance(seen["headers"], wd.EnvironHeaders)
    assert isinstance(seen["headers"], wd.Headers)
    assert isinstance(seen["args"], wd.ImmutableMultiDict)
    assert isinstance(seen["form"], wd.MultiDict)
    assert isinstance(seen["values"], wd.CombinedMultiDict)
    assert isinstance(seen["file"], wd.FileStorage)
    assert isinstance(seen["auth"], wd.Authorization) and seen["auth"].token == "abc"
    assert isinstance(seen["accept"], wd.MIMEAccept)
    assert isinstance(response, ww.Response)
    assert isinstance(response.headers, wd.Headers)


# -- Werkzeug's exceptions are answered like flagon's --------------------------------------------


def test_werkzeug_abort_in_a_view_gives_its_status(app):
    @app.route("/secret")
    def secret():
        we.abort(403)

    response = app.test_client().get("/secret")
    assert response.status_code == 403
    assert b"Forbidden" in response.data


def test_a_code_handler_sees_a_raised_werkzeug_exception(app):
    @app.route("/gone")
    def gone():
        raise we.NotFound()

    @app.errorhandler(404)
    def not_found(error):
        return f"handled {type(error).__name__}", 404

    assert app.test_client().get("/gone").get_data(as_text=True) == "handled NotFound"


def test_a_werkzeug_class_handler_sees_flagon_abort(app):
    @app.route("/teapot")
    def teapot():
        flagon.abort(418)

    @app.errorhandler(we.HTTPException)
    def any_http_error(error):
        return {"code": error.code, "name": error.name}, error.code

    response = app.test_client().get("/teapot")
    assert response.status_code == 418
    assert response.get_json() == {"code": 418, "name": "I'm a teapot"}


def test_a_blueprint_handler_for_werkzeugs_class_sees_flagon_abort(app):
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.route("/item")
    def item():
        flagon.abort(404)

    @bp.errorhandler(we.NotFound)
    def shop_not_found(error):
        return "no such item", 404

    app.register_blueprint(bp)
    assert app.test_client().get("/shop/item").get_data(as_text=True) == "no such item"


def test_werkzeug_exceptions_from_hooks_keep_their_headers(app):
    @app.before_request
    def limit():
        if request.path == "/limited":
            raise we.TooManyRequests(retry_after=30)
        if request.path == "/post-only":
            raise we.MethodNotAllowed(valid_methods=["POST"])

    @app.route("/limited")
    @app.route("/post-only")
    def view():
        return "never"

    client = app.test_client()
    limited = client.get("/limited")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "30"
    refused = client.get("/post-only")
    assert refused.status_code == 405 and refused.headers["Allow"] == "POST"


def test_a_werkzeug_exception_carrying_a_response_sends_it(app):
    @app.route("/custom")
    def custom():
        raise we.HTTPException(response=ww.Response("custom body", 409, {"X-Why": "conflict"}))

    response = app.test_client().get("/custom")
    assert response.status_code == 409
    assert response.headers["X-Why"] == "conflict"
    assert response.get_data(as_text=True) == "custom body"


def test_the_description_reaches_the_page_escaped(app):
    @app.route("/bad")
    def bad():
        raise we.BadRequest(description="Field <name> is required")

    body = app.test_client().get("/bad").get_data(as_text=True)
    assert "Field &lt;name&gt; is required" in body


class JSONError(we.UnprocessableEntity):
    """An API error in the style extensions use: JSON from get_body/get_headers."""

    def get_body(self, environ=None, scope=None):
        return json.dumps({"error": self.description})

    def get_headers(self, environ=None, scope=None):
        return [("Content-Type", "application/json")]


def test_an_exception_rendering_its_own_body_is_honoured(app):
    @app.route("/api")
    def api():
        raise JSONError("name is missing")

    response = app.test_client().get("/api")
    assert response.status_code == 422
    assert response.get_json() == {"error": "name is missing"}


class RenderedError(we.Conflict):
    def get_response(self, environ=None, scope=None):
        return ww.Response("rendered by the exception", self.code, {"X-Rendered": "yes"})


def test_an_exception_with_its_own_get_response_is_honoured(app):
    @app.route("/rendered")
    def rendered():
        raise RenderedError()

    response = app.test_client().get("/rendered")
    assert response.status_code == 409
    assert response.headers["X-Rendered"] == "yes"
    assert response.get_data(as_text=True) == "rendered by the exception"


def test_a_werkzeug_request_redirect_is_followed(app):
    @app.route("/old")
    def old():
        raise wr.RequestRedirect("http://localhost/new")

    response = app.test_client().get("/old")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/new"


def test_url_build_errors_are_caught_as_werkzeugs(app):
    with app.test_request_context():
        with pytest.raises(wr.BuildError):
            url_for("nowhere")


# -- Werkzeug's objects accepted where flagon's are ---------------------------------------------


def test_a_view_may_return_a_werkzeug_response(app):
    closed = []

    @app.route("/wz")
    def wz():
        response = ww.Response("from werkzeug", 201, {"X-Made-By": "werkzeug"})
        response.call_on_close(lambda: closed.append(True))
        return response

    response = app.test_client().get("/wz")
    assert response.status_code == 201
    assert response.headers["X-Made-By"] == "werkzeug"
    assert response.get_data(as_text=True) == "from werkzeug"
    assert closed == [True]


@pytest.mark.parametrize("kind", [wd.Headers, wd.MultiDict])
def test_werkzeug_headers_assigned_to_a_response_are_sent(app, kind):
    @app.route("/")
    def index():
        return "hi"

    @app.after_request
    def replace_headers(response):
        headers = kind(list(response.headers.items()))
        headers.add("X-Tag", "a")
        headers.add("X-Tag", "b")
        response.headers = headers
        return response

    response = app.test_client().get("/")
    assert response.get_data(as_text=True) == "hi"
    assert response.headers.getlist("X-Tag") == ["a", "b"]
    assert response.headers["Content-Length"] == "2"


class HexConverter(wr.BaseConverter):
    """A converter as a Flask app writes it, on Werkzeug's base class."""

    regex = "[0-9a-f]+"

    def to_python(self, value):
        if len(value) > 8:
            raise wr.ValidationError()
        return int(value, 16)

    def to_url(self, value):
        return format(value, "x")


def test_a_werkzeug_converter_matches_and_builds(app):
    app.url_map.converters["hex"] = HexConverter

    @app.route("/color/<hex:value>")
    def color(value):
        return {"value": value, "url": url_for("color", value=value)}

    client = app.test_client()
    assert client.get("/color/ff").get_json() == {"value": 255, "url": "/color/ff"}
    # The converter's ValidationError means "no match": a 404, not a 500.
    assert client.get("/color/123456789").status_code == 404


# -- Werkzeug's middleware and test client around a flagon app ----------------------------------


def test_werkzeugs_test_client_drives_a_flagon_app(app):
    @app.route("/hello/<name>")
    def hello(name):
        return {"hello": name, "host": request.host}

    response = WerkzeugClient(app).get("/hello/ann")
    assert response.status_code == 200
    assert response.json == {"hello": "ann", "host": "localhost"}


def test_werkzeug_proxy_fix_around_a_flagon_app(app):
    @app.route("/where")
    def where():
        return {"url": request.url, "remote": request.remote_addr}

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    response = app.test_client().get(
        "/where",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "forum.example",
        },
    )
    assert response.get_json() == {"url": "https://forum.example/where", "remote": "203.0.113.9"}


def test_werkzeug_dispatcher_and_shared_data_around_flagon_apps(app, tmp_path):
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    api = Flagon("interop_api", root_path="/tmp")

    @api.route("/ping")
    def ping():
        return {"pong": True, "root": request.script_root}

    @app.route("/")
    def index():
        return "front"

    combined = SharedDataMiddleware(
        DispatcherMiddleware(app, {"/api": api}), {"/robots.txt": str(tmp_path / "robots.txt")}
    )
    client = WerkzeugClient(combined)
    assert client.get("/").get_data(as_text=True) == "front"
    assert client.get("/api/ping").json == {"pong": True, "root": "/api"}
    assert client.get("/robots.txt").get_data(as_text=True) == "User-agent: *\n"
