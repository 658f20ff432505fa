"""The application object: identity, logger, extension points (``*_class`` attributes,
``session_interface``), the WSGI entry point, ``TRUSTED_HOSTS``, and several independent apps
in one process."""

from __future__ import annotations

import io
import logging
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from context_tools import (
    DictSession,
    make_app,
)

import flagon
from flagon import (
    AppContext,
    Flagon,
    Request,
    RequestContext,
    Response,
    _app_ctx_stack,
    _request_ctx_stack,
    after_this_request,
    current_app,
    g,
    request,
    session,
    url_for,
)
from flagon.ctx import _AppCtxGlobals
from flagon.middleware import DispatcherMiddleware
from flagon.routing import Map, Rule
from flagon.sessions import SessionInterface, SessionMixin
from flagon.testing import FlagonClient, create_environ

# -- identity -------------------------------------------------------------------------------------


def test_name_is_the_import_name():
    assert Flagon("my.package").name == "my.package"


def test_name_of_a_main_script_is_its_file_name(monkeypatch):
    main = types.ModuleType("__main__")
    main.__file__ = "/srv/app/serve.py"
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert Flagon("__main__").name == "serve"


def test_repr_names_the_app():
    assert repr(Flagon("shop")) == "<Flagon 'shop'>"


def test_url_map_and_view_functions(app):
    @app.route("/a")
    def a():
        return ""

    assert isinstance(app.url_map, Map)
    assert app.view_functions["a"] is a
    assert set(app.view_functions) == {"a", "static"}  # the static route comes by default
    assert {rule.rule for rule in app.url_map.iter_rules()} == {"/a", "/static/<path:filename>"}


def test_relative_instance_path_is_refused():
    with pytest.raises(ValueError, match="absolute"):
        Flagon("x", instance_path="relative/dir")


def test_static_host_needs_host_matching():
    with pytest.raises(ValueError, match="host_matching"):
        Flagon("x", static_host="static.example.com")


