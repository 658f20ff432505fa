"""Application and request contexts: what the proxies see, how contexts nest, copy, preserve
and pop, and the errors outside a context."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import pytest

import flagon
from flagon import (
    Flagon,
    _app_ctx_stack,
    _request_ctx_stack,
    app_ctx,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    request_ctx,
    session,
)
from flagon.exceptions import NotFound


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
