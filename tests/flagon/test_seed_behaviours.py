"""The behaviours the seed documents state (SEED-BEHAVIOURS.md), one test per numbered claim.

Each test is named after its claim (``test_L1_…`` for context locals, ``test_C…`` for the
application and request contexts, ``test_A…`` for the application object) and reproduces the
seeds' own experiments where they give one.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import math
import operator
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import greenlet
import pytest

from flagon import (
    AppContext,
    Flagon,
    Local,
    LocalManager,
    LocalProxy,
    LocalStack,
    RequestContext,
    _app_ctx_stack,
    _request_ctx_stack,
    after_this_request,
    appcontext_popped,
    appcontext_pushed,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    release_local,
    request,
    session,
    url_for,
)
from flagon.ctx import _AppCtxGlobals
from flagon.exceptions import MethodNotAllowed, NotFound
from flagon.middleware import DispatcherMiddleware
from flagon.sessions import NullSession, SessionInterface, SessionMixin
from flagon.testing import FlagonClient, create_environ
from flagon.wrappers import Request, Response

# Only guards against a deadlock; no assertion depends on timing.
_DEADLOCK_GUARD = 10

#: What the test client puts in the environ to keep the request context after the request.
PRESERVE = {"flagon._preserve_context": True}


def make_app(name: str = "seed_app", **config: Any) -> Flagon:
    app = Flagon(name, root_path="/tmp")
    app.config.update(config)
    return app


def run_threads(target: Callable[..., None], *arg_tuples: tuple[Any, ...]) -> None:
    """Run ``target`` once per argument tuple, each in its own thread, and re-raise any failure."""
    errors: list[BaseException] = []

    def guarded(*args: Any) -> None:
        try:
            target(*args)
        except BaseException as e:  # reported in the test's own thread
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=args) for args in arg_tuples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(_DEADLOCK_GUARD)
        assert not thread.is_alive(), "a worker thread never finished"
    if errors:
        raise errors[0]


@contextmanager
def gc_disabled() -> Iterator[None]:
    """Let only reference counting free objects, so a leaked cycle stays observable."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class DictSession(dict, SessionMixin):  # type: ignore[misc]
    """A session that is a plain dict."""