def test_open_resource_reads_relative_to_the_root_path(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t;")
    app = Flagon("res", root_path=str(tmp_path))
    with app.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t;"
    with app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        assert f.read() == "CREATE TABLE t;"
    with pytest.raises(ValueError):
        app.open_resource("schema.sql", "w")


# -- instance path -----------------------------------------------------------------------------------


@pytest.fixture
def importable(tmp_path, monkeypatch):
    """Write files under ``tmp_path`` and return a helper that puts folders on ``sys.path``;
    ``sys.path`` and the modules imported meanwhile are restored afterwards."""
    before = set(sys.modules)

    def write(*files: str):
        for name in files:
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")

    def on_path(*folders):
        for folder in reversed(folders):
            monkeypatch.syspath_prepend(str(tmp_path / folder))

    yield types.SimpleNamespace(root=tmp_path, write=write, on_path=on_path)
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_instance_path_of_a_module_is_beside_it(importable):
    importable.write("src/lone_mod_ip.py")
    importable.on_path("src")
    assert Flagon("lone_mod_ip").instance_path == str(importable.root / "src" / "instance")


def test_instance_path_of_a_package_is_beside_the_top_package(importable):
    importable.write("src/pkg_ip/__init__.py", "src/pkg_ip/views.py", "src/pkg_ip/sub/__init__.py")
    importable.on_path("src")
    expected = str(importable.root / "src" / "instance")
    assert Flagon("pkg_ip").instance_path == expected
    assert Flagon("pkg_ip.views").instance_path == expected
    assert Flagon("pkg_ip.sub").instance_path == expected


@pytest.mark.parametrize(
    "site, prefix",
    [
        ("env/lib/python3.11/site-packages", "env"),  # a Unix virtualenv
        ("env/Lib/site-packages", "env"),  # Windows
        ("env/site-packages", "env"),  # anything else
    ],
)
def test_instance_path_of_an_installed_package_is_under_its_prefix(importable, site, prefix):
    importable.write(f"{site}/inst_pkg_ip/__init__.py")
    importable.on_path(site)
    expected = importable.root / prefix / "var" / "inst_pkg_ip-instance"
    assert Flagon("inst_pkg_ip").instance_path == str(expected)


def test_instance_path_of_a_package_in_sys_prefix(importable, monkeypatch):
    importable.write("usr/share/apps/sys_pkg_ip/__init__.py")
    importable.on_path("usr/share/apps")
    monkeypatch.setattr(sys, "prefix", str(importable.root / "usr"))
    expected = importable.root / "usr" / "var" / "sys_pkg_ip-instance"
    assert Flagon("sys_pkg_ip").instance_path == str(expected)


def test_instance_path_of_a_namespace_package_follows_the_portion(importable):
    importable.write("a/ns_ip/one/__init__.py", "b/ns_ip/two/__init__.py", "b/ns_ip/solo.py")
    importable.on_path("a", "b")
    assert Flagon("ns_ip.one").instance_path == str(importable.root / "a" / "instance")
    assert Flagon("ns_ip.two").instance_path == str(importable.root / "b" / "instance")
    assert Flagon("ns_ip.solo").instance_path == str(importable.root / "b" / "instance")


def test_instance_path_of_an_unknown_name_is_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Flagon("no_such_module_ip").instance_path == str(tmp_path / "instance")


# -- logger ---------------------------------------------------------------------------------------


def test_logger_is_named_after_the_app():
    app = Flagon("flagon_logger_test")
    assert isinstance(app.logger, logging.Logger)
    assert app.logger.name == "flagon_logger_test"
    assert app.logger is app.logger


def test_logger_level_is_debug_in_debug_mode():
    app = Flagon("flagon_debug_logger_test")
    app.debug = True
    assert app.logger.level == logging.DEBUG


def test_logger_messages_in_a_view_are_captured(app, client, caplog):
    @app.route("/")
    def index():
        current_app.logger.warning("careful: %s", request.path)
        return "x"

    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        client.get("/")
    assert [r.getMessage() for r in caplog.records if r.name == app.logger.name] == ["careful: /"]


def test_default_handler_writes_to_the_requests_error_stream(app):
    from flagon.logging import default_handler

    errors = io.StringIO()
    record = logging.LogRecord(app.name, logging.ERROR, __file__, 1, "went wrong", None, None)
    with app.test_request_context(environ_overrides={"wsgi.errors": errors}):
        default_handler.emit(record)
    assert "ERROR" in errors.getvalue()
    assert "went wrong" in errors.getvalue()


def test_default_handler_is_added_only_when_nothing_handles_records():
    from flagon.logging import default_handler

    name = "flagon_unhandled_logger_test"
    logger = logging.getLogger(name)
    logger.propagate = False
    try:
        assert default_handler in Flagon(name).logger.handlers
    finally:
        logger.handlers.clear()
        logger.propagate = True


# -- extension points ------------------------------------------------------------------------------


def test_custom_request_class_is_used(app, client):
    class MyRequest(Request):
        @property
        def shouted_path(self):
            return self.path.upper()

    app.request_class = MyRequest

    @app.route("/page")
    def page():
        assert isinstance(request._get_current_object(), MyRequest)
        return request.shouted_path

    assert client.get("/page").text == "/PAGE"
    with app.test_request_context("/x"):
        assert request.shouted_path == "/X"


def test_custom_response_class_is_used_for_every_kind_of_return(app):
    class MyResponse(Response):
        default_mimetype = "text/plain"

    app.response_class = MyResponse
    client = app.test_client()
    app.add_url_rule("/str", "str", lambda: "text")
    app.add_url_rule("/dict", "dict", lambda: {"a": 1})
    app.add_url_rule("/plain", "plain", lambda: Response("base class", mimetype="text/html"))
    app.add_url_rule("/missing-view", "err", lambda: flagon.abort(404))

    response = client.get("/str")
    assert isinstance(response, MyResponse)
    assert response.mimetype == "text/plain"
    assert isinstance(client.get("/dict"), MyResponse)
    assert client.get("/plain").text == "base class"
    with app.test_request_context():
        assert isinstance(app.make_response(Response("x")), MyResponse)
        assert isinstance(app.make_response("x"), MyResponse)


def test_custom_app_ctx_globals_class(app, client):
    class MyGlobals(_AppCtxGlobals):
        def user_or_guest(self):
            return self.get("user", "guest")

    app.app_ctx_globals_class = MyGlobals
    app.add_url_rule("/", "index", lambda: g.user_or_guest())
    assert client.get("/").text == "guest"


def test_custom_config_class():
    class MyConfig(flagon.Config):
        pass

    class MyApp(Flagon):
        config_class = MyConfig

    assert isinstance(MyApp("x").config, MyConfig)


def test_custom_url_rule_and_map_classes():
    class MyRule(Rule):
        pass

    class MyMap(Map):
        pass

    class MyApp(Flagon):
        url_rule_class = MyRule
        url_map_class = MyMap

    app = MyApp("x")
    app.add_url_rule("/", "index", lambda: "")
    assert isinstance(app.url_map, MyMap)
    assert all(isinstance(rule, MyRule) for rule in app.url_map.iter_rules())


def test_custom_test_client_class(app):
    class MyClient(FlagonClient):
        def hello(self):
            return self.get("/").text

    app.test_client_class = MyClient
    app.add_url_rule("/", "index", lambda: "hi")
    client = app.test_client()
    assert isinstance(client, MyClient)
    assert client.hello() == "hi"


def test_custom_session_interface_opens_and_saves(app, client):
    class DictSession(dict, SessionMixin):
        pass

    class HeaderSessionInterface(SessionInterface):
        """Keeps the session in a header, for the test."""

        def open_session(self, app, request):
            return DictSession(user=request.headers.get("X-User"))

        def save_session(self, app, session, response):
            response.headers["X-Session-User"] = str(session.get("user"))

    app.session_interface = HeaderSessionInterface()

    @app.route("/")
    def index():
        session["user"] = session["user"].upper()
        return "x"

    response = client.get("/", headers={"X-User": "ann"})
    assert response.headers["X-Session-User"] == "ANN"


def test_session_is_not_opened_when_not_used(app, client):
    opened = []

    class CountingInterface(SessionInterface):
        def open_session(self, app, request):
            opened.append(1)
            return None

    app.session_interface = CountingInterface()
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert opened == []


# -- the WSGI entry point ----------------------------------------------------------------------------


def test_app_is_a_wsgi_application(app):
    app.add_url_rule("/", "index", lambda: "wsgi")
    started = {}
    body = app(create_environ("/"), lambda status, headers: started.update(status=status))
    assert started["status"] == "200 OK"
    assert b"".join(body) == b"wsgi"


def test_wsgi_app_can_be_wrapped_while_app_stays_the_app(app, client):
    calls = []

    class Middleware:
        def __init__(self, wsgi_app):
            self.wsgi_app = wsgi_app

        def __call__(self, environ, start_response):
            calls.append(environ["PATH_INFO"])
            return self.wsgi_app(environ, start_response)

    app.add_url_rule("/", "index", lambda: current_app.name)
    app.wsgi_app = Middleware(app.wsgi_app)
    assert isinstance(app, Flagon)
    assert client.get("/").text == app.name
    assert calls == ["/"]


def test_teardown_runs_even_when_an_error_escapes(app, client):
    seen = []
    app.teardown_request(lambda exc: seen.append(type(exc).__name__))
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert seen == ["ZeroDivisionError"]


def test_should_ignore_error_hides_the_error_from_teardown():
    class QuietApp(Flagon):
        def should_ignore_error(self, error):
            return isinstance(error, ZeroDivisionError)

    app = QuietApp("quiet")
    seen = []
    app.teardown_request(lambda exc: seen.append(exc))
    app.add_url_rule("/", "index", lambda: 1 / 0)
    assert app.test_client().get("/").status_code == 500
    assert seen == [None]


def test_request_context_for_a_raw_environ(app):
    app.add_url_rule("/raw", "raw", lambda: "")
    with app.request_context(create_environ("/raw?x=1")):
        assert request.args["x"] == "1"
        assert request.endpoint == "raw"


def test_test_request_context_arguments(app):
    with app.test_request_context(
        "/p",
        method="POST",
        headers={"X-A": "1"},
        data={"f": "v"},
        query_string={"q": "1"},
        base_url="https://example.com/root",
    ):
        assert request.method == "POST"
        assert request.headers["X-A"] == "1"
        assert request.form["f"] == "v"
        assert request.args["q"] == "1"
        assert request.url == "https://example.com/root/p?q=1"
    with app.test_request_context(json={"k": [1]}):
        assert request.get_json() == {"k": [1]}


# -- trusted hosts -----------------------------------------------------------------------------------


def host_echo(app):
    @app.route("/host")
    def host():
        return request.host

    return app


def test_trusted_hosts_serve_only_the_listed_hosts(app, client, caplog):
    host_echo(app).config["TRUSTED_HOSTS"] = ["example.com", ".example.org"]
    assert client.get("/host", headers={"Host": "example.com"}).text == "example.com"
    assert client.get("/host", headers={"Host": "example.org"}).text == "example.org"
    assert client.get("/host", headers={"Host": "api.example.org"}).text == "api.example.org"
    with caplog.at_level(logging.DEBUG):
        forged = client.get("/host", headers={"Host": "evil.com"})
    assert forged.status_code == 400
    assert b"Host &#39;evil.com&#39; is not trusted." in forged.data
    assert b"Traceback" not in forged.data and not caplog.records  # a client error, not a crash
    assert client.get("/host", headers={"Host": "notexample.org"}).status_code == 400
    assert client.get("/missing", headers={"Host": "evil.com"}).status_code == 400  # before routing


def test_trusted_hosts_ignore_the_port(app, client):
    host_echo(app).config["TRUSTED_HOSTS"] = ["example.com:443"]
    assert client.get("/host", headers={"Host": "example.com:8080"}).text == "example.com:8080"
    assert client.get("/host", base_url="https://example.com").text == "example.com"
    assert client.get("/host", headers={"Host": "localhost:8080"}).status_code == 400


def test_trusted_hosts_check_the_forwarded_host_behind_proxy_fix(app):
    from flagon.middleware import ProxyFix

    host_echo(app).config["TRUSTED_HOSTS"] = ["shop.example"]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_host=1)
    client = app.test_client()
    assert client.get("/host", headers={"X-Forwarded-Host": "shop.example"}).text == "shop.example"
    assert client.get("/host", headers={"X-Forwarded-Host": "evil.com"}).status_code == 400


