"""Application and request contexts: what the proxies see, how contexts nest, copy, preserve
and pop, and the errors outside a context."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from typing import Any

import greenlet
import pytest
from context_tools import (
    PRESERVE,
    DictSession,
    gc_disabled,
    make_app,
    run_threads,
)

import flagon
from flagon import (
    AppContext,
    Flagon,
    LocalProxy,
    LocalStack,
    RequestContext,
    _app_ctx_stack,
    _request_ctx_stack,
    app_ctx,
    appcontext_popped,
    appcontext_pushed,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    request_ctx,
    session,
    url_for,
)
from flagon.ctx import _AppCtxGlobals
from flagon.exceptions import MethodNotAllowed, NotFound
from flagon.sessions import NullSession, SessionInterface, SessionMixin
from flagon.testing import create_environ
from flagon.wrappers import Request, Response


def run_in_thread(func):
    """Run ``func`` in a real thread and return its result (or raise its error)."""
    result = {}

    def target():
        try:
            result["value"] = func()
        except BaseException as e:  # re-raised in the caller
            result["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


# -- outside any context ----------------------------------------------------------------------


def test_has_context_functions_outside_and_inside(app):
    assert not has_app_context()
    assert not has_request_context()
    with app.app_context():
        assert has_app_context()
        assert not has_request_context()
    with app.test_request_context():
        assert has_app_context()
        assert has_request_context()
    assert not has_app_context()
    assert not has_request_context()


@pytest.mark.parametrize("use", [lambda: current_app.name, lambda: g.user, lambda: app_ctx.app])
def test_app_proxies_outside_context_say_what_is_missing_and_the_fix(use):
    with pytest.raises(RuntimeError) as info:
        use()
    message = str(info.value)
    assert "Working outside of application context" in message
    assert "app.app_context()" in message


@pytest.mark.parametrize(
    "use", [lambda: request.path, lambda: session.get("x"), lambda: request_ctx.request]
)
def test_request_proxies_outside_context_say_what_is_missing_and_the_fix(use):
    with pytest.raises(RuntimeError) as info:
        use()
    message = str(info.value)
    assert "Working outside of request context" in message
    assert "app.test_request_context()" in message


def test_request_outside_request_but_inside_app_context_is_still_an_error(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="outside of request context"):
            request.args


def test_unbound_proxies_are_falsy():
    assert not current_app
    assert not request
    assert not app_ctx
    assert not request_ctx


# -- proxies inside a context -----------------------------------------------------------------


def test_context_proxies_point_at_the_current_contexts(app):
    with app.test_request_context("/page?x=1") as ctx:
        assert request_ctx._get_current_object() is ctx
        assert app_ctx._get_current_object() is _app_ctx_stack.top
        assert app_ctx.app is app
        assert request_ctx.request is request._get_current_object()
        assert current_app._get_current_object() is app
        assert g._get_current_object() is app_ctx.g
        assert request.args["x"] == "1"


def test_stack_tops_are_the_contexts(app):
    with app.test_request_context() as ctx:
        assert _request_ctx_stack.top is ctx
        assert _app_ctx_stack.top.app is app
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None


def test_app_context_makes_current_app_and_g_usable(app):
    with app.app_context() as ctx:
        assert current_app.name == app.name
        g.db = "connection"
        assert ctx.g.db == "connection"
        assert app_ctx._get_current_object() is ctx


def test_g_namespace_behaves_like_a_small_dict(app):
    with app.app_context():
        g.a = 1
        assert g.get("a") == 1
        assert g.get("missing", "d") == "d"
        assert "a" in g and "b" not in g
        assert g.setdefault("b", 2) == 2
        assert g.setdefault("b", 3) == 2
        assert sorted(g) == ["a", "b"]
        assert g.pop("a") == 1
        assert g.pop("a", "gone") == "gone"
        with pytest.raises(KeyError):
            g.pop("a")
        with pytest.raises(AttributeError):
            g.missing
        del g.b
        with pytest.raises(AttributeError):
            del g.b
        assert repr(g) == f"<flagon.g of '{app.name}'>"


def test_g_is_fresh_for_each_request(app, client):
    @app.route("/")
    def index():
        before = g.get("count", 0)
        g.count = before + 1
        return str(before)

    assert client.get("/").text == "0"
    assert client.get("/").text == "0"


def test_each_request_gets_a_new_app_context(app, client):
    seen = []

    @app.route("/")
    def index():
        seen.append(app_ctx._get_current_object())
        return ""

    client.get("/")
    client.get("/")
    assert len(seen) == 2
    assert seen[0] is not seen[1]


def test_request_context_g_property_reads_the_app_context_g(app):
    with app.test_request_context() as ctx:
        g.value = 1
        assert ctx.g.value == 1


# -- matching at creation ---------------------------------------------------------------------


def test_request_context_matches_the_url_when_created(app):
    @app.route("/user/<name>")
    def user(name):
        return name

    ctx = app.test_request_context("/user/ann")
    assert ctx.request.url_rule.rule == "/user/<name>"
    assert ctx.request.view_args == {"name": "ann"}
    assert ctx.request.routing_exception is None


def test_routing_error_is_stored_for_dispatch(app):
    ctx = app.test_request_context("/nowhere")
    assert isinstance(ctx.request.routing_exception, NotFound)
    assert ctx.request.url_rule is None


# -- nesting ------------------------------------------------------------------------------------


def test_nested_request_contexts_restore_the_outer_request(app):
    with app.test_request_context("/outer"):
        assert request.path == "/outer"
        with app.test_request_context("/inner"):
            assert request.path == "/inner"
        assert request.path == "/outer"


def test_internal_request_inside_a_view(app, client):
    @app.route("/inner")
    def inner():
        return f"inner saw {request.path}"

    @app.route("/outer")
    def outer():
        environ = dict(request.environ, PATH_INFO="/inner")
        with app.request_context(environ):
            inner_text = app.full_dispatch_request().get_data(as_text=True)
        return f"{inner_text}; outer saw {request.path}"

    assert client.get("/outer").text == "inner saw /inner; outer saw /outer"


def test_request_context_reuses_the_app_context_of_its_app(app):
    with app.app_context() as actx:
        with app.test_request_context():
            assert app_ctx._get_current_object() is actx
        assert app_ctx._get_current_object() is actx


def test_request_context_pushes_its_own_app_context_over_another_app(app):
    other = Flagon("other")
    with other.app_context():
        with app.test_request_context():
            assert current_app._get_current_object() is app
        assert current_app._get_current_object() is other


def test_app_context_can_be_pushed_more_than_once(app):
    torn_down = []
    app.teardown_appcontext(lambda exc: torn_down.append(exc))
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert torn_down == []
    assert _app_ctx_stack.top is ctx
    ctx.pop()
    assert torn_down == [None]
    assert _app_ctx_stack.top is None


def test_popping_the_wrong_app_context_names_both(app):
    first, second = app.app_context(), app.app_context()
    first.push()
    second.push()
    with pytest.raises(RuntimeError, match="Popped wrong app context") as info:
        first.pop()
    assert repr(second) in str(info.value) and repr(first) in str(info.value)
    _app_ctx_stack.pop()  # first is still there


def test_popping_the_wrong_request_context_is_an_error(app):
    first = app.test_request_context("/a")
    second = app.test_request_context("/b")
    first.push()
    second.push()
    with pytest.raises(RuntimeError, match="Popped wrong request context"):
        first.pop()
    while _request_ctx_stack.top is not None:
        _request_ctx_stack.pop()
    while _app_ctx_stack.top is not None:
        _app_ctx_stack.pop()


def test_both_stacks_are_empty_after_a_test_request_context(app):
    with app.test_request_context("/?next=http://example.com/"):
        assert request.args["next"] == "http://example.com/"
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None


def test_popping_breaks_the_environ_request_cycle(app):
    ctx = app.test_request_context()
    environ = ctx.request.environ
    assert environ["flagon.request"] is ctx.request
    with ctx:
        pass
    assert environ["flagon.request"] is None


def test_context_reprs_name_the_app(app):
    with app.test_request_context("/x") as ctx:
        assert "http://localhost/x" in repr(ctx)
        assert app.name in repr(ctx)
        assert app.name in repr(app_ctx._get_current_object())


# -- preserving --------------------------------------------------------------------------------


def test_client_in_with_block_keeps_the_last_request_context(app, client):
    app.add_url_rule("/page", "page", lambda: "x")
    with client:
        client.get("/page?a=1")
        assert request.path == "/page"
        assert request.args["a"] == "1"
        first = request_ctx._get_current_object()
        assert first.preserved
        client.get("/page?a=2")  # the preserved context is popped before the next one
        assert request.args["a"] == "2"
        assert not first.preserved
        assert request_ctx._get_current_object() is not first
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None


def test_preserved_context_runs_teardown_when_finally_popped(app, client):
    torn_down = []
    app.teardown_request(lambda exc: torn_down.append(request.path))
    app.add_url_rule("/page", "page", lambda: "x")
    with client:
        client.get("/page")
        assert torn_down == []
    assert torn_down == ["/page"]


def test_preserve_context_key_in_environ(app):
    app.add_url_rule("/", "index", lambda: "x")
    environ = flagon.testing.create_environ("/")
    environ["flagon._preserve_context"] = True
    app(environ, lambda status, headers: None)
    ctx = _request_ctx_stack.top
    assert ctx is not None and ctx.preserved
    ctx.pop()
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None


def test_preserve_context_on_exception(app):
    app.testing = False
    app.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = True
    seen = []
    app.teardown_request(lambda exc: seen.append(exc))

    @app.route("/")
    def index():
        raise ValueError("kept")

    assert app.test_client().get("/").status_code == 500
    ctx = _request_ctx_stack.top
    assert ctx is not None and ctx.preserved
    assert seen == []
    with app.test_request_context():  # pushing a new context pops the preserved one first
        assert isinstance(seen[0], ValueError)
        assert len(seen) == 1
    assert _request_ctx_stack.top is None


def test_no_preserving_without_an_exception(app):
    app.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = True
    app.add_url_rule("/", "index", lambda: "ok")
    app.test_client().get("/")
    assert _request_ctx_stack.top is None


# -- copying to other threads and tasks -------------------------------------------------------


def test_copy_shares_the_request(app):
    with app.test_request_context("/x") as ctx:
        copy = ctx.copy()
        assert copy.request is ctx.request
        assert copy is not ctx


def test_copy_current_request_context_in_a_real_thread(app, client):
    @app.route("/work")
    def work():
        @copy_current_request_context
        def in_thread():
            return f"{request.path} {request.args['job']} {current_app.name}"

        return run_in_thread(in_thread)

    assert client.get("/work?job=7").text == f"/work 7 {app.name}"


def test_copied_context_outlives_the_request(app, client):
    pending = []

    @app.route("/later")
    def later():
        @copy_current_request_context
        def background():
            return request.args["n"]

        pending.append(background)
        return "queued"

    client.get("/later?n=5")
    assert run_in_thread(pending[0]) == "5"


def test_thread_without_a_copied_context_has_no_request(app):
    with app.test_request_context():
        assert run_in_thread(has_request_context) is False


def test_copied_context_leaves_the_caller_untouched(app):
    with app.test_request_context("/caller") as ctx:

        @copy_current_request_context
        def same_thread():
            return request_ctx._get_current_object()

        inner = same_thread()
        assert inner is not ctx
        assert inner.request is ctx.request
        assert request_ctx._get_current_object() is ctx


def test_copy_current_request_context_with_an_asyncio_task(app):
    with app.test_request_context("/async?q=1"):

        @copy_current_request_context
        async def task_body():
            await asyncio.sleep(0)
            return request.path, request.args["q"], current_app.name

        async def main():
            return await asyncio.create_task(task_body())

    # The original context is gone; the task still sees the request.
    assert asyncio.run(main()) == ("/async", "1", app.name)


def test_copy_current_request_context_outside_a_request_is_an_error():
    with pytest.raises(RuntimeError, match="request context"):
        copy_current_request_context(lambda: None)


def test_copy_keeps_the_function_name(app):
    with app.test_request_context():

        def named():
            pass

        assert copy_current_request_context(named).__name__ == "named"


def test_contexts_in_two_threads_are_independent(app):
    app.add_url_rule("/<name>", "name", lambda name: name)
    barrier = threading.Barrier(2)
    results = {}

    def worker(name):
        with app.test_request_context(f"/{name}"):
            barrier.wait()
            results[name] = request.path

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"a": "/a", "b": "/b"}


# -- session without an interface ---------------------------------------------------------------


def test_default_session_is_a_read_only_null_session(app):
    with app.test_request_context():
        assert session.get("user") is None
        assert not session.modified
        with pytest.raises(RuntimeError, match="secret key"):
            session["user"] = "ann"


def test_copied_functions_are_freed_after_use(app, client):
    refs = []

    @app.route("/")
    def index():
        def work():
            return request.path

        refs.append(weakref.ref(work))
        return copy_current_request_context(work)()

    assert client.get("/").text == "/"
    gc.collect()
    assert refs[0]() is None


def test_copied_context_is_torn_down_inside_a_preserving_client(app, client):
    torn_down = []
    app.teardown_request(lambda exc: torn_down.append(request.path))

    @app.route("/work")
    def work():
        return run_in_thread(copy_current_request_context(lambda: request.path))

    with client:
        assert client.get("/work").text == "/work"
        assert torn_down == ["/work"]  # the copy, in its thread; the request itself is kept
    assert torn_down == ["/work", "/work"]


# Behaviour C1 of the context-local model.
def test_two_local_stacks_whose_tops_are_the_current_contexts():
    assert type(_app_ctx_stack) is LocalStack and type(_request_ctx_stack) is LocalStack
    assert _app_ctx_stack is not _request_ctx_stack
    app = make_app()

    # The experiment: print the app stack's top outside and inside app.app_context().
    outside = _app_ctx_stack.top
    with app.app_context() as app_ctx:
        inside = _app_ctx_stack.top
        assert _request_ctx_stack.top is None
    assert outside is None
    assert inside is app_ctx and isinstance(inside, AppContext) and inside.app is app
    assert _app_ctx_stack.top is None

    with app.test_request_context("/") as req_ctx:
        assert _request_ctx_stack.top is req_ctx and isinstance(req_ctx, RequestContext)
        assert isinstance(_app_ctx_stack.top, AppContext) and _app_ctx_stack.top.app is app
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


# Behaviour C2 of the context-local model.
def test_globals_are_proxies_that_explain_missing_contexts():
    for proxy in (current_app, g, request, session):
        assert type(proxy) is LocalProxy

    for proxy in (current_app, g):
        with pytest.raises(RuntimeError) as info:
            proxy.anything
        assert "application context" in str(info.value)
        assert "app.app_context()" in str(info.value)
    for proxy in (request, session):
        with pytest.raises(RuntimeError) as info:
            proxy.anything
        assert "request context" in str(info.value)
        assert "test_request_context()" in str(info.value)

    first, second = make_app("first"), make_app("second")
    with first.app_context() as first_ctx:
        assert current_app._get_current_object() is first
        assert g._get_current_object() is first_ctx.g
        with pytest.raises(RuntimeError, match="request context"):
            request.path  # an app context alone is not a request
        with second.test_request_context("/path") as req_ctx:
            # The proxies read whatever is on top now.
            assert current_app._get_current_object() is second
            assert g._get_current_object() is _app_ctx_stack.top.g
            assert request._get_current_object() is req_ctx.request
            assert session._get_current_object() is req_ctx.session
        assert current_app._get_current_object() is first


# Behaviour C3 of the context-local model.
def test_app_context():
    app = make_app("c3_app", SERVER_NAME="example.org")

    @app.route("/login")
    def login() -> str:
        return "login"

    class Globals(_AppCtxGlobals):
        pass

    app.app_ctx_globals_class = Globals
    first, second = AppContext(app), AppContext(app)
    assert first.app is app
    assert type(first.g) is Globals and type(second.g) is Globals
    assert first.g is not second.g  # a fresh g per app context

    # A URL adapter built without a request (from SERVER_NAME).
    assert first.url_adapter is not None
    with first:
        assert url_for("login") == "http://example.org/login"
    assert AppContext(make_app("no_server_name")).url_adapter is None

    teardowns: list[Any] = []
    app.teardown_appcontext(teardowns.append)
    signals: list[tuple[str, Any, Any]] = []

    def on_pushed(sender: Any, **extra: Any) -> None:
        signals.append(("pushed", sender, current_app._get_current_object()))

    def on_popped(sender: Any, **extra: Any) -> None:
        signals.append(("popped", sender, _app_ctx_stack.top))

    ctx = app.app_context()
    error = ValueError("boom")
    with (
        appcontext_pushed.connected_to(on_pushed, app),
        appcontext_popped.connected_to(on_popped, app),
    ):
        ctx.push()
        assert current_app._get_current_object() is app
        ctx.push()  # pushed twice: a reference count
        ctx.pop()
        assert teardowns == []  # not the last pop yet
        assert _app_ctx_stack.top is ctx
        ctx.pop(error)
    assert teardowns == [error]
    assert _app_ctx_stack.top is None
    assert signals == [
        ("pushed", app, app),
        ("pushed", app, app),
        ("popped", app, ctx),
        ("popped", app, None),
    ]


# Behaviour C3 of the context-local model.
def test_popping_an_app_context_that_is_not_on_top_names_both():
    app, other = make_app("below"), make_app("above")
    below, above = app.app_context(), other.app_context()
    below.push()
    above.push()
    try:
        with pytest.raises(Exception) as info:
            below.pop()
        assert repr(below) in str(info.value)
        assert repr(above) in str(info.value)
    finally:
        while _app_ctx_stack.top is not None:
            _app_ctx_stack.pop()


# Behaviour C4 of the context-local model.
def test_g_namespace():
    app = make_app("appname")
    with app.app_context():
        g.x = 1
        assert g.x == 1
        assert g.get("x") == 1
        assert g.get("missing") is None and g.get("missing", "default") == "default"
        assert "x" in g and "missing" not in g
        assert g.setdefault("y", 2) == 2
        assert g.setdefault("y", 3) == 2
        assert sorted(iter(g)) == ["x", "y"]
        assert g.pop("x") == 1
        assert "x" not in g
        assert g.pop("x", "default") == "default"
        with pytest.raises(KeyError):
            g.pop("x")
        assert repr(g) == "<flagon.g of 'appname'>"


# Behaviour C5 of the context-local model.
def test_request_context_matches_at_creation():
    class MyRequest(Request):
        pass

    app = make_app()
    app.request_class = MyRequest

    @app.route("/users/<int:user_id>", methods=["GET"])
    def user(user_id: int) -> str:
        return str(user_id)

    environ = create_environ("/users/5")
    ctx = RequestContext(app, environ)
    # Before any push: request built, URL matched.
    assert type(ctx.request) is MyRequest and ctx.request.environ is environ
    assert ctx.request.url_rule.rule == "/users/<int:user_id>"
    assert ctx.request.url_rule.endpoint == "user"
    assert ctx.request.view_args == {"user_id": 5}
    assert ctx.request.routing_exception is None
    assert ctx.flashes is None
    assert ctx.url_adapter is not None

    missing = RequestContext(app, create_environ("/nowhere"))
    assert isinstance(missing.request.routing_exception, NotFound)
    assert missing.request.url_rule is None
    wrong_method = RequestContext(app, create_environ("/users/5", method="POST"))
    assert isinstance(wrong_method.request.routing_exception, MethodNotAllowed)
    with missing:  # the stored error is raised at dispatch
        with pytest.raises(NotFound):
            app.dispatch_request()


# Behaviour C5 of the context-local model.
def test_url_adapter_is_bound_to_the_request():
    app = make_app()

    @app.route("/login")
    def login() -> str:
        return "login"

    ctx = RequestContext(app, create_environ("/login", base_url="https://example.com/root"))
    with ctx:
        assert url_for("login") == "/root/login"
        assert url_for("login", _external=True) == "https://example.com/root/login"


# Behaviour C5 of the context-local model.
def test_request_context_g_and_session_slots():
    app = make_app()
    with app.test_request_context("/") as ctx:
        assert ctx.g is _app_ctx_stack.top.g
        ctx.g.value = 1
        assert g.value == 1
        replacement = _AppCtxGlobals()
        ctx.g = replacement
        assert g._get_current_object() is replacement
        assert _app_ctx_stack.top.g is replacement
        assert isinstance(ctx.session, SessionMixin)  # no secret key: the null session
        assert ctx.flashes is None


# Behaviour C6 of the context-local model.
def test_push_pops_a_preserved_context_first():
    app = make_app()
    torn_down: list[str] = []
    app.teardown_request(lambda exc: torn_down.append(request.path))

    preserved = app.request_context(create_environ("/old", environ_overrides=PRESERVE))
    preserved.push()
    preserved.auto_pop(None)
    assert preserved.preserved and _request_ctx_stack.top is preserved
    assert torn_down == []

    with app.test_request_context("/new") as ctx:
        assert torn_down == ["/old"]
        assert not preserved.preserved
        assert _request_ctx_stack.top is ctx
        assert request.path == "/new"
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


# Behaviour C6 of the context-local model.
def test_push_makes_an_app_context_only_when_needed():
    app, other = make_app("app"), make_app("other")

    # None active: one is pushed, and popped with the request.
    with app.test_request_context("/"):
        implicit = _app_ctx_stack.top
        assert isinstance(implicit, AppContext) and implicit.app is app
    assert _app_ctx_stack.top is None

    # The same app's context is active: it is reused and left in place.
    with app.app_context() as outer:
        with app.test_request_context("/"):
            assert _app_ctx_stack.top is outer
        assert _app_ctx_stack.top is outer

    # Another app's context is active: a new one for this app goes on top, then away.
    with other.app_context() as other_ctx:
        with app.test_request_context("/"):
            assert _app_ctx_stack.top is not other_ctx
            assert current_app._get_current_object() is app
        assert _app_ctx_stack.top is other_ctx
        assert current_app._get_current_object() is other


# Behaviour C6 of the context-local model.
def test_session_opened_through_the_interface_once_per_context():
    opened: list[tuple[Any, Any, bool, Any]] = []

    class Sessions(SessionInterface):
        def open_session(self, app: Flagon, req: Request) -> DictSession:
            # Opened while the context is pushed, so the request context is usable here.
            opened.append((app, req, has_request_context(), request._get_current_object()))
            return DictSession(user="ann")

    app = make_app()
    app.session_interface = Sessions()
    ctx = app.test_request_context("/")
    with ctx:
        assert session["user"] == "ann"
        first = session._get_current_object()
        with ctx:  # pushed again, as stream_with_context does: the session is not reopened
            assert session._get_current_object() is first
    assert opened == [(app, ctx.request, True, ctx.request)]


# Behaviour C6 of the context-local model.
def test_session_falls_back_to_the_null_session():
    made: list[NullSession] = []

    class NoSessions(SessionInterface):
        def open_session(self, app: Flagon, req: Request) -> None:
            return None

        def make_null_session(self, app: Flagon) -> NullSession:
            made.append(NullSession())
            return made[-1]

    app = make_app()
    app.session_interface = NoSessions()
    with app.test_request_context("/"):
        assert session._get_current_object() is made[0]
        assert session.get("user") is None
        with pytest.raises(RuntimeError, match="secret key"):
            session["user"] = "ann"


# Behaviour C7 of the context-local model.
def test_pop_runs_teardown_and_closes_the_request_on_the_last_level():
    closed: list[str] = []

    class MyRequest(Request):
        def close(self) -> None:
            closed.append(self.path)
            super().close()

    app = make_app()
    app.request_class = MyRequest
    request_teardowns: list[Any] = []
    app_teardowns: list[Any] = []
    app.teardown_request(request_teardowns.append)
    app.teardown_appcontext(app_teardowns.append)

    ctx = app.test_request_context("/page")
    ctx.push()
    ctx.push()
    ctx.pop()  # not the last level
    assert request_teardowns == [] and closed == []
    assert _request_ctx_stack.top is ctx and _app_ctx_stack.top is not None
    error = KeyError("boom")
    ctx.pop(error)
    assert request_teardowns == [error]
    assert closed == ["/page"]
    assert app_teardowns == [error]  # the implicit app context went with it
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


# Behaviour C7 of the context-local model.
def test_pop_breaks_the_request_environ_cycle():
    app = make_app()
    # A matched URL: no stored routing error whose traceback would hold the context.
    app.add_url_rule("/", "index", lambda: "index")
    with gc_disabled():
        ctx = app.request_context(create_environ("/"))
        request_ref = weakref.ref(ctx.request)
        ctx.push()
        ctx.pop()
        del ctx
        assert request_ref() is None  # freed by reference counting alone


# Behaviour C7 of the context-local model.
def test_pop_checks_it_popped_itself():
    app = make_app()
    lower, upper = app.test_request_context("/lower"), app.test_request_context("/upper")
    lower.push()
    upper.push()
    try:
        with pytest.raises(Exception) as info:
            lower.pop()
        assert repr(lower) in str(info.value) and repr(upper) in str(info.value)
    finally:
        while _request_ctx_stack.top is not None:
            _request_ctx_stack.pop()
        while _app_ctx_stack.top is not None:
            _app_ctx_stack.pop()


# Behaviour C8 of the context-local model.
def test_auto_pop_keeps_the_context_when_asked_or_after_an_error():
    app = make_app()
    torn_down: list[tuple[str, Any]] = []
    app.teardown_request(lambda exc: torn_down.append((request.path, exc)))

    # Asked by the environ (the test client's flag).
    with app.request_context(create_environ("/kept", environ_overrides=PRESERVE)) as ctx:
        pass
    assert ctx.preserved and _request_ctx_stack.top is ctx and request.path == "/kept"
    assert torn_down == []
    ctx.pop()
    assert torn_down == [("/kept", None)]

    # After an error, with PRESERVE_CONTEXT_ON_EXCEPTION on.
    app.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = True
    error = ValueError("boom")
    with pytest.raises(ValueError), app.test_request_context("/failed") as failed:
        raise error
    assert failed.preserved and request.path == "/failed"
    assert torn_down == [("/kept", None)]
    with app.test_request_context("/next"):  # the next push pops it, with its error
        assert torn_down[1:] == [("/failed", error)]
    assert _request_ctx_stack.top is None

    # Otherwise: popped at once.
    app.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = False
    with pytest.raises(ValueError), app.test_request_context("/plain"):
        raise error
    assert _request_ctx_stack.top is None
    assert torn_down[-1] == ("/plain", error)
    with app.test_request_context("/ok") as ok:
        pass
    assert not ok.preserved and _request_ctx_stack.top is None


# Behaviour C8 of the context-local model.
def test_test_client_keeps_the_context_inside_with():
    app = make_app()
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)

    @app.route("/hello")
    def hello() -> str:
        g.seen = request.args["name"]
        return "hi"

    client = app.test_client()
    with client:
        assert client.get("/hello?name=ann").get_data(as_text=True) == "hi"
        assert _request_ctx_stack.top.preserved
        assert request.args["name"] == "ann" and g.seen == "ann"
        assert torn_down == []
    assert torn_down == [None]
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


# Behaviour C9 of the context-local model.
def test_copy_shares_the_request_with_a_thread():
    app = make_app()
    seen: list[Any] = []
    with app.test_request_context("/work?job=7") as ctx:
        copied = ctx.copy()
        assert copied is not ctx and copied.request is ctx.request

        @copy_current_request_context
        def background() -> None:
            in_copy = _request_ctx_stack.top is not ctx
            seen.append((request._get_current_object(), request.args["job"], in_copy))

        run_threads(background, ())
        assert seen == [(ctx.request, "7", True)]
        assert _request_ctx_stack.top is ctx


# Behaviour C9 of the context-local model.
def test_copy_moves_the_request_to_a_greenlet():
    app = make_app()
    seen: list[Any] = []
    with app.test_request_context("/work") as ctx:
        copied = ctx.copy()

        def in_greenlet() -> None:
            assert _request_ctx_stack.top is None  # a greenlet has its own stacks
            with copied:
                seen.append((request._get_current_object(), _request_ctx_stack.top))

        greenlet.greenlet(in_greenlet).switch()
        assert seen == [(ctx.request, copied)]
        assert _request_ctx_stack.top is ctx


# Behaviour C9 of the context-local model.
def test_copy_moves_the_request_to_an_asyncio_task():
    app = make_app()
    with app.test_request_context("/work?job=9") as ctx:

        @copy_current_request_context
        async def job() -> tuple[Any, str, bool]:
            await asyncio.sleep(0)
            return (
                request._get_current_object(),
                request.args["job"],
                _request_ctx_stack.top is not ctx,
            )

        async def main() -> tuple[Any, str, bool]:
            return await asyncio.create_task(job())

        assert asyncio.run(main()) == (ctx.request, "9", True)
        assert _request_ctx_stack.top is ctx


# Behaviour C10 of the context-local model.
def test_internal_redirect_pushes_a_second_request_context():
    app = make_app()
    log: list[Any] = []

    @app.route("/a")
    def a() -> Response:
        log.append(("a", request.path))
        outer = _request_ctx_stack.top
        with app.request_context(create_environ("/b")) as inner:
            response = app.full_dispatch_request()
            log.append(("inside", request.path, _request_ctx_stack.top is inner))
        log.append(("a again", request.path, _request_ctx_stack.top is outer))
        return response  # B's result answers the user's request for A

    @app.route("/b")
    def b() -> str:
        log.append(("b", request.path))
        return f"B handled {request.path}"

    response = app.test_client().get("/a")
    assert response.get_data(as_text=True) == "B handled /b"
    assert log == [("a", "/a"), ("b", "/b"), ("inside", "/b", True), ("a again", "/a", True)]


# Behaviour C11 of the context-local model.
def test_app_context_lets_a_script_use_an_extension():
    class Database:
        """An extension in the Flask-SQLAlchemy style: it finds its app through current_app."""

        def __init__(self) -> None:
            self.created: list[tuple[str, str]] = []

        def init_app(self, app: Flagon) -> None:
            app.extensions["db"] = self
            app.config.setdefault("DATABASE_URI", "postgresql:///forum")

        def create_all(self) -> None:
            app = current_app._get_current_object()
            self.created.append((app.name, app.config["DATABASE_URI"]))

    app = make_app("myapp")
    db = Database()
    db.init_app(app)

    with pytest.raises(RuntimeError, match="outside of application context"):
        db.create_all()
    assert db.created == []

    # setup_tables.py
    with app.app_context():
        db.create_all()
    assert db.created == [("myapp", "postgresql:///forum")]


# Behaviour C12 of the context-local model.
def test_test_request_context_in_a_unit_test():
    app = make_app()
    with app.test_request_context("/?next=http://example.com/") as ctx:
        # You can now view attributes on request context stack by using `request`.
        assert isinstance(ctx, RequestContext)
        assert request._get_current_object() is ctx.request
        assert request.path == "/"
        assert request.args["next"] == "http://example.com/"
        assert has_request_context() and has_app_context()
    # Now the request context stack is empty
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None
    assert not has_request_context() and not has_app_context()
    with pytest.raises(RuntimeError):
        request.path


# Behaviour C13 of the context-local model.
def test_each_request_pushes_a_fresh_app_context_object():
    app = make_app()
    contexts: list[AppContext] = []  # kept alive so that no id is reused

    # The experiment: each view answers with the id of the app stack's top.
    @app.route("/")
    def index() -> str:
        contexts.append(_app_ctx_stack.top)
        return str(id(_app_ctx_stack.top))

    @app.route("/s")
    def s() -> str:
        contexts.append(_app_ctx_stack.top)
        return str(id(_app_ctx_stack.top))

    client = app.test_client()
    answers = [client.get(path).get_data(as_text=True) for path in ("/", "/s", "/")]
    assert len(set(answers)) == 3
    assert answers == [str(id(ctx)) for ctx in contexts]
    assert all(isinstance(ctx, AppContext) and ctx.app is app for ctx in contexts)
    assert _app_ctx_stack.top is None


# Behaviour C13 of the context-local model.
def test_app_context_lives_inside_the_request_context():
    events: list[str] = []

    class LoggedAppContext(AppContext):
        def __init__(self, app: Flagon) -> None:
            events.append("app ctx init")
            super().__init__(app)
            weakref.finalize(self, events.append, "app ctx del")

    class LoggedRequestContext(RequestContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            events.append("request ctx init")
            super().__init__(*args, **kwargs)
            weakref.finalize(self, events.append, "request ctx del")

    class LoggedApp(Flagon):
        def app_context(self) -> AppContext:
            return LoggedAppContext(self)

        def request_context(self, environ: dict) -> RequestContext:
            return LoggedRequestContext(self, environ)

    app = LoggedApp("logged", root_path="/tmp")

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "x"

    client = app.test_client()
    with gc_disabled():
        for _ in range(2):
            client.get("/")
    assert (
        events == ["request ctx init", "app ctx init", "view", "app ctx del", "request ctx del"] * 2
    )


# Behaviour C14 of the context-local model.
def test_g_lives_in_the_app_context_and_is_never_reset():
    app = make_app()
    seen: list[Any] = []

    @app.route("/")
    def index() -> str:
        seen.append(("user" in g, g._get_current_object() is _app_ctx_stack.top.g))
        g.user = "ann"
        return "ok"

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert seen == [(False, True), (False, True)]  # a new app context, so a new g, per request

    # Within one app context nothing resets g, even across requests.
    with app.app_context():
        g.user = "ann"
        with app.test_request_context("/"):
            assert g.user == "ann"
            g.during_request = 1
        assert g.user == "ann" and g.during_request == 1