class Target:
    """An object with attributes, to proxy to."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Target({self.name!r})"


# =============================================================================================
# Context locals
# =============================================================================================


def test_L1_threads():
    local = Local()
    both_set = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    both_read = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    seen: dict[str, Any] = {}

    def worker(value: str) -> None:
        local.first_name = value
        both_set.wait()  # both threads alive, each has written
        seen[value] = local.first_name
        both_read.wait()

    run_threads(worker, ("John",), ("Debbie",))
    assert seen == {"John": "John", "Debbie": "Debbie"}
    assert not hasattr(local, "first_name")  # nor did either write reach this thread


def test_L1_asyncio_tasks():
    local = Local()
    seen: dict[str, Any] = {}

    async def main() -> str:
        local.first_name = "runner"
        both_set = asyncio.Barrier(2)
        both_read = asyncio.Barrier(2)

        async def worker(value: str) -> None:
            local.first_name = value
            await both_set.wait()  # both tasks alive, each has written
            seen[value] = local.first_name
            await both_read.wait()

        await asyncio.gather(
            asyncio.create_task(worker("John")), asyncio.create_task(worker("Debbie"))
        )
        return local.first_name

    assert asyncio.run(main()) == "runner"
    assert seen == {"John": "John", "Debbie": "Debbie"}


def test_L1_greenlets():
    local = Local()
    hub = greenlet.getcurrent()
    seen: dict[str, Any] = {}

    def worker(value: str) -> None:
        local.first_name = value
        hub.switch()  # suspend with the value written; the other greenlet runs meanwhile
        seen[value] = local.first_name

    john, debbie = greenlet.greenlet(worker), greenlet.greenlet(worker)
    john.switch("John")
    debbie.switch("Debbie")
    assert not john.dead and not debbie.dead  # both alive at once
    john.switch()
    debbie.switch()
    assert seen == {"John": "John", "Debbie": "Debbie"}
    assert not hasattr(local, "first_name")


def test_L2_missing_attribute_and_delete():
    local = Local()
    with pytest.raises(AttributeError):
        local.missing
    local.x = 1
    assert local.x == 1
    del local.x
    with pytest.raises(AttributeError):
        local.x
    with pytest.raises(AttributeError):
        del local.x


def test_L3_release_local_drops_the_current_context_only():
    local = Local()
    local.a, local.b = 1, 2
    release_local(local)
    assert list(local) == []
    assert not hasattr(local, "a") and not hasattr(local, "b")

    local.a = 3
    local.__release_local__()
    assert not hasattr(local, "a")

    # Another thread's values survive a release made here.
    written = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    released = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    survived: list[Any] = []

    def other_thread() -> None:
        local.a = "other"
        written.wait()
        released.wait()
        survived.append(local.a)

    def releaser() -> None:
        written.wait()
        release_local(local)
        released.wait()

    local.a = "main"
    run_threads(lambda role: role(), (other_thread,), (releaser,))
    assert survived == ["other"]
    assert local.a == "main"  # the releasing thread had its own (empty) storage


def test_L4_call_gives_proxy_and_iteration_gives_pairs():
    local = Local()
    user = local("user")
    assert type(user) is LocalProxy
    local.user = Target("ann")
    assert user.name == "ann"

    local.request = "req"
    assert sorted(local) == [("request", "req"), ("user", local.user)]

    in_thread: list[list[tuple[str, Any]]] = []

    def worker() -> None:
        in_thread.append(list(local))
        local.own = 1
        in_thread.append(list(local))

    run_threads(worker, ())
    assert in_thread == [[], [("own", 1)]]
    assert sorted(name for name, _ in local) == ["request", "user"]


def test_L5_local_stack_push_top_pop():
    ls: LocalStack[int] = LocalStack()
    assert ls.top is None
    assert list(ls.push(42)) == [42]
    assert ls.top == 42
    assert list(ls.push(23)) == [42, 23]
    assert ls.top == 23
    assert ls.pop() == 23
    assert ls.top == 42
    assert ls.pop() == 42  # the last item leaves: the stack is released
    assert ls.top is None
    assert ls.pop() is None
    assert list(ls.push(7)) == [7]  # starts again from nothing
    assert ls.pop() == 7


def test_L5_local_stack_is_per_thread_and_per_task():
    ls: LocalStack[str] = LocalStack()
    ls.push("main")
    pushed = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    tops: dict[str, Any] = {}

    def worker(name: str) -> None:
        tops[f"{name} before"] = ls.top
        ls.push(name)
        pushed.wait()  # both threads hold their own stack at once
        tops[name] = ls.top
        assert ls.pop() == name

    run_threads(worker, ("t1",), ("t2",))
    assert tops == {"t1 before": None, "t2 before": None, "t1": "t1", "t2": "t2"}
    assert ls.top == "main"

    async def main() -> dict[str, Any]:
        task_tops: dict[str, Any] = {}
        both = asyncio.Barrier(2)

        async def task(name: str) -> None:
            ls.push(name)
            await both.wait()
            task_tops[name] = ls.top

        await asyncio.gather(task("a"), task("b"))
        task_tops["runner"] = ls.top
        return task_tops

    assert asyncio.run(main()) == {"a": "a", "b": "b", "runner": "main"}
    assert ls.pop() == "main"


def test_L6_calling_a_stack_gives_a_proxy_to_its_top():
    ls: LocalStack[Target] = LocalStack()
    top = ls()
    assert type(top) is LocalProxy
    with pytest.raises(RuntimeError, match="unbound"):
        top.name
    ls.push(Target("first"))
    assert top.name == "first"
    ls.push(Target("second"))
    assert top.name == "second"
    ls.pop()
    assert top.name == "first"
    ls.pop()
    with pytest.raises(RuntimeError, match="unbound"):
        top.name


def test_L7_local_manager():
    local, stack = Local(), LocalStack()
    manager = LocalManager([local, stack])
    assert repr(manager) == "<LocalManager storages: 2>"
    assert repr(LocalManager(local)) == "<LocalManager storages: 1>"

    # cleanup() releases every managed local, for this context only.
    written = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    cleaned = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    survived: list[Any] = []

    def other_thread() -> None:
        local.user = "other"
        written.wait()
        cleaned.wait()
        survived.append(local.user)

    def cleaner() -> None:
        written.wait()
        cleaned.wait()

    local.user = "main"
    stack.push("ctx")
    run_threads(lambda role: role(), (other_thread,), (cleaner,))
    manager.cleanup()
    assert not hasattr(local, "user")
    assert stack.top is None
    assert survived == ["other"]

    # get_ident(): stable within one context, different for two live threads.
    assert manager.get_ident() == manager.get_ident()
    both = threading.Barrier(2, timeout=_DEADLOCK_GUARD)
    idents: list[Any] = []

    def ident_worker() -> None:
        idents.append(manager.get_ident())
        both.wait()

    run_threads(ident_worker, (), ())
    assert len(set(idents)) == 2


def test_L7_make_middleware_cleans_up_when_the_response_closes():
    local, stack = Local(), LocalStack()
    manager = LocalManager([local, stack])
    inner_closed: list[bool] = []

    class Body(list):
        def close(self) -> None:
            inner_closed.append(True)

    def application(environ: dict, start_response: Callable) -> Body:
        local.user = environ["user"]
        stack.push("request")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"hello ", local.user.encode()])

    wrapped = manager.make_middleware(application)
    rv = wrapped({"user": "ann"}, lambda status, headers: None)
    assert b"".join(rv) == b"hello ann"
    assert local.user == "ann"  # still there while the server holds the response
    assert stack.top == "request"
    rv.close()
    assert inner_closed == [True]
    assert not hasattr(local, "user")
    assert stack.top is None


def test_L7_middleware_decorator_keeps_name_and_doc():
    local = Local()
    manager = LocalManager([local])

    @manager.middleware
    def application(environ: dict, start_response: Callable) -> list[bytes]:
        """The app's own docstring."""
        local.user = "ann"
        start_response("200 OK", [])
        return [b"ok"]

    assert application.__name__ == "application"
    assert application.__doc__ == "The app's own docstring."
    rv = application({}, lambda status, headers: None)
    assert list(rv) == [b"ok"]
    rv.close()
    assert not hasattr(local, "user")