def test_without_trusted_hosts_any_host_is_served(app, client):
    host_echo(app)
    assert app.config["TRUSTED_HOSTS"] is None
    assert client.get("/host", headers={"Host": "anything.test"}).text == "anything.test"
    with app.test_request_context("/host", headers={"Host": "anything.test"}):
        assert request.trusted_hosts is None


def test_trusted_hosts_reach_the_request_and_a_request_context(app):
    app.config["TRUSTED_HOSTS"] = ["example.com"]
    with app.test_request_context("/", base_url="http://example.com"):
        assert request.trusted_hosts == ["example.com"] and request.host == "example.com"
    with app.test_request_context("/", base_url="http://evil.com"):
        assert request.routing_exception.code == 400


# -- several apps ------------------------------------------------------------------------------------


def test_two_apps_in_one_process_are_independent():
    one, two = Flagon("one"), Flagon("two")
    one.config["NAME"] = "first"
    two.config["NAME"] = "second"
    for app in (one, two):
        app.add_url_rule("/", "index", lambda: current_app.config["NAME"])
    assert one.test_client().get("/").text == "first"
    assert two.test_client().get("/").text == "second"
    assert one.view_functions.keys() == two.view_functions.keys()
    assert one.url_map is not two.url_map


def test_app_called_inside_another_apps_request(app, client):
    other = Flagon("other")
    other.add_url_rule("/inner", "inner", lambda: current_app.name)

    @app.route("/")
    def index():
        inner = other.test_client().get("/inner").text
        return f"{inner} then {current_app.name}"

    assert client.get("/").text == f"other then {app.name}"


