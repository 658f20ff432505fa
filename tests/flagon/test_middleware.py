"""Several apps in one process behind ``DispatcherMiddleware``: each request sees its own app,
and ``url_for`` builds URLs under the app's mount point."""

from __future__ import annotations

import pytest

from flagon import (
    Flagon,
    _app_ctx_stack,
    _request_ctx_stack,
    current_app,
    redirect,
    request,
    url_for,
)
from flagon.middleware import DispatcherMiddleware
from flagon.testing import FlagonClient


def make_app(name: str) -> Flagon:
    app = Flagon(name)
    app.testing = True

    @app.route("/login")
    def login():
        return f"{current_app.name} login at {url_for('login')}"

    @app.route("/where")
    def where():
        return f"{current_app.name}|{request.script_root}|{request.path}|{request.url}"

    @app.route("/external")
    def external():
        return url_for("login", _external=True)

    @app.route("/go")
    def go():
        return redirect(url_for("login"))

    @app.route("/folder/")
    def folder():
        return "folder"

    return app


@pytest.fixture
def apps():
    return make_app("frontend"), make_app("backend")


@pytest.fixture
def client(apps):
    frontend, backend = apps
    return FlagonClient(DispatcherMiddleware(frontend, {"/backend": backend}))


def test_each_request_sees_its_own_app(client):
    assert client.get("/login").text == "frontend login at /login"
    assert client.get("/backend/login").text == "backend login at /backend/login"


def test_mounted_app_sees_its_script_root_and_path(client):
    assert client.get("/backend/where").text == (
        "backend|/backend|/where|http://localhost/backend/where"
    )
    assert client.get("/where").text == "frontend||/where|http://localhost/where"


def test_external_urls_include_the_mount(client):
    assert client.get("/backend/external").text == "http://localhost/backend/login"
    assert client.get("/external").text == "http://localhost/login"


def test_redirects_stay_under_the_mount(client):
    response = client.get("/backend/go")
    assert response.headers["Location"] == "/backend/login"
    followed = client.get("/backend/go", follow_redirects=True)
    assert followed.text == "backend login at /backend/login"


def test_slash_redirect_keeps_the_mount(client):
    response = client.get("/backend/folder")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/backend/folder/"


def test_unmounted_paths_go_to_the_default_app(client):
    assert client.get("/backendish/login").status_code == 404
    assert client.get("/other").status_code == 404


def test_the_mount_point_itself_reaches_the_mounted_root(apps):
    frontend, backend = apps
    backend.add_url_rule("/", "root", lambda: f"{current_app.name} root {request.path}")
    client = FlagonClient(DispatcherMiddleware(frontend, {"/backend": backend}))
    assert client.get("/backend/").text == "backend root /"
    response = client.get("/backend")  # like any branch URL, the mount point gains a slash
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/backend/"


def test_longest_mount_prefix_wins():
    outer, inner, root = Flagon("outer"), Flagon("inner"), Flagon("root")
    for app in (outer, inner, root):
        app.add_url_rule("/x", "x", lambda: current_app.name)
    client = FlagonClient(DispatcherMiddleware(root, {"/a": outer, "/a/b": inner}))
    assert client.get("/a/b/x").text == "inner"
    assert client.get("/a/x").text == "outer"
    assert client.get("/x").text == "root"


def test_existing_script_name_is_kept(apps):
    frontend, backend = apps
    client = FlagonClient(DispatcherMiddleware(frontend, {"/backend": backend}))
    response = client.get("/backend/where", base_url="http://localhost/site")
    assert response.text == "backend|/site/backend|/where|http://localhost/site/backend/where"


def test_mounting_plain_wsgi_apps(apps):
    frontend, _ = apps

    def plain(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"{environ['SCRIPT_NAME']} {environ['PATH_INFO']}".encode()]

    client = FlagonClient(DispatcherMiddleware(frontend, {"/plain": plain}))
    assert client.get("/plain/a/b").text == "/plain /a/b"


def test_middleware_wrapping_wsgi_app_keeps_the_app_object(apps):
    frontend, backend = apps
    frontend.wsgi_app = DispatcherMiddleware(frontend.wsgi_app, {"/backend": backend})
    client = frontend.test_client()
    assert client.get("/backend/login").text == "backend login at /backend/login"
    assert client.get("/login").text == "frontend login at /login"


def test_apps_keep_separate_configuration_and_handlers(apps):
    frontend, backend = apps
    frontend.register_error_handler(404, lambda e: ("frontend 404", 404))
    backend.register_error_handler(404, lambda e: ("backend 404", 404))
    client = FlagonClient(DispatcherMiddleware(frontend, {"/backend": backend}))
    assert client.get("/nope").text == "frontend 404"
    assert client.get("/backend/nope").text == "backend 404"


def test_contexts_are_empty_after_dispatched_requests(client):
    client.get("/backend/login")
    client.get("/login")
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None