def test_L8_proxy_looks_the_target_up_at_every_use():
    local = Local()
    user = LocalProxy(local, "user")
    local.user = Target("ann")
    assert user.name == "ann"
    local.user = Target("bob")  # rebinding the name: the proxy follows, it is no stale copy
    assert user.name == "bob"

    current = {"obj": Target("first")}
    calls: list[int] = []

    def find() -> Target:
        calls.append(1)
        return current["obj"]

    proxy = LocalProxy(find)
    assert proxy.__wrapped__ is find
    assert proxy.name == "first"
    current["obj"] = Target("second")
    assert proxy.name == "second"
    assert len(calls) == 2


def test_L9_attribute_get_set_delete():
    local = Local()
    local.obj = target = Target("ann")
    proxy = local("obj")
    assert proxy.name == "ann"
    proxy.age = 30
    assert target.age == 30
    del proxy.age
    assert not hasattr(target, "age")


def test_L9_items_call_iteration_contains_len():
    local = Local()
    local.data = data = {"a": 1}
    proxy = local("data")
    assert proxy["a"] == 1
    proxy["b"] = 2
    assert data == {"a": 1, "b": 2}
    del proxy["a"]
    assert data == {"b": 2}
    assert "b" in proxy and "a" not in proxy
    assert len(proxy) == 1
    assert list(proxy) == ["b"]

    local.func = lambda *args, **kwargs: (args, kwargs)
    assert local("func")(1, key=2) == ((1,), {"key": 2})


def test_L9_comparison_hash_and_str():
    local = Local()
    local.n = 5
    proxy = local("n")
    assert proxy == 5 and not (proxy != 5)
    assert proxy < 6 and proxy <= 5 and proxy > 4 and proxy >= 5
    assert hash(proxy) == hash(5)
    assert str(proxy) == "5"
    local.n = "text"
    assert str(proxy) == "text"
    assert hash(proxy) == hash("text")


class Matrix:
    """Answers ``@`` from either side, to show which side was used."""

    def __matmul__(self, other: Any) -> tuple[str, Any]:
        return ("matmul", other)

    def __rmatmul__(self, other: Any) -> tuple[str, Any]:
        return ("rmatmul", other)