# Behaviour A1 of the context-local model.
def test_call_goes_through_wsgi_app_so_middleware_can_wrap_it():
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "index"

    class HeaderMiddleware:
        def __init__(self, wsgi_app: Callable) -> None:
            self.wsgi_app = wsgi_app

        def __call__(self, environ: dict, start_response: Callable) -> Any:
            def add_header(status: str, headers: list, exc_info: Any = None) -> Any:
                return start_response(status, [*headers, ("X-Middleware", "yes")], exc_info)

            return self.wsgi_app(environ, add_header)

    app.wsgi_app = HeaderMiddleware(app.wsgi_app)
    assert isinstance(app, Flagon)  # the app object stays the app
    response = app.test_client().get("/")
    assert response.get_data(as_text=True) == "index"
    assert response.headers["X-Middleware"] == "yes"


# Behaviour A2 of the context-local model.
def test_wsgi_app_pipeline():
    log: list[Any] = []

    class LoggedResponse(Response):
        def __call__(self, environ: dict, start_response: Callable) -> Any:
            log.append("response called")
            return super().__call__(environ, start_response)

    class LoggedApp(Flagon):
        response_class = LoggedResponse

        def request_context(self, environ: dict) -> RequestContext:
            log.append("request_context")
            return super().request_context(environ)

        def full_dispatch_request(self) -> Response:
            log.append(("full_dispatch_request", request.path))
            return super().full_dispatch_request()

    app = LoggedApp("pipeline", root_path="/tmp")
    app.teardown_request(lambda exc: log.append(("teardown", exc)))

    @app.route("/")
    def index() -> str:
        return "ok"

    assert app.test_client().get("/").get_data(as_text=True) == "ok"
    assert log == [
        "request_context",
        ("full_dispatch_request", "/"),
        "response called",
        ("teardown", None),
    ]
    assert _request_ctx_stack.top is None


