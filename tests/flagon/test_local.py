"""Context locals: Local, LocalStack, LocalProxy and LocalManager (behaviours L1–L10)."""

from __future__ import annotations

import asyncio
import copy
import math
import operator
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import greenlet
import pytest
from context_tools import (
    _DEADLOCK_GUARD,
    Target,
    run_threads,
)

from flagon.local import Local, LocalManager, LocalProxy, LocalStack, get_ident, release_local


def run_in_threads(*targets):
    """Run each target in its own thread, all at once, and re-raise the first failure."""
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    if errors:
        raise errors[0]


class Thing:
    """A plain object with attributes, for proxy targets."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)


# --- L1: per-context storage -----------------------------------------------------------------


def test_L1_threads_isolated():
    local = Local()
    both_set = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(name):
        def run():
            local.value = name
            both_set.wait()  # both threads have written before either reads
            seen[name] = local.value

        return run

    run_in_threads(worker("a"), worker("b"))
    assert seen == {"a": "a", "b": "b"}
    assert not hasattr(local, "value")  # the test's own context saw neither


def test_L1_greenlets_isolated():
    local = Local()
    seen = {}

    def first():
        local.value = "first"
        other.switch()  # the second greenlet writes the same name meanwhile
        seen["first"] = local.value

    def second():
        local.value = "second"
        one.switch()
        seen["second"] = local.value

    one = greenlet.greenlet(first)
    other = greenlet.greenlet(second)
    one.switch()
    other.switch()
    assert seen == {"first": "first", "second": "second"}
    assert not hasattr(local, "value")


def test_L1_asyncio_tasks_isolated():
    local = Local()

    async def worker(name, both_set):
        local.value = name
        await both_set.wait()  # both tasks have written before either reads
        return local.value

    async def main():
        both_set = asyncio.Barrier(2)
        return await asyncio.gather(worker("a", both_set), worker("b", both_set))

    assert asyncio.run(main()) == ["a", "b"]
    assert not hasattr(local, "value")


def test_L1_child_task_sees_parent_value_but_cannot_change_it():
    local = Local()

    async def child():
        inherited = local.value
        local.value = "child"
        return inherited

    async def main():
        local.value = "parent"
        inherited = await asyncio.create_task(child())
        return inherited, local.value

    assert asyncio.run(main()) == ("parent", "parent")


def test_L1_many_names_in_one_local():
    local = Local()
    local.a = 1
    local.b = 2
    local.a = 3
    assert (local.a, local.b) == (3, 2)


# --- L2: missing and deleted attributes ------------------------------------------------------


def test_L2_missing_attribute_raises_attribute_error():
    local = Local()
    with pytest.raises(AttributeError, match="missing"):
        local.missing
    assert getattr(local, "missing", "default") == "default"


def test_L2_del_removes_attribute():
    local = Local()
    local.x = 1
    local.y = 2
    del local.x
    assert not hasattr(local, "x")
    assert local.y == 2


def test_L2_del_absent_attribute_raises_attribute_error():
    local = Local()
    with pytest.raises(AttributeError, match="x"):
        del local.x


# --- L3: release -----------------------------------------------------------------------------


def test_L3_release_local_drops_everything():
    local = Local()
    local.a = 1
    local.b = 2
    release_local(local)
    assert list(local) == []
    assert not hasattr(local, "a")
    local.a = 3  # still usable afterwards
    assert local.a == 3


def test_L3_dunder_release_local_drops_everything():
    local = Local()
    local.a = 1
    local.__release_local__()
    assert not hasattr(local, "a")


def test_L3_release_only_affects_current_context():
    local = Local()
    local.value = "main"
    released = threading.Event()

    def other_thread():
        local.value = "thread"
        release_local(local)
        released.set()

    run_in_threads(other_thread)
    assert released.is_set()
    assert local.value == "main"


def test_L3_release_local_works_for_stack():
    stack = LocalStack()
    stack.push(1)
    stack.push(2)
    release_local(stack)
    assert stack.top is None
    assert stack.pop() is None


# --- L4: local("name") and iteration ---------------------------------------------------------


def test_L4_call_returns_proxy_to_attribute():
    local = Local()
    proxy = local("user")
    assert isinstance(proxy, LocalProxy)
    local.user = Thing(name="ann")
    assert proxy.name == "ann"


def test_L4_iteration_yields_current_context_pairs():
    local = Local()
    local.a = 1
    local.b = "two"
    seen_in_thread = []
    run_in_threads(lambda: seen_in_thread.extend(local))
    assert sorted(local) == [("a", 1), ("b", "two")]
    assert seen_in_thread == []


def test_L4_iteration_is_a_snapshot():
    local = Local()
    local.a = 1
    pairs = iter(local)
    local.b = 2  # writing while iterating must not break the iterator
    assert list(pairs) == [("a", 1)]


# --- L5: LocalStack --------------------------------------------------------------------------


def test_L5_push_returns_the_stack():
    stack = LocalStack()
    assert stack.push("a") == ("a",)
    assert stack.push("b") == ("a", "b")
    release_local(stack)


def test_L5_top_is_last_pushed_or_none():
    stack = LocalStack()
    assert stack.top is None
    stack.push(42)
    assert stack.top == 42
    stack.push(23)
    assert stack.top == 23
    release_local(stack)


def test_L5_pop_returns_removed_item_and_none_when_empty():
    stack = LocalStack()
    stack.push(42)
    stack.push(23)
    assert stack.pop() == 23
    assert stack.top == 42
    assert stack.pop() == 42
    assert stack.pop() is None
    assert stack.top is None


def test_L5_pushing_none_is_still_counted():
    stack = LocalStack()
    stack.push("a")
    stack.push(None)
    assert stack.pop() is None
    assert stack.pop() == "a"


def test_L5_last_pop_releases_the_stack():
    stack = LocalStack()
    proxy = stack()
    stack.push(Thing())
    stack.pop()
    assert not proxy
    with pytest.raises(RuntimeError):
        proxy._get_current_object()


def test_L5_stack_is_different_per_thread():
    stack = LocalStack()
    stack.push("main")
    both_pushed = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(name):
        def run():
            seen[name + " before"] = stack.top
            stack.push(name)
            both_pushed.wait()
            seen[name] = stack.pop()
            seen[name + " after"] = stack.top

        return run

    run_in_threads(worker("a"), worker("b"))
    assert seen == {
        "a before": None,
        "a": "a",
        "a after": None,
        "b before": None,
        "b": "b",
        "b after": None,
    }
    assert stack.pop() == "main"


def test_L5_stack_is_different_per_task():
    stack = LocalStack()

    async def worker(name):
        stack.push(name)
        await asyncio.sleep(0)
        stack.push(name + "2")
        await asyncio.sleep(0)
        return stack.pop(), stack.pop(), stack.top

    async def main():
        return await asyncio.gather(worker("a"), worker("b"))

    assert asyncio.run(main()) == [("a2", "a", None), ("b2", "b", None)]


def test_L5_stack_is_different_per_greenlet():
    stack = LocalStack()
    seen = {}

    def first():
        stack.push("first")
        other.switch()  # the second greenlet pushes meanwhile
        seen["first"] = (stack.pop(), stack.top)

    def second():
        stack.push("second")
        one.switch()
        seen["second"] = (stack.pop(), stack.top)

    one = greenlet.greenlet(first)
    other = greenlet.greenlet(second)
    one.switch()
    other.switch()
    assert seen == {"first": ("first", None), "second": ("second", None)}
    assert stack.top is None


def test_L5_pushed_stack_is_not_shared_with_a_child_task():
    stack = LocalStack()

    async def child():
        stack.push("child")
        return stack.top

    async def main():
        stack.push("parent")
        child_top = await asyncio.create_task(child())
        return child_top, stack.pop(), stack.top

    assert asyncio.run(main()) == ("child", "parent", None)


def test_L5_stack_accepts_a_context_var():
    var = ContextVar("test_stack")
    stack = LocalStack(var)
    stack.push(1)
    assert var.get() is not None  # the stack keeps its state in the given variable
    var.set(None)
    assert stack.top is None


# --- L6: proxy to the top of a stack ---------------------------------------------------------


def test_L6_calling_stack_returns_proxy_to_top():
    stack = LocalStack()
    top = stack()
    assert isinstance(top, LocalProxy)
    stack.push(Thing(name="outer"))
    assert top.name == "outer"
    stack.push(Thing(name="inner"))
    assert top.name == "inner"
    stack.pop()
    assert top.name == "outer"
    stack.pop()


def test_L6_empty_stack_proxy_raises_object_unbound():
    top = LocalStack()()
    with pytest.raises(RuntimeError, match="object unbound"):
        top.name
    with pytest.raises(RuntimeError, match="object unbound"):
        top == 1  # noqa: B015


def test_L6_stack_proxy_to_attribute_of_top():
    stack = LocalStack()
    app = stack("app")
    stack.push(Thing(app="first"))
    assert app == "first"
    stack.push(Thing(app="second"))
    assert app.upper() == "SECOND"
    stack.pop()
    stack.pop()
    with pytest.raises(RuntimeError, match="object unbound"):
        app.upper()


def test_L6_unbound_message_is_used():
    stack = LocalStack()
    current = stack("app", unbound_message="Working outside of application context.")
    with pytest.raises(RuntimeError, match=r"^Working outside of application context\.$"):
        current.name


# --- L7: LocalManager ------------------------------------------------------------------------


def test_L7_cleanup_releases_all_locals():
    local, stack = Local(), LocalStack()
    manager = LocalManager([local, stack])
    local.a = 1
    stack.push(2)
    manager.cleanup()
    assert not hasattr(local, "a")
    assert stack.top is None


@pytest.mark.parametrize("single", [Local, LocalStack], ids=["Local", "LocalStack"])
def test_L7_manager_accepts_one_local(single):
    local = single()
    manager = LocalManager(local)
    assert manager.locals == [local]


def test_L7_manager_without_locals_can_be_extended():
    manager = LocalManager()
    local = Local()
    manager.locals.append(local)
    local.a = 1
    manager.cleanup()
    assert not hasattr(local, "a")


def test_L7_repr_counts_storages():
    assert repr(LocalManager([Local(), LocalStack(), Local()])) == "<LocalManager storages: 3>"
    assert repr(LocalManager()) == "<LocalManager storages: 0>"


def _streaming_app(local, events):
    def app(environ, start_response):
        local.user = environ["user"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return StreamedBody(local, events)

    return app


class StreamedBody:
    """A response body that reads the local while it is being sent."""

    def __init__(self, local, events):
        self.local = local
        self.events = events

    def __iter__(self):
        yield b"hello "
        yield self.local.user.encode()  # still set while streaming

    def close(self):
        self.events.append("body closed")


def test_L7_middleware_cleans_up_when_response_closes():
    local = Local()
    events = []
    app = LocalManager([local]).make_middleware(_streaming_app(local, events))
    response = app({"user": "ann"}, lambda status, headers: None)
    assert b"".join(response) == b"hello ann"
    assert local.user == "ann"  # not before the server closes the response
    response.close()
    assert events == ["body closed"]
    assert not hasattr(local, "user")


def test_L7_middleware_close_is_idempotent():
    local = Local()
    events = []
    app = LocalManager(local).make_middleware(_streaming_app(local, events))
    response = app({"user": "ann"}, lambda status, headers: None)
    response.close()
    response.close()
    assert events == ["body closed"]


def test_L7_middleware_cleans_up_plain_list_bodies():
    local = Local()

    def app(environ, start_response):
        local.x = 1
        return [b"a", b"b"]

    response = LocalManager(local).make_middleware(app)({}, None)
    assert list(response) == [b"a", b"b"]
    response.close()
    assert not hasattr(local, "x")


def test_L7_middleware_cleans_up_when_app_raises():
    local = Local()

    def app(environ, start_response):
        local.x = 1
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        LocalManager(local).make_middleware(app)({}, None)
    assert not hasattr(local, "x")


def test_L7_middleware_decorator_keeps_name_and_doc():
    local = Local()
    manager = LocalManager(local)

    @manager.middleware
    def application(environ, start_response):
        """The app."""
        local.x = 1
        return [b"ok"]

    assert application.__name__ == "application"
    assert application.__doc__ == "The app."
    response = application({}, None)
    assert list(response) == [b"ok"]
    response.close()
    assert not hasattr(local, "x")


def test_L7_get_ident_is_stable_within_a_context():
    manager = LocalManager()
    assert manager.get_ident() == manager.get_ident() == get_ident()


def test_L7_get_ident_differs_between_threads():
    both_alive = threading.Barrier(2, timeout=5)
    idents = {}

    def worker(name):
        def run():
            idents[name] = get_ident()
            both_alive.wait()  # both alive, so ids cannot be recycled
            assert get_ident() == idents[name]

        return run

    run_in_threads(worker("a"), worker("b"))
    assert idents["a"] != idents["b"]
    assert get_ident() not in idents.values()


def test_L7_get_ident_differs_between_tasks():
    async def worker():
        first = get_ident()
        await asyncio.sleep(0)
        return first, get_ident()

    async def main():
        results = await asyncio.gather(worker(), worker())
        return results, get_ident()

    (a, b), main_ident = asyncio.run(main())
    assert a[0] == a[1] and b[0] == b[1]
    assert len({a[0], b[0], main_ident}) == 3


def test_L7_get_ident_differs_between_greenlets():
    idents = {}

    def first():
        idents["first"] = get_ident()
        other.switch()
        idents["first again"] = get_ident()

    def second():
        idents["second"] = get_ident()
        one.switch()
        idents["second again"] = get_ident()

    one = greenlet.greenlet(first)
    other = greenlet.greenlet(second)
    one.switch()
    other.switch()
    assert idents["first"] == idents["first again"]
    assert idents["second"] == idents["second again"]
    assert len({idents["first"], idents["second"], get_ident()}) == 3


# --- L8: what a proxy can point at -----------------------------------------------------------


def test_L8_proxy_to_local_attribute():
    local = Local()
    proxy = LocalProxy(local, "user")
    local.user = Thing(name="ann")
    assert proxy.name == "ann"


def test_L8_proxy_to_local_requires_a_name():
    with pytest.raises(TypeError):
        LocalProxy(Local())


def test_L8_proxy_to_dotted_local_attribute():
    local = Local()
    name = local("user.name")
    local.user = Thing(name="ann")
    assert name == "ann"


def test_L8_proxy_to_callable_exposes_wrapped():
    def find_user():
        return Thing(name="ann")

    proxy = LocalProxy(find_user)
    assert proxy.__wrapped__ is find_user
    assert proxy.name == "ann"


def test_L8_proxy_to_callable_with_name():
    proxy = LocalProxy(lambda: Thing(name="ann"), "name")
    assert proxy.upper() == "ANN"


def test_L8_proxy_to_context_var():
    var = ContextVar("test_proxy_var")
    proxy = LocalProxy(var)
    attr = LocalProxy(var, "name")
    assert not proxy
    with pytest.raises(RuntimeError, match="test_proxy_var"):
        attr.upper()
    token = var.set(Thing(name="ann"))
    try:
        assert attr == "ann"
        assert proxy.name == "ann"
    finally:
        var.reset(token)


def test_L8_cannot_proxy_arbitrary_object():
    with pytest.raises(TypeError):
        LocalProxy(42)


def test_L8_proxy_is_never_stale():
    local = Local()
    proxy = local("value")
    local.value = [1]
    assert proxy == [1]
    local.value = "other"
    assert proxy == "other"
    assert proxy.upper() == "OTHER"
    del local.value
    assert not proxy


def test_L8_callable_is_called_at_every_use():
    calls = []

    def lookup():
        calls.append(1)
        return len(calls)

    proxy = LocalProxy(lookup)
    assert proxy == 1
    assert proxy == 2


def test_L8_proxy_follows_each_thread():
    local = Local()
    proxy = local("value")
    both_set = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(name):
        def run():
            local.value = name
            both_set.wait()
            seen[name] = proxy.upper()

        return run

    run_in_threads(worker("a"), worker("b"))
    assert seen == {"a": "A", "b": "B"}


# --- L9: forwarding --------------------------------------------------------------------------


def proxy_to(value):
    """A proxy bound to ``value`` through a Local, the way the framework uses them."""
    local = Local()
    local.value = value
    return local("value"), local


ARITHMETIC = [
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
]


@pytest.mark.parametrize("op", ARITHMETIC, ids=lambda op: op.__name__)
def test_L9_binary_operators(op):
    proxy, _ = proxy_to(13)
    assert op(proxy, 3) == op(13, 3)


@pytest.mark.parametrize("op", ARITHMETIC, ids=lambda op: op.__name__)
def test_L9_reflected_operators(op):
    proxy, _ = proxy_to(3)
    assert op(13, proxy) == op(13, 3)


def test_L9_operators_between_two_proxies():
    left, _ = proxy_to(10)
    right, _ = proxy_to(4)
    assert left - right == 6
    assert left > right
    assert left != right


def test_L9_three_argument_pow():
    proxy, _ = proxy_to(5)
    assert pow(proxy, 3, 7) == pow(5, 3, 7)


class Symbol:
    """Records which special method ran, with operands in order."""

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Symbol) and other.text == self.text

    __hash__ = None


for _name in [
    "add",
    "sub",
    "mul",
    "matmul",
    "truediv",
    "floordiv",
    "mod",
    "divmod",
    "pow",
    "lshift",
    "rshift",
    "and",
    "xor",
    "or",
]:
    for _method in (_name, "r" + _name):
        setattr(
            Symbol,
            f"__{_method}__",
            lambda self, other, _m=_method: Symbol(f"{_m}({self.text},{other})"),
        )
del _name, _method

SYMBOL_OPERATORS = [*ARITHMETIC, operator.matmul]


@pytest.mark.parametrize("op", SYMBOL_OPERATORS, ids=lambda op: op.__name__)
def test_L9_operator_reaches_target_method(op):
    proxy, _ = proxy_to(Symbol("x"))
    name = {"and_": "and", "or_": "or"}.get(op.__name__, op.__name__)
    assert op(proxy, 1) == Symbol(f"{name}(x,1)")


@pytest.mark.parametrize("op", SYMBOL_OPERATORS, ids=lambda op: op.__name__)
def test_L9_reflected_operator_reaches_target_method(op):
    proxy, _ = proxy_to(Symbol("x"))
    name = {"and_": "and", "or_": "or"}.get(op.__name__, op.__name__)
    assert op(1, proxy) == Symbol(f"r{name}(x,1)")


IN_PLACE = {
    "iadd": operator.iadd,
    "isub": operator.isub,
    "imul": operator.imul,
    "imatmul": operator.imatmul,
    "itruediv": operator.itruediv,
    "ifloordiv": operator.ifloordiv,
    "imod": operator.imod,
    "ipow": operator.ipow,
    "ilshift": operator.ilshift,
    "irshift": operator.irshift,
    "iand": operator.iand,
    "ixor": operator.ixor,
    "ior": operator.ior,
}


class Accumulator:
    """Mutable target with every in-place operator; records the calls."""

    def __init__(self):
        self.calls = []


for _name in IN_PLACE:

    def _in_place(self, other, _n=_name):
        self.calls.append((_n, other))
        return self

    setattr(Accumulator, f"__{_name}__", _in_place)
del _name


@pytest.mark.parametrize("name", IN_PLACE)
def test_L9_in_place_operator_mutates_target_and_keeps_proxy(name):
    target = Accumulator()
    proxy, local = proxy_to(target)
    result = IN_PLACE[name](proxy, 5)
    assert result is proxy
    assert local.value is target
    assert target.calls == [(name, 5)]


def test_L9_in_place_on_mutable_builtins():
    items, local = proxy_to([1])
    alias = items
    alias += [2]
    assert alias is items
    assert local.value == [1, 2]
    tags, local = proxy_to({"a"})
    alias = tags
    alias |= {"b"}
    alias -= {"a"}
    assert alias is tags
    assert local.value == {"b"}


@pytest.mark.parametrize("name", [n for n in IN_PLACE if n != "imatmul"])
def test_L9_in_place_on_immutable_target_returns_new_value(name):
    proxy, local = proxy_to(13)
    result = IN_PLACE[name](proxy, 3)
    assert result == IN_PLACE[name](13, 3)
    assert type(result) is not LocalProxy
    assert local.value == 13  # an int cannot change; the local still holds it


def reversed_list(value):
    return list(reversed(value))


def right_aligned(value):
    return f"{value:>5}"


@pytest.mark.parametrize(
    ("op", "value"),
    [
        (operator.neg, 5),
        (operator.pos, -5),
        (abs, -5),
        (operator.invert, 5),
        (int, 5.7),
        (float, 5),
        (complex, 5),
        (operator.index, 5),
        (round, 5.5),
        (math.trunc, -5.5),
        (math.floor, 5.5),
        (math.ceil, 5.5),
        (len, "abc"),
        (operator.length_hint, [1, 2]),
        (str, 5),
        (bytes, b"ab"),
        (repr, "a"),
        (hash, "a"),
        (bool, 0),
        (bool, 1),
        (list, "ab"),
        (reversed_list, [1, 2]),
        (dir, 5),
        (right_aligned, 3),
    ],
    ids=lambda v: getattr(v, "__name__", None) or repr(v),
)
def test_L9_unary_and_conversions(op, value):
    proxy, _ = proxy_to(value)
    assert op(proxy) == op(value)


def test_L9_round_with_digits():
    proxy, _ = proxy_to(2.567)
    assert round(proxy, 1) == 2.6


def test_L9_index_makes_proxy_usable_as_index():
    proxy, _ = proxy_to(1)
    assert "abc"[proxy] == "b"
    assert [0, 1, 2][:proxy] == [0]


@pytest.mark.parametrize(
    "op",
    [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge],
    ids=lambda op: op.__name__,
)
@pytest.mark.parametrize("other", [4, 5, 6])
def test_L9_comparisons(op, other):
    proxy, _ = proxy_to(5)
    assert op(proxy, other) == op(5, other)
    assert op(other, proxy) == op(other, 5)


def test_L9_hash_matches_target():
    proxy, _ = proxy_to("key")
    assert hash(proxy) == hash("key")
    assert {"key": 1}[proxy] == 1


def test_L9_attribute_get_set_delete():
    target = Thing(a=1)
    proxy, _ = proxy_to(target)
    assert proxy.a == 1
    proxy.b = 2
    assert target.b == 2
    del proxy.a
    assert not hasattr(target, "a")
    with pytest.raises(AttributeError):
        proxy.a


def test_L9_item_get_set_delete():
    target = {"a": 1}
    proxy, _ = proxy_to(target)
    assert proxy["a"] == 1
    proxy["b"] = 2
    del proxy["a"]
    assert target == {"b": 2}
    assert "b" in proxy and "a" not in proxy
    assert len(proxy) == 1
    assert list(proxy) == ["b"]


def test_L9_slices():
    proxy, local = proxy_to([0, 1, 2, 3])
    assert proxy[1:3] == [1, 2]
    proxy[0:2] = ["x"]
    del proxy[-1]
    assert local.value == ["x", 2]


def test_L9_call():
    proxy, _ = proxy_to(lambda a, b=0: a + b)
    assert proxy(1, b=2) == 3


def test_L9_next_on_iterator_target():
    proxy, _ = proxy_to(iter([1, 2]))
    assert next(proxy) == 1
    assert list(proxy) == [2]


def test_L9_with_statement():
    events = []

    class Resource:
        def __enter__(self):
            events.append("enter")
            return "resource"

        def __exit__(self, *exc):
            events.append(("exit", exc[0]))
            return True  # swallow

    proxy, _ = proxy_to(Resource())
    with proxy as value:
        assert value == "resource"
        raise KeyError("x")
    assert events == ["enter", ("exit", KeyError)]


def test_L9_async_protocols():
    class AsyncResource:
        def __init__(self):
            self.items = [1, 2]

        async def __aenter__(self):
            return "entered"

        async def __aexit__(self, *exc):
            return False

        def __aiter__(self):
            return self

        async def __anext__(self):
            if not self.items:
                raise StopAsyncIteration
            return self.items.pop(0)

    async def compute():
        return 42

    async def main():
        resource, _ = proxy_to(AsyncResource())
        async with resource as entered:
            first = await anext(resource)
            rest = [item async for item in resource]
        awaitable, _ = proxy_to(compute())
        return entered, first, rest, await awaitable

    assert asyncio.run(main()) == ("entered", 1, [2], 42)


def test_L9_copy_copies_the_target():
    target = {"a": [1]}
    proxy, _ = proxy_to(target)
    shallow = copy.copy(proxy)
    deep = copy.deepcopy(proxy)
    assert type(shallow) is dict and type(deep) is dict
    assert shallow == deep == target
    assert shallow is not target and shallow["a"] is target["a"]
    assert deep["a"] is not target["a"]


def test_L9_dir_and_dict():
    target = Thing(a=1)
    proxy, _ = proxy_to(target)
    assert "a" in dir(proxy)
    assert proxy.__dict__ is target.__dict__
    assert vars(proxy) == {"a": 1}


def test_L9_class_and_isinstance():
    target = Thing()
    proxy, _ = proxy_to(target)
    assert proxy.__class__ is Thing
    assert isinstance(proxy, Thing)
    assert isinstance(proxy, LocalProxy)  # the real type still shows through
    assert type(proxy) is LocalProxy


def test_L9_proxy_to_a_class_works_in_isinstance():
    proxy, _ = proxy_to(Thing)
    assert isinstance(Thing(), proxy)
    assert issubclass(Thing, proxy)
    assert proxy().__class__ is Thing


def test_L9_doc_name_and_qualname_come_from_target():
    def view():
        """View doc."""

    proxy, _ = proxy_to(view)
    assert proxy.__doc__ == "View doc."
    assert proxy.__name__ == "view"
    assert proxy.__qualname__.endswith("view")
    assert proxy.__module__ == __name__
    assert LocalProxy.__doc__.startswith("Stand-in")
    assert LocalProxy.__module__ == "flagon.local"


def test_L9_str_bytes_format():
    proxy, _ = proxy_to(3.14159)
    assert str(proxy) == "3.14159"
    assert f"{proxy:.2f}" == "3.14"
    raw, _ = proxy_to(b"raw")
    assert bytes(raw) == b"raw"


def test_L9_repr_is_targets_repr():
    proxy, _ = proxy_to(Thing)
    assert repr(proxy) == repr(Thing)


def test_L9_unbound_bool_repr_dir():
    proxy = Local()("nothing")
    assert bool(proxy) is False
    assert repr(proxy) == "<LocalProxy unbound>"
    assert dir(proxy) == []
    assert proxy.__class__ is LocalProxy
    assert not isinstance(proxy, Thing)
    assert proxy.__doc__ == LocalProxy.__doc__


UNBOUND_USES = {
    "getattr": lambda p: p.name,
    "setattr": lambda p: setattr(p, "name", 1),
    "delattr": lambda p: delattr(p, "name"),
    "getitem": lambda p: p[0],
    "setitem": lambda p: p.__setitem__(0, 1),
    "delitem": lambda p: p.__delitem__(0),
    "call": lambda p: p(),
    "iter": iter,
    "contains": lambda p: 1 in p,
    "len": len,
    "eq": lambda p: p == 1,
    "lt": lambda p: p < 1,
    "hash": hash,
    "str": str,
    "add": lambda p: p + 1,
    "radd": lambda p: 1 + p,
    "iadd": lambda p: operator.iadd(p, 1),
    "neg": operator.neg,
    "int": int,
    "index": operator.index,
    "with": lambda p: p.__enter__(),
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "dict": lambda p: p.__dict__,
    "format": lambda p: f"{p}",
}


@pytest.mark.parametrize("use", UNBOUND_USES.values(), ids=UNBOUND_USES.keys())
def test_L9_unbound_use_raises_runtime_error_naming_the_object(use):
    proxy = Local()("user")
    with pytest.raises(RuntimeError, match="'user'"):
        use(proxy)


@pytest.mark.parametrize("use", UNBOUND_USES.values(), ids=UNBOUND_USES.keys())
def test_L9_unbound_use_raises_the_given_message(use):
    proxy = LocalStack()("app", unbound_message="Working outside of application context.")
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        use(proxy)


def test_L9_missing_attribute_of_bound_target_is_attribute_error():
    proxy, _ = proxy_to(Thing())
    assert not hasattr(proxy, "missing")
    assert getattr(proxy, "missing", "default") == "default"


# --- L10: the real object --------------------------------------------------------------------


def test_L10_get_current_object_returns_real_object():
    target = Thing()
    proxy, local = proxy_to(target)
    assert proxy._get_current_object() is target
    local.value = other = Thing()
    assert proxy._get_current_object() is other


def test_L10_real_object_can_cross_into_another_thread():
    stack = LocalStack()
    top = stack()
    stack.push(Thing(name="ann"))
    real = top._get_current_object()
    seen = []
    run_in_threads(lambda: seen.append((real.name, stack.top)))
    stack.pop()
    assert seen == [("ann", None)]


def test_L10_get_current_object_unbound_raises():
    with pytest.raises(RuntimeError, match="object unbound"):
        LocalStack()()._get_current_object()


def test_L9_subclass_methods_win_over_target():
    class UserProxy(LocalProxy):
        """Proxy with a helper."""

        __slots__ = ()

        def describe(self):
            return f"user {self.name}"

    proxy = UserProxy(lambda: Thing(name="ann", describe="target's"))
    assert proxy.describe() == "user ann"
    assert proxy.name == "ann"
    assert proxy.__doc__ == Thing.__doc__
    assert UserProxy.__doc__ == "Proxy with a helper."
    assert isinstance(proxy, Thing) and isinstance(proxy, UserProxy)


def test_L9_proxy_class_can_be_subscripted_for_annotations():
    alias = LocalProxy[Thing]
    assert alias.__origin__ is LocalProxy
    assert alias.__args__ == (Thing,)


def test_L9_unbound_subclass_proxy_keeps_its_doc_and_methods():
    class Plain(LocalProxy):
        def describe(self):
            return "plain"

    proxy = Plain(Local(), "x")
    assert proxy.describe() == "plain"
    assert proxy.__doc__ is None
    assert repr(proxy) == "<Plain unbound>"


# Behaviour L1 of the context-local model.
def test_local_values_are_per_thread():
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


# Behaviour L1 of the context-local model.
def test_local_values_are_per_asyncio_task():
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


# Behaviour L1 of the context-local model.
def test_local_values_are_per_greenlet():
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


# Behaviour L2 of the context-local model.
def test_missing_attribute_and_delete():
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


# Behaviour L3 of the context-local model.
def test_release_local_drops_the_current_context_only():
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


# Behaviour L4 of the context-local model.
def test_call_gives_proxy_and_iteration_gives_pairs():
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


# Behaviour L5 of the context-local model.
def test_local_stack_push_top_pop():
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


# Behaviour L5 of the context-local model.
def test_local_stack_is_per_thread_and_per_task():
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


# Behaviour L6 of the context-local model.
def test_calling_a_stack_gives_a_proxy_to_its_top():
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


# Behaviour L7 of the context-local model.
def test_local_manager():
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


# Behaviour L7 of the context-local model.
def test_make_middleware_cleans_up_when_the_response_closes():
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


# Behaviour L7 of the context-local model.
def test_middleware_decorator_keeps_name_and_doc():
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


# Behaviour L8 of the context-local model.
def test_proxy_looks_the_target_up_at_every_use():
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


# Behaviour L9 of the context-local model.
def test_attribute_get_set_delete():
    local = Local()
    local.obj = target = Target("ann")
    proxy = local("obj")
    assert proxy.name == "ann"
    proxy.age = 30
    assert target.age == 30
    del proxy.age
    assert not hasattr(target, "age")


# Behaviour L9 of the context-local model.
def test_items_call_iteration_contains_len():
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


# Behaviour L9 of the context-local model.
def test_comparison_hash_and_str():
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
# Behaviour L9 of the context-local model.
def test_arithmetic_and_bitwise_operators_both_sides(op):
    local = Local()
    local.n = 6
    proxy = local("n")
    assert op(proxy, 3) == op(6, 3)
    assert op(13, proxy) == op(13, 6)  # the reflected form (__radd__ …)


# Behaviour L9 of the context-local model.
def test_matmul_both_sides():
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


# Behaviour L9 of the context-local model.
def test_in_place_operators():
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


# Behaviour L9 of the context-local model.
def test_unary_operators_and_numeric_conversions():
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


# Behaviour L9 of the context-local model.
def test_with_statement():
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


# Behaviour L9 of the context-local model.
def test_copy_and_deepcopy_copy_the_target():
    local = Local()
    local.data = data = [[1], [2]]
    proxy = local("data")
    shallow = copy.copy(proxy)
    assert type(shallow) is list and shallow == data and shallow is not data
    assert shallow[0] is data[0]
    deep = copy.deepcopy(proxy)
    assert type(deep) is list and deep == data and deep[0] is not data[0]


# Behaviour L9 of the context-local model.
def test_dir_and_dict():
    local = Local()
    local.obj = target = Target("ann")
    proxy = local("obj")
    assert dir(proxy) == dir(target)
    assert proxy.__dict__ is target.__dict__
    assert proxy.__dict__ == {"name": "ann"}


# Behaviour L9 of the context-local model.
def test_unbound_proxy():
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


# Behaviour L10 of the context-local model.
def test_get_current_object_returns_the_real_object():
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
