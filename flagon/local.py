"""Context locals: data that is global to a module but private to one execution context.

Everything is stored in :class:`~contextvars.ContextVar` objects and replaced, never
mutated, on write. That keeps threads, greenlets and asyncio tasks apart without any
identity function, and a copied context (a new task) never sees its siblings' writes.
"""

from __future__ import annotations

import copy
import math
import operator
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from functools import update_wrapper
from types import GenericAlias, MappingProxyType, MethodType
from typing import Any, Generic, TypeVar

from .closing import ClosingIterator

__all__ = ["Local", "LocalManager", "LocalProxy", "LocalStack", "get_ident", "release_local"]

try:  # imported up front so an identity never switches kind halfway through a context
    from greenlet import getcurrent as _current_greenlet
except ImportError:  # pragma: no cover - greenlet is optional
    _current_greenlet = None  # type: ignore[assignment]

T = TypeVar("T")

# Shared empty storage; read-only so a context that never wrote cannot corrupt it.
_NO_VALUES: Mapping[str, Any] = MappingProxyType({})


def release_local(local: Local | LocalStack[Any]) -> None:
    """Drop everything ``local`` holds for the current context."""
    local.__release_local__()


def get_ident() -> int:
    """Identify the running asyncio task, greenlet or thread, in that order of precedence.

    Context locals need no identity, but other per-context registries (a scoped
    database session, say) do. A marker stored in a ContextVar would be inherited by
    every task spawned after it was set, so the running unit itself is the identity.
    """
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no event loop running in this thread
            task = None
        if task is not None:
            return id(task)
    if _current_greenlet is not None:
        return id(_current_greenlet())
    return threading.get_ident()


class Local:
    """A namespace whose attributes belong to the current context.

    ``local.user = x`` in one thread, task or greenlet is invisible to every other one.
    Create locals once, at module level: each owns a ContextVar, and a long-lived context
    (a pooled thread) keeps what it last stored until it is released.
    """

    __slots__ = ("__storage",)

    def __init__(self, context_var: ContextVar[Mapping[str, Any]] | None = None) -> None:
        if context_var is None:
            context_var = ContextVar(f"flagon.Local<{id(self):#x}>")
        object.__setattr__(self, "_Local__storage", context_var)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.__storage.get(_NO_VALUES).items())

    def __call__(self, name: str, *, unbound_message: str | None = None) -> LocalProxy:
        """Return a proxy to attribute ``name`` of this namespace."""
        return LocalProxy(self, name, unbound_message=unbound_message)

    def __release_local__(self) -> None:
        self.__storage.set(_NO_VALUES)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__storage.get(_NO_VALUES)[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        storage = self.__storage
        storage.set({**storage.get(_NO_VALUES), name: value})

    def __delattr__(self, name: str) -> None:
        storage = self.__storage
        values = storage.get(_NO_VALUES)
        if name not in values:
            raise AttributeError(name)
        storage.set({key: value for key, value in values.items() if key != name})


class LocalStack(Generic[T]):
    """A stack of objects private to the current context (the request and app contexts).

    The stack lives in one ContextVar as immutable ``(item, below)`` pairs, so a push or pop
    is one small tuple and one ``set``, and nothing can leak between contexts.
    """

    __slots__ = ("_get", "_set")

    def __init__(self, context_var: ContextVar[tuple[T, Any] | None] | None = None) -> None:
        if context_var is None:
            context_var = ContextVar(f"flagon.LocalStack<{id(self):#x}>")
        # Bound once: push/pop/top run on every request.
        self._get = context_var.get
        self._set = context_var.set

    def __release_local__(self) -> None:
        self._set(None)

    def _items(self) -> tuple[T, ...]:
        items = []
        node = self._get(None)
        while node is not None:
            items.append(node[0])
            node = node[1]
        return tuple(reversed(items))

    def push(self, obj: T) -> tuple[T, ...]:
        """Put ``obj`` on top and return the stack's items, bottom first."""
        self._set((obj, self._get(None)))
        return self._items()

    def pop(self) -> T | None:
        """Remove and return the top item, or return ``None`` when the stack is empty."""
        node = self._get(None)
        if node is None:
            return None
        self._set(node[1])
        return node[0]

    @property
    def top(self) -> T | None:
        """The last pushed object, or ``None`` when the stack is empty."""
        node = self._get(None)
        return None if node is None else node[0]

    def __call__(
        self, name: str | None = None, *, unbound_message: str | None = None
    ) -> LocalProxy:
        """Return a proxy to the top item, or to its attribute ``name``."""
        return LocalProxy(self, name, unbound_message=unbound_message)


_AnyLocal = Local | LocalStack[Any]
_WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LocalManager:
    """Release a group of locals together, typically at the end of each request."""

    __slots__ = ("locals",)

    def __init__(self, locals: _AnyLocal | Iterable[_AnyLocal] | None = None) -> None:
        if locals is None:
            self.locals: list[_AnyLocal] = []
        elif isinstance(locals, (Local, LocalStack)):
            self.locals = [locals]
        else:
            self.locals = list(locals)

    def get_ident(self) -> int:
        """Identify the current context (see :func:`get_ident`)."""
        return get_ident()

    def cleanup(self) -> None:
        """Release every managed local for the current context."""
        for local in self.locals:
            release_local(local)

    def make_middleware(self, app: _WSGIApp) -> _WSGIApp:
        """Wrap a WSGI app so the locals are released once its response has been closed."""

        def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            try:
                response = app(environ, start_response)
            except BaseException:
                self.cleanup()
                raise
            return ClosingIterator(response, self.cleanup)

        return application

    def middleware(self, func: _WSGIApp) -> _WSGIApp:
        """Decorator form of :meth:`make_middleware` that keeps the function's name and doc."""
        return update_wrapper(self.make_middleware(func), func)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} storages: {len(self.locals)}>"