# Behaviour A2 of the context-local model.
def test_an_exception_becomes_the_response_of_handle_exception():
    handled: list[Exception] = []

    class HandlingApp(Flagon):
        def handle_exception(self, e: Exception) -> Response:
            handled.append(e)
            return self.response_class(f"handled: {e}", 503)

    app = HandlingApp("handling", root_path="/tmp")
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)
    app.teardown_appcontext(torn_down.append)
    error = ValueError("boom")

    @app.route("/boom")
    def boom() -> str:
        raise error

    response = app.test_client().get("/boom")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "handled: boom"
    assert handled == [error]
    assert torn_down == [error, error]  # the context was popped with the error


# Behaviour A2 of the context-local model.
def test_unhandled_error_gives_500_and_teardown_still_runs(monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr(app.logger, "disabled", True)  # the 500 is logged; keep the output clean
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)

    @app.route("/boom")
    def boom() -> str:
        raise ZeroDivisionError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert len(torn_down) == 1 and isinstance(torn_down[0], ZeroDivisionError)
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None

    # Propagating (testing): the error reaches the caller, and teardown still ran.
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/boom")
    assert len(torn_down) == 2 and isinstance(torn_down[1], ZeroDivisionError)
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


# Behaviour A2 of the context-local model.
def test_should_ignore_error_keeps_the_error_from_teardown_hooks(monkeypatch):
    class IgnoringApp(Flagon):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return True

    app = IgnoringApp("ignoring", root_path="/tmp")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(app.logger, "disabled", True)
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)

    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    assert app.test_client().get("/boom").status_code == 500
    assert torn_down == [None]