@pytest.mark.parametrize(
    "op",
    [
        operator.add,
        operator.sub,
        operator.mul,
        operator.truediv,
        operator.floordiv,
        operator.mod,
        divmod,
        operator.pow,
        operator.lshift,
        operator.rshift,
        operator.and_,
        operator.xor,
        operator.or_,
    ],
    ids=lambda op: op.__name__,
)
def test_L9_arithmetic_and_bitwise_operators_both_sides(op):
    local = Local()
    local.n = 6
    proxy = local("n")
    assert op(proxy, 3) == op(6, 3)
    assert op(13, proxy) == op(13, 6)  # the reflected form (__radd__ …)


def test_L9_matmul_both_sides():
    local = Local()
    local.m = Matrix()
    proxy = local("m")
    assert proxy @ 1 == ("matmul", 1)
    assert 1 @ proxy == ("rmatmul", 1)


class InPlace:
    """Records every in-place operator and returns itself, as a mutable container does."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def _record(name: str) -> Callable[[InPlace, Any], InPlace]:  # type: ignore[misc]
        def op(self: InPlace, other: Any) -> InPlace:
            self.log.append((name, other))
            return self

        return op

    __iadd__ = _record("iadd")
    __isub__ = _record("isub")
    __imul__ = _record("imul")
    __imatmul__ = _record("imatmul")
    __itruediv__ = _record("itruediv")
    __ifloordiv__ = _record("ifloordiv")
    __imod__ = _record("imod")
    __ipow__ = _record("ipow")
    __ilshift__ = _record("ilshift")
    __irshift__ = _record("irshift")
    __iand__ = _record("iand")
    __ixor__ = _record("ixor")
    __ior__ = _record("ior")
    del _record


def test_L9_in_place_operators():
    local = Local()
    local.acc = acc = InPlace()
    proxy = local("acc")
    names = [
        "iadd",
        "isub",
        "imul",
        "imatmul",
        "itruediv",
        "ifloordiv",
        "imod",
        "ipow",
        "ilshift",
        "irshift",
        "iand",
        "ixor",
        "ior",
    ]
    for i, name in enumerate(names):
        result = getattr(operator, name)(proxy, i)
        assert result is proxy  # ``x op= y`` keeps x bound to the proxy
    assert acc.log == [(name, i) for i, name in enumerate(names)]

    local.items = items = [1]
    alias = local("items")
    alias += [2]
    assert items == [1, 2] and alias is not items and alias == [1, 2]

    local.n = 1
    number = local("n")
    number += 5  # an int has no in-place form: the name is rebound to the sum
    assert number == 6 and type(number) is int
    assert local.n == 1


def test_L9_unary_operators_and_numeric_conversions():
    local = Local()
    local.n = 6
    proxy = local("n")
    assert -proxy == -6 and +proxy == 6 and ~proxy == ~6
    local.neg = -3
    assert abs(local("neg")) == 3
    assert int(proxy) == 6 and type(int(proxy)) is int
    assert float(proxy) == 6.0
    assert complex(proxy) == 6 + 0j
    assert operator.index(proxy) == 6
    assert list(range(10))[proxy] == 6  # usable as an index
    assert hex(proxy) == "0x6"
    local.f = 2.75
    real = local("f")
    assert round(real) == 3 and round(real, 1) == 2.8
    assert math.trunc(real) == 2 and math.floor(real) == 2 and math.ceil(real) == 3


def test_L9_with_statement():
    events: list[str] = []

    class Resource:
        def __enter__(self) -> str:
            events.append("enter")
            return "entered"

        def __exit__(self, *exc_info: Any) -> None:
            events.append(f"exit {exc_info[0].__name__ if exc_info[0] else None}")

    local = Local()
    local.res = Resource()
    with local("res") as value:
        assert value == "entered"
    with pytest.raises(KeyError), local("res"):
        raise KeyError("x")
    assert events == ["enter", "exit None", "enter", "exit KeyError"]


def test_L9_copy_and_deepcopy_copy_the_target():
    local = Local()
    local.data = data = [[1], [2]]
    proxy = local("data")
    shallow = copy.copy(proxy)
    assert type(shallow) is list and shallow == data and shallow is not data
    assert shallow[0] is data[0]
    deep = copy.deepcopy(proxy)
    assert type(deep) is list and deep == data and deep[0] is not data[0]


def test_L9_dir_and_dict():
    local = Local()
    local.obj = target = Target("ann")
    proxy = local("obj")
    assert dir(proxy) == dir(target)
    assert proxy.__dict__ is target.__dict__
    assert proxy.__dict__ == {"name": "ann"}


def test_L9_unbound_proxy():
    local = Local()
    proxy = local("user")
    assert bool(proxy) is False
    assert repr(proxy) == "<LocalProxy unbound>"
    assert dir(proxy) == []

    def set_attr() -> None:
        proxy.name = "x"

    def set_item() -> None:
        proxy["k"] = 1

    def use_with() -> None:
        with proxy:
            pass

    uses: dict[str, Callable[[], Any]] = {
        "getattr": lambda: proxy.name,
        "setattr": set_attr,
        "getitem": lambda: proxy["k"],
        "setitem": set_item,
        "call": lambda: proxy(),
        "len": lambda: len(proxy),
        "iter": lambda: iter(proxy),
        "in": lambda: 1 in proxy,
        "add": lambda: proxy + 1,
        "radd": lambda: 1 + proxy,
        "neg": lambda: -proxy,
        "int": lambda: int(proxy),
        "str": lambda: str(proxy),
        "hash": lambda: hash(proxy),
        "==": lambda: proxy == 1,
        "<": lambda: proxy < 1,
        "with": use_with,
        "copy": lambda: copy.copy(proxy),
    }
    wrong: dict[str, str] = {}
    for name, use in uses.items():
        try:
            result = use()
        except RuntimeError as e:
            if "user" not in str(e):
                wrong[name] = f"RuntimeError not naming 'user': {e}"
        except Exception as e:
            wrong[name] = f"{type(e).__name__}: {e}"
        else:
            wrong[name] = f"no error, returned {result!r}"
    assert wrong == {}


def test_L10_get_current_object_returns_the_real_object():
    local = Local()
    local.obj = target = Target("ann")
    proxy = local("obj")
    real = proxy._get_current_object()
    assert real is target
    assert type(real) is Target and type(proxy) is LocalProxy

    # The real object can be handed to a context where the proxy is unbound.
    in_thread: list[Any] = []

    def worker(obj: Target) -> None:
        in_thread.append(obj.name)
        try:
            proxy.name
        except RuntimeError:
            in_thread.append("proxy unbound here")

    run_threads(worker, (real,))
    assert in_thread == ["ann", "proxy unbound here"]


# =============================================================================================
# Application and request contexts
# =============================================================================================


def test_C1_two_local_stacks_whose_tops_are_the_current_contexts():
    assert type(_app_ctx_stack) is LocalStack and type(_request_ctx_stack) is LocalStack
    assert _app_ctx_stack is not _request_ctx_stack
    app = make_app()

    # The seeds' experiment: print the app stack's top outside and inside app.app_context().
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


def test_C2_globals_are_proxies_that_explain_missing_contexts():
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


def test_C3_app_context():
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


def test_C3_popping_an_app_context_that_is_not_on_top_names_both():
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


def test_C4_g_namespace():
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


def test_C5_request_context_matches_at_creation():
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


def test_C5_url_adapter_is_bound_to_the_request():
    app = make_app()

    @app.route("/login")
    def login() -> str:
        return "login"

    ctx = RequestContext(app, create_environ("/login", base_url="https://example.com/root"))
    with ctx:
        assert url_for("login") == "/root/login"
        assert url_for("login", _external=True) == "https://example.com/root/login"


def test_C5_request_context_g_and_session_slots():
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


def test_C6_push_pops_a_preserved_context_first():
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


def test_C6_push_makes_an_app_context_only_when_needed():
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


def test_C6_session_opened_through_the_interface_once_per_context():
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


def test_C6_session_falls_back_to_the_null_session():
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


def test_C7_pop_runs_teardown_and_closes_the_request_on_the_last_level():
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


def test_C7_pop_breaks_the_request_environ_cycle():
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


def test_C7_pop_checks_it_popped_itself():
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


def test_C8_auto_pop_keeps_the_context_when_asked_or_after_an_error():
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


def test_C8_test_client_keeps_the_context_inside_with():
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


def test_C9_copy_shares_the_request_with_a_thread():
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


def test_C9_copy_moves_the_request_to_a_greenlet():
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


def test_C9_copy_moves_the_request_to_an_asyncio_task():
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


def test_C10_internal_redirect_pushes_a_second_request_context():
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


def test_C11_app_context_lets_a_script_use_an_extension():
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


def test_C12_test_request_context_in_a_unit_test():
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


def test_C13_each_request_gets_a_new_app_context():
    app = make_app()
    contexts: list[AppContext] = []  # kept alive so that no id is reused

    # The seed's experiment: each view answers with the id of the app stack's top.
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


def test_C13_app_context_lives_inside_the_request_context():
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


def test_C14_g_lives_in_the_app_context_and_is_never_reset():
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


# =============================================================================================
# The application object
# =============================================================================================


def test_A1_call_goes_through_wsgi_app_so_middleware_can_wrap_it():
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


def test_A2_wsgi_app_pipeline():
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


def test_A2_an_exception_becomes_the_response_of_handle_exception():
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


def test_A2_unhandled_error_gives_500_and_teardown_still_runs():
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.logger.disabled = True  # the 500 is logged; keep the test output clean
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


def test_A2_should_ignore_error_hides_the_error_from_teardown():
    class IgnoringApp(Flagon):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return True

    app = IgnoringApp("ignoring", root_path="/tmp")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)

    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    assert app.test_client().get("/boom").status_code == 500
    assert torn_down == [None]


def test_A3_full_dispatch_request_order():
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


def test_A3_before_request_result_short_circuits_the_view():
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


def test_A4_context_factories():
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


def test_A4_replaceable_classes():
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


def test_A5_dispatcher_middleware_each_app_sees_itself():
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


def test_A6_app_run_uses_waitress(monkeypatch, capsys):
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


def test_A7_endpoints_are_named_blueprint_dot_view_and_url_for_uses_that_name():
    from flagon import Blueprint
    from flagon.routing import BuildError

    app = make_app()
    main = Blueprint("a", __name__)  # the seed: Blueprint("a", …) then url_for("a.xxx")

    @main.route("/xxx")
    def xxx() -> str:
        return f"{request.endpoint} {url_for('a.xxx')} {url_for('.xxx')}"

    app.register_blueprint(main, url_prefix="/main")
    assert app.test_client().get("/main/xxx").get_data(as_text=True) == "a.xxx /main/xxx /main/xxx"
    with app.test_request_context():
        with pytest.raises(BuildError):
            url_for("main.xxx")  # the variable's name means nothing; the blueprint's name does


# The seed's package: extension objects live in the package ``__init__``, the route modules import
# them from the package, and ``create_app()`` imports the route modules and registers their
# blueprints — so importing the package never imports a route module before the extension exists.
_A7_PACKAGE = {
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

        from seed_forum import store

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
def seed_forum_package(tmp_path, monkeypatch):
    """The A7 package written to disk and importable as ``seed_forum``."""
    import sys
    import textwrap

    for relative, source in _A7_PACKAGE.items():
        path = tmp_path / "seed_forum" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "seed_forum"
    for name in [name for name in sys.modules if name.split(".")[0] == "seed_forum"]:
        del sys.modules[name]


def test_A7_app_factory_registers_blueprints_without_a_circular_import(seed_forum_package):
    import importlib

    package = importlib.import_module("seed_forum")
    app = package.create_app({"TESTING": True})
    assert app.root_path == str(seed_forum_package)
    assert sorted(app.blueprints) == ["a", "auth"]

    client = app.test_client()
    assert client.get("/auth/login").get_data(as_text=True) == "login form"
    response = client.post("/auth/login", data={"title": "hello"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert client.get("/").json == {"posts": ["hello"], "login": "/auth/login", "bound": True}

    # Gunicorn's 'seed_forum:create_app()' in each worker: a second app from the same package
    # gets the same blueprints registered afresh.
    second = package.create_app()
    assert second is not app
    assert second.test_client().get("/auth/login").get_data(as_text=True) == "login form"