def _lookup_for(local: Any, name: str | None, message: str | None) -> Callable[[], Any]:
    """Build the function a proxy calls to find its target, specialised for the kind of local."""
    if isinstance(local, Local):
        if name is None:
            raise TypeError("a name is required to proxy a Local")
        key, _, rest = name.partition(".")
        get_rest = operator.attrgetter(rest) if rest else None
        values = object.__getattribute__(local, "_Local__storage").get
        unbound = message or f"object unbound: nothing is bound to {key!r} in this context"

        def lookup() -> Any:
            try:
                obj = values(_NO_VALUES)[key]
            except KeyError:
                raise RuntimeError(unbound) from None
            return obj if get_rest is None else get_rest(obj)

        return lookup

    get_name = None if name is None else operator.attrgetter(name)

    if isinstance(local, LocalStack):
        stack_items = local._get
        unbound = message or "object unbound: the LocalStack is empty"

        def lookup() -> Any:
            node = stack_items(None)
            if node is None:
                raise RuntimeError(unbound)
            return node[0] if get_name is None else get_name(node[0])

        return lookup

    if isinstance(local, ContextVar):
        var = local
        unbound = message or f"object unbound: context variable {var.name!r} is not set"

        def lookup() -> Any:
            try:
                obj = var.get()
            except LookupError:
                raise RuntimeError(unbound) from None
            return obj if get_name is None else get_name(obj)

        return lookup

    if callable(local):
        # The callable reports its own unbound state by raising RuntimeError.
        if get_name is None:
            return local
        return lambda: get_name(local())

    raise TypeError(f"cannot proxy {type(local).__name__!r} objects")


_UNSET: Any = object()