# Behaviour A3 of the context-local model.
def test_full_dispatch_request_order():
    log: list[str] = []

    class Sessions(SessionInterface):
        def open_session(self, app: Flagon, req: Request) -> DictSession:
            return DictSession()

        def save_session(self, app: Flagon, sess: SessionMixin, response: Response) -> None:
            log.append(f"save_session {dict(sess)} {response.headers.get('X-After')}")

    app = make_app()
    app.session_interface = Sessions()

    @app.before_request
    def before() -> None:
        log.append("before_request")

    @app.after_request
    def after(response: Response) -> Response:
        log.append("after_request")
        response.headers["X-After"] = "set"
        return response

    @app.route("/")
    def index() -> str:
        log.append("view")
        session["seen"] = True

        @after_this_request
        def just_this_one(response: Response) -> Response:
            log.append("after_this_request")
            return response

        return "body"

    response = app.test_client().get("/")
    assert response.get_data(as_text=True) == "body"
    assert log == [
        "before_request",
        "view",
        "after_this_request",
        "after_request",
        "save_session {'seen': True} set",
    ]


# Behaviour A3 of the context-local model.
def test_before_request_result_short_circuits_the_view():
    app = make_app()
    log: list[str] = []

    @app.before_request
    def stop() -> str:
        log.append("before_request")
        return "stopped early"

    @app.before_request
    def never() -> None:
        log.append("second before_request")

    @app.after_request
    def after(response: Response) -> Response:
        log.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        log.append("view")
        return "view body"

    assert app.test_client().get("/").get_data(as_text=True) == "stopped early"
    assert log == ["before_request", "after_request"]  # the response is still finalized


# Behaviour A4 of the context-local model.
def test_context_factories():
    app = make_app()
    app_ctx = app.app_context()
    assert type(app_ctx) is AppContext and app_ctx.app is app

    environ = create_environ("/from-environ")
    req_ctx = app.request_context(environ)
    assert type(req_ctx) is RequestContext and req_ctx.app is app
    assert req_ctx.request.environ is environ and req_ctx.request.path == "/from-environ"

    test_ctx = app.test_request_context("/made-up", method="POST", query_string={"a": "1"})
    assert type(test_ctx) is RequestContext
    assert (test_ctx.request.path, test_ctx.request.method) == ("/made-up", "POST")
    assert test_ctx.request.args["a"] == "1"


# Behaviour A4 of the context-local model.
def test_replaceable_classes():
    class MyGlobals(_AppCtxGlobals):
        def greeting(self) -> str:
            return "hello from g"

    class MyRequest(Request):
        @property
        def shout(self) -> str:
            return self.path.upper()

    class MyResponse(Response):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Response-Class"] = "mine"

    class Sessions(SessionInterface):
        def open_session(self, app: Flagon, req: Request) -> DictSession:
            return DictSession(source="custom interface")

    app = make_app()
    assert app.app_ctx_globals_class is _AppCtxGlobals
    assert app.request_class is Request and app.response_class is Response
    assert isinstance(app.session_interface, SessionInterface)
    app.app_ctx_globals_class = MyGlobals
    app.request_class = MyRequest
    app.response_class = MyResponse
    app.session_interface = Sessions()

    @app.route("/shout")
    def shout() -> str:
        return f"{request.shout} {g.greeting()} {session['source']}"

    response = app.test_client().get("/shout")
    assert response.get_data(as_text=True) == "/SHOUT hello from g custom interface"
    assert response.headers["X-Response-Class"] == "mine"


# Behaviour A5 of the context-local model.
def test_dispatcher_middleware_each_app_sees_itself():
    def create(name: str) -> Flagon:
        app = make_app(name)

        @app.route("/login")
        def login() -> str:
            return f"{current_app.name} {url_for('login')} {request.script_root}"

        return app

    frontend, backend = create("frontend"), create("backend")
    application = DispatcherMiddleware(frontend, {"/backend": backend})
    client = FlagonClient(application)
    assert client.get("/login").get_data(as_text=True) == "frontend /login "
    assert client.get("/backend/login").get_data(as_text=True) == "backend /backend/login /backend"
    assert client.get("/elsewhere").status_code == 404  # the frontend answers what isn't mounted