class _ProxyLookup:
    """Descriptor forwarding one special name of :class:`LocalProxy` to the current target.

    Python looks special methods up on the type, so each dunder needs an entry on the
    class. ``func`` is the operation redone on the target (``operator.add`` for
    ``__add__``); without it the target's own attribute is returned. ``fallback``
    answers for an unbound proxy instead of raising.
    """

    __slots__ = ("class_value", "fallback", "func", "in_place", "is_attr", "name")

    def __init__(
        self,
        func: Callable[..., Any] | None = None,
        fallback: Callable[[LocalProxy], Any] | None = None,
        *,
        is_attr: bool = False,
        class_value: Any = _UNSET,
        in_place: bool = False,
    ) -> None:
        self.func = func
        self.fallback = fallback
        self.is_attr = is_attr
        self.class_value = class_value
        self.in_place = in_place
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, proxy: LocalProxy | None, owner: type | None = None) -> Any:
        if proxy is None:
            return self if self.class_value is _UNSET else self.class_value
        try:
            obj = _lookup_of(proxy)()
        except RuntimeError as unbound:
            fallback = self.fallback
            if fallback is not None:
                return fallback(proxy) if self.is_attr else MethodType(fallback, proxy)
            if self.is_attr:
                raise
            # CPython swallows errors raised while it looks up ==, <, hash and iter
            # (they would turn into False or TypeError), so fail when called instead.
            return _raiser(unbound)
        func = self.func
        if func is None:
            return getattr(obj, self.name)
        if self.in_place:
            return _in_place(func, proxy, obj)
        return MethodType(func, obj)

    def __call__(self, proxy: LocalProxy, *args: Any, **kwargs: Any) -> Any:
        # Reached through the class, e.g. copy.copy() calls type(x).__copy__(x).
        return self.__get__(proxy, type(proxy))(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<proxy lookup {self.name}>"


def _raiser(error: Exception) -> Callable[..., Any]:
    def raise_error(*args: Any, **kwargs: Any) -> Any:
        raise error

    return raise_error


def _in_place(op: Callable[[Any, Any], Any], proxy: LocalProxy, obj: Any) -> Callable[[Any], Any]:
    """Bind an in-place operator so a target changed in place keeps the name bound to the proxy.

    A target without the in-place form (``int``) yields a new object, which is returned
    as is: ``x += 1`` rebinds ``x`` to the sum, exactly as for the plain value.
    """

    def apply(other: Any) -> Any:
        result = op(obj, other)
        return proxy if result is obj else result

    return apply


def _doc_lookup(doc: str | None) -> _ProxyLookup:
    """``__doc__`` of a proxy: the target's, and the proxy class's own when read from the class."""
    lookup = _ProxyLookup(fallback=lambda proxy: type(proxy).__doc__, is_attr=True, class_value=doc)
    lookup.name = "__doc__"
    return lookup


def _reflected(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected_op(obj: Any, other: Any) -> Any:
        return op(other, obj)

    return reflected_op


class LocalProxy:
    """Stand-in that forwards every operation to an object found anew at each use.

    ``local`` is a :class:`Local` (with ``name``), a :class:`LocalStack` (its top, or the
    top's attribute ``name``), a :class:`~contextvars.ContextVar`, or a callable returning
    the target. An unbound proxy is falsy, reprs as ``<LocalProxy unbound>`` and raises
    :exc:`RuntimeError` (with ``unbound_message`` when given) on any other use.
    ``isinstance(proxy, Target)`` holds; ``type(proxy)`` is still ``LocalProxy``.
    """

    __slots__ = ("__wrapped__", "_get_current_object")

    _get_current_object: Callable[[], Any]
    """Return the real object, e.g. to hand it to another thread or to skip proxy overhead."""

    def __init__(
        self, local: Any, name: str | None = None, *, unbound_message: str | None = None
    ) -> None:
        object.__setattr__(self, "_get_current_object", _lookup_for(local, name, unbound_message))
        object.__setattr__(self, "__wrapped__", local)

    def __class_getitem__(cls, item: Any) -> GenericAlias:
        return GenericAlias(cls, item)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Let a subclass's own methods and attributes win over the target's."""
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        added = {name for base in mro[: mro.index(LocalProxy)] for name in vars(base)}
        own = _OWN_ATTRIBUTES | (added - _CLASS_BOOKKEEPING)
        # The class body replaced the lookup with its docstring; a descriptor, not a str.
        cls.__doc__ = _doc_lookup(cls.__dict__.get("__doc__"))  # type: ignore[assignment]

        def __getattribute__(self: LocalProxy, name: str) -> Any:
            if name in own:
                return object.__getattribute__(self, name)
            return getattr(_lookup_of(self)(), name)

        cls.__getattribute__ = __getattribute__  # type: ignore[method-assign]

    # Attribute access is the hot path (request.args, current_app.config). Overriding
    # __getattribute__ skips the failed normal lookup (and its AttributeError) that a
    # __getattr__ hook would pay for on every access.
    def __getattribute__(self, name: str) -> Any:
        if name in _OWN_ATTRIBUTES:
            return object.__getattribute__(self, name)
        return getattr(_lookup_of(self)(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(_lookup_of(self)(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_lookup_of(self)(), name)

    # Lookups with an answer for unbound proxies. __class__ and __doc__ can only be
    # replaced here, in the class body; the other dunders are installed below.
    __doc__ = _doc_lookup(__doc__)
    __class__ = _ProxyLookup(fallback=lambda self: type(self), is_attr=True)
    __repr__ = _ProxyLookup(repr, fallback=lambda self: f"<{type(self).__name__} unbound>")
    __bool__ = _ProxyLookup(bool, fallback=lambda self: False)
    __dir__ = _ProxyLookup(dir, fallback=lambda self: [])
    __hash__ = _ProxyLookup(hash)


# Reads the slot without going through LocalProxy.__getattribute__.
_lookup_of: Callable[[LocalProxy], Callable[[], Any]] = LocalProxy.__dict__[
    "_get_current_object"
].__get__

_BINARY_OPERATORS: dict[str, Callable[..., Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "matmul": operator.matmul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "divmod": divmod,
    "pow": pow,  # the builtin, so pow(proxy, exp, mod) works
    "lshift": operator.lshift,
    "rshift": operator.rshift,
    "and": operator.and_,
    "xor": operator.xor,
    "or": operator.or_,
}

_FORWARDED: dict[str, Callable[..., Any] | None] = {
    # None: hand out the target's own attribute (bound method)
    "__str__": str,
    "__bytes__": bytes,
    "__format__": format,
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__eq__": operator.eq,
    "__ne__": operator.ne,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
    "__call__": operator.call,
    "__instancecheck__": lambda cls, instance: isinstance(instance, cls),
    "__subclasscheck__": lambda cls, subclass: issubclass(subclass, cls),
    "__len__": len,
    "__length_hint__": operator.length_hint,
    "__getitem__": operator.getitem,
    "__setitem__": operator.setitem,
    "__delitem__": operator.delitem,
    "__iter__": iter,
    "__next__": next,
    "__reversed__": reversed,
    "__contains__": operator.contains,
    "__neg__": operator.neg,
    "__pos__": operator.pos,
    "__abs__": abs,
    "__invert__": operator.invert,
    "__complex__": complex,
    "__int__": int,
    "__float__": float,
    "__index__": operator.index,
    "__round__": round,
    "__trunc__": math.trunc,
    "__floor__": math.floor,
    "__ceil__": math.ceil,
    "__enter__": None,
    "__exit__": None,
    "__await__": None,
    "__aiter__": None,
    "__anext__": None,
    "__aenter__": None,
    "__aexit__": None,
    "__copy__": copy.copy,  # copies the target, not the proxy
    "__deepcopy__": copy.deepcopy,
}
for _op, _func in _BINARY_OPERATORS.items():
    _FORWARDED[f"__{_op}__"] = _func
    _FORWARDED[f"__r{_op}__"] = _reflected(_func)


def _install(name: str, lookup: _ProxyLookup) -> None:
    lookup.__set_name__(LocalProxy, name)
    setattr(LocalProxy, name, lookup)


for _name, _forward in _FORWARDED.items():
    _install(_name, _ProxyLookup(_forward))
for _op in _BINARY_OPERATORS.keys() - {"divmod"}:  # there is no in-place divmod
    _install(f"__i{_op}__", _ProxyLookup(getattr(operator, f"i{_op}"), in_place=True))
del _op, _func, _name

# Written into every class body; on a proxy they still describe the target.
_CLASS_BOOKKEEPING = frozenset(
    {
        "__module__",
        "__qualname__",
        "__doc__",
        "__dict__",
        "__weakref__",
        "__slots__",
        "__annotations__",
        "__firstlineno__",
        "__static_attributes__",
    }
)
# Served by the proxy itself; every other attribute name is looked up on the target.
_OWN_ATTRIBUTES = frozenset(
    name for name, value in vars(LocalProxy).items() if isinstance(value, _ProxyLookup)
) | {"_get_current_object", "__wrapped__"}