# Behaviour A6 of the context-local model.
def test_app_run_uses_waitress(monkeypatch, capsys):
    import waitress

    served: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: served.append((app, options)))
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "served"

    app.run(host="0.0.0.0", port=8123)
    app.run()
    capsys.readouterr()
    assert [(options["host"], options["port"]) for _, options in served] == [
        ("0.0.0.0", 8123),
        ("127.0.0.1", 5000),
    ]
    wsgi_app = served[0][0]
    assert FlagonClient(wsgi_app).get("/").get_data(as_text=True) == "served"


# Behaviour A7 of the context-local model.
def test_endpoints_are_named_blueprint_dot_view_and_url_for_uses_that_name():
    from flagon import Blueprint
    from flagon.routing import BuildError

    app = make_app()
    main = Blueprint("a", __name__)  # Blueprint("a", …) then url_for("a.xxx")

    @main.route("/xxx")
    def xxx() -> str:
        return f"{request.endpoint} {url_for('a.xxx')} {url_for('.xxx')}"

    app.register_blueprint(main, url_prefix="/main")
    assert app.test_client().get("/main/xxx").get_data(as_text=True) == "a.xxx /main/xxx /main/xxx"
    with app.test_request_context():
        with pytest.raises(BuildError):
            url_for("main.xxx")  # the variable's name means nothing; the blueprint's name does


# An app-factory package: extension objects live in the package ``__init__``, the route modules import
# them from the package, and ``create_app()`` imports the route modules and registers their
# blueprints — so importing the package never imports a route module before the extension exists.
_FACTORY_PACKAGE = {
    "__init__.py": '''
        from flagon import Flagon


        class Store:
            """An extension created unbound at import time and bound by init_app, like PyMongo."""

            def __init__(self):
                self.posts = []

            def init_app(self, app):
                app.extensions["store"] = self


        store = Store()


        def create_app(config=None):
            app = Flagon(__name__)
            app.config.from_mapping(config or {})
            store.init_app(app)

            from .routes.auth import auth
            from .routes.main import main

            app.register_blueprint(main)
            app.register_blueprint(auth, url_prefix="/auth")
            return app
    ''',
    "routes/__init__.py": "",
    "routes/main.py": """
        from flagon import Blueprint, current_app, url_for

        from .. import store

        main = Blueprint("a", __name__)


        @main.route("/")
        def index():
            return {
                "posts": store.posts,
                "login": url_for("auth.login"),
                "bound": current_app.extensions["store"] is store,
            }
    """,
    "routes/auth.py": """
        from flagon import Blueprint, redirect, request, url_for

        from factory_forum import store

        auth = Blueprint("auth", __name__)


        @auth.route("/login", methods=["GET", "POST"])
        def login():
            if request.method == "POST":
                store.posts.append(request.form["title"])
                return redirect(url_for("a.index"))
            return "login form"
    """,
}


@pytest.fixture
def factory_forum_package(tmp_path, monkeypatch):
    """The app-factory package written to disk and importable as ``factory_forum``."""
    import sys
    import textwrap

    for relative, source in _FACTORY_PACKAGE.items():
        path = tmp_path / "factory_forum" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "factory_forum"
    for name in [name for name in sys.modules if name.split(".")[0] == "factory_forum"]:
        del sys.modules[name]


# Behaviour A7 of the context-local model.
def test_app_factory_registers_blueprints_without_a_circular_import(factory_forum_package):
    import importlib

    package = importlib.import_module("factory_forum")
    app = package.create_app({"TESTING": True})
    assert app.root_path == str(factory_forum_package)
    assert sorted(app.blueprints) == ["a", "auth"]

    client = app.test_client()
    assert client.get("/auth/login").get_data(as_text=True) == "login form"
    response = client.post("/auth/login", data={"title": "hello"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert client.get("/").json == {"posts": ["hello"], "login": "/auth/login", "bound": True}

    # Gunicorn's 'factory_forum:create_app()' in each worker: a second app from the same package
    # gets the same blueprints registered afresh.
    second = package.create_app()
    assert second is not app
    assert second.test_client().get("/auth/login").get_data(as_text=True) == "login form"
