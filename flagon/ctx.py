"""Application and request contexts: what ``current_app``, ``g``, ``request`` and ``session`` mean.

A request pushes a :class:`RequestContext`, which first pushes an :class:`AppContext` for its app
when none (or another app's) is active. Popping runs the teardown functions and restores whatever
was current before, so contexts nest: a request handled inside another request sees its own
``request`` and then the outer one again.
"""

from __future__ import annotations

import contextvars
import inspect
import sys
import typing as t
from contextlib import contextmanager
from functools import update_wrapper

from .globals import _app_ctx_stack, _request_ctx_stack
from .lazy import cached_property
from .signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_tearing_down,
)
from .wsgi import get_host

if t.TYPE_CHECKING:
    from .app import Flagon
    from .routing import MapAdapter
    from .sessions import SessionMixin
    from .wrappers import Request, Response

_sentinel = object()

# Pushing and popping both stacks happens on every request: use the stacks' ContextVar
# accessors directly rather than going through LocalStack's methods.
_app_get, _app_set = _app_ctx_stack._get, _app_ctx_stack._set
_req_get, _req_set = _request_ctx_stack._get, _request_ctx_stack._set


class _AppCtxGlobals:
    """The ``g`` namespace: a plain object for storing data during one application context."""

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any = None) -> t.Any:
        """The attribute ``name``, or ``default`` when unset."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove and return ``name``; without a default, a missing name raises KeyError."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """The attribute ``name``, set to ``default`` first when unset."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        top = _app_ctx_stack.top
        if top is not None:
            return f"<flagon.g of '{top.app.name}'>"
        return object.__repr__(self)


class AppContext:
    """Makes ``current_app`` and ``g`` available; created per request or by ``app.app_context()``.

    It may be pushed several times; teardown runs when the last push is popped.
    """

    _refcnt = 0

    def __init__(self, app: Flagon) -> None:
        self.app = app

    @cached_property
    def g(self) -> _AppCtxGlobals:
        """The context's ``g`` (an ``app.app_ctx_globals_class()``), made on first use."""
        return self.app.app_ctx_globals_class()

    @cached_property
    def url_adapter(self) -> MapAdapter | None:
        """A URL adapter built without a request (needs ``SERVER_NAME``), made on first use."""
        return self.app.create_url_adapter(None)

    def push(self) -> None:
        """Make this the current application context."""
        self._refcnt += 1
        _app_set((self, _app_get(None)))
        if appcontext_pushed.receivers:
            appcontext_pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Pop this context; the last pop runs the ``teardown_appcontext`` functions."""
        try:
            self._refcnt -= 1
            if self._refcnt <= 0:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                app = self.app
                if (
                    app._plan.do_teardown_appcontext
                    or app.teardown_appcontext_funcs
                    or (appcontext_tearing_down.receivers)
                ):
                    app.do_teardown_appcontext(exc)
        finally:
            node = _app_get(None)
            popped = None if node is None else node[0]
            _app_set(None if node is None else node[1])
        if popped is not self:
            raise RuntimeError(f"Popped wrong app context. ({popped!r} instead of {self!r})")
        if appcontext_popped.receivers:
            appcontext_popped.send(self.app, _async_wrapper=self.app.ensure_sync)

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


#: AppContext's methods as defined: :meth:`RequestContext.push` and ``pop`` do their work
#: directly while they are unchanged (see ``flagon.app._Plan``).
_APP_CONTEXT_METHODS = {name: AppContext.__dict__[name] for name in ("__init__", "push", "pop")}
_new_context = object.__new__


class RequestContext:
    """Everything about one request: the request object, URL adapter, session and flashes.

    Created by the app for each WSGI call (or by ``app.test_request_context()``); the URL is
    matched at creation, and a routing error is kept to be raised at dispatch.
    """

    # Class-level defaults: a request that never flashes, defers work or gets preserved pays
    # nothing for them.
    flashes: list[tuple[str, str]] | None = None
    preserved = False
    _preserved_exc: BaseException | None = None
    _session: SessionMixin | None = None
    _after_request_functions: t.Sequence[t.Callable[[Response], Response]] = ()
    _url_adapter: t.Any = _sentinel  # not made yet
    #: The connection of a WebSocket request (the ``websocket`` global), else None.
    websocket: t.Any = None

    def __init__(
        self,
        app: Flagon,
        environ: dict,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        self.request: Request = request
        # As instance attributes, the request path reads these faster than the class defaults.
        self._session = session
        self._after_request_functions = ()
        self.preserved = False
        self._url_adapter = _sentinel
        self._implicit_app_ctx_stack: list[AppContext | None] = []
        self.match_request()

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL map bound to this request; made on first use (``url_for``), since most
        requests never build a URL."""
        adapter = self._url_adapter
        if adapter is _sentinel:
            adapter = self._url_adapter = self.app.create_url_adapter(self.request)
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    @property
    def g(self) -> _AppCtxGlobals:
        """The ``g`` of the current application context."""
        top = _app_ctx_stack.top
        if top is None:
            raise RuntimeError("There is no application context; push the request context first.")
        return top.g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        top = _app_ctx_stack.top
        if top is None:
            raise RuntimeError("There is no application context; push the request context first.")
        top.g = value

    @property
    def session(self) -> SessionMixin:
        """The session, opened through ``app.session_interface`` on first use.

        Opening lazily means a request that never touches the session never decodes its cookie.
        """
        session = self._session
        if session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            if session is None:
                session = interface.make_null_session(self.app)
            self._session = session
        return session

    @session.setter
    def session(self, value: SessionMixin | None) -> None:
        self._session = value

    def copy(self) -> RequestContext:
        """A new context for the same request, to hand the request to another thread or task."""
        return type(self)(self.app, self.request.environ, self.request, self._session)

    def match_request(self) -> None:
        """Match the URL; a routing error is stored on the request and raised at dispatch.

        As in Flask, through the URL adapter :meth:`Flagon.create_url_adapter` binds
        (``url_map.bind_to_environ(...)``, then its ``match``); an app customising none of
        these is matched straight from the environ (``Map.match_environ``, the same answer)
        and builds its adapter only if ``url_for`` needs one.
        """
        app = self.app
        request = self.request
        try:
            trusted_hosts = app.config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                _check_host(request, trusted_hosts)
            if app._plan.match or self._url_adapter is not _sentinel:
                adapter = self.url_adapter
                if adapter is None:
                    return
                rule, view_args = adapter.match(return_rule=True)
            else:
                url_map = app.url_map
                if url_map.host_matching or app.subdomain_matching:
                    server_name, subdomain = app._url_binding()
                else:
                    server_name, subdomain = None, url_map.default_subdomain or ""
                rule, view_args = url_map.match_environ(
                    request.environ, server_name, subdomain, request.method
                )
        except Exception as e:
            # Without the traceback, the error doesn't keep this frame (and so the context) alive.
            request.routing_exception = e.with_traceback(None)
        else:
            request.url_rule = rule
            request.view_args = view_args

    def push(self) -> None:
        """Make this the current request context, pushing an app context when needed."""
        node = _req_get(None)
        if node is not None and node[0].preserved:
            node[0].pop(node[0]._preserved_exc)
            node = _req_get(None)

        app = self.app
        app_node = _app_get(None)
        if app_node is None or app_node[0].app is not app:
            if app._plan.app_context:
                app_ctx = app.app_context()
                app_ctx.push()
                node = _req_get(None)
            else:
                # app.app_context().push(), as AppContext defines them.
                app_ctx = _new_context(AppContext)
                app_ctx.app = app
                app_ctx._refcnt = 1
                _app_set((app_ctx, app_node))
                if appcontext_pushed.receivers:
                    appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)
                    node = _req_get(None)
            self._implicit_app_ctx_stack.append(app_ctx)
        else:
            self._implicit_app_ctx_stack.append(None)
        _req_set((self, node))

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Pop this context; the last level runs teardown and pops the implicit app context."""
        app = self.app
        plan = app._plan
        clear_request = len(self._implicit_app_ctx_stack) == 1
        try:
            if clear_request:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                if self.preserved:
                    self.preserved = False
                    self._preserved_exc = None
                request = self.request
                try:
                    if (
                        plan.do_teardown_request
                        or app.teardown_request_funcs
                        or (request_tearing_down.receivers)
                    ):
                        app.do_teardown_request(exc)
                finally:
                    # Request.close only closes parsed uploads.
                    if (
                        plan.close_request
                        or request._form_loaded
                        or (type(request) is not plan.request_class)
                    ):
                        request.close()
        finally:
            node = _req_get(None)
            popped = None if node is None else node[0]
            _req_set(None if node is None else node[1])
            if clear_request and popped is not None:
                # The environ refers to the request; drop that cycle so both are freed at once.
                popped.request.environ["flagon.request"] = None
            app_ctx = self._implicit_app_ctx_stack.pop()
            if app_ctx is not None:
                if plan.app_context or not clear_request or app_ctx._refcnt != 1:
                    app_ctx.pop(exc)
                else:
                    # AppContext.pop, as defined, for the context push() made.
                    app_ctx._refcnt = 0
                    try:
                        if (
                            plan.do_teardown_appcontext
                            or app.teardown_appcontext_funcs
                            or (appcontext_tearing_down.receivers)
                        ):
                            app.do_teardown_appcontext(exc)
                    finally:
                        app_node = _app_get(None)
                        _app_set(None if app_node is None else app_node[1])
                    if app_node is None or app_node[0] is not app_ctx:
                        raise RuntimeError(
                            f"Popped wrong app context. ({None if app_node is None else app_node[0]!r}"
                            f" instead of {app_ctx!r})"
                        )
                    if appcontext_popped.receivers:
                        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)
        if popped is not self:
            raise RuntimeError(f"Popped wrong request context. ({popped!r} instead of {self!r})")

    def auto_pop(self, exc: BaseException | None) -> None:
        """Pop at the end of a request, unless the test client or a debug error keeps it."""
        if self.request.environ.get("flagon._preserve_context") or (
            exc is not None and self.app.preserve_context_on_exception
        ):
            self.preserved = True
            self._preserved_exc = exc
        else:
            self.pop(exc)

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.auto_pop(exc_value)

    def __repr__(self) -> str:
        request = self.request
        return f"<{type(self).__name__} {request.url!r} [{request.method}] of {self.app.name}>"


def _check_host(request: Request, trusted_hosts: t.Collection[str]) -> None:
    """Apply ``TRUSTED_HOSTS``: an untrusted ``Host`` raises ``SecurityError`` (a 400)."""
    request.trusted_hosts = trusted_hosts  # type: ignore[assignment]
    request.host = get_host(request.environ, trusted_hosts)


def has_app_context() -> bool:
    """Whether an application context is active (``current_app`` usable)."""
    return _app_ctx_stack.top is not None


def has_request_context() -> bool:
    """Whether a request context is active (``request`` and ``session`` usable)."""
    return _request_ctx_stack.top is not None


def after_this_request(f: t.Callable[[Response], Response]) -> t.Callable[[Response], Response]:
    """Run ``f(response)`` after the current request, before the app's after-request functions."""
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request context is active, such as in"
            " a view function."
        )
    ctx._after_request_functions = (*ctx._after_request_functions, f)
    return f


F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@contextmanager
def _pushed(ctx: RequestContext) -> t.Iterator[None]:
    """Push ``ctx`` for a block and always pop it, with the block's error.

    Unlike ``with ctx:``, a copy is never preserved, even when its environ asks the test client
    to keep contexts: nothing would ever pop it, and its teardown would never run.
    """
    ctx.push()
    error: BaseException | None = None
    try:
        yield
    except BaseException as e:
        error = e
        raise
    finally:
        ctx.pop(error)


def copy_current_request_context(f: F) -> F:
    """Decorate ``f`` so it runs inside a copy of the current request context.

    For work handed to a thread, greenlet or task: a copy is pushed for each call (so calls may
    overlap in several threads or tasks), and the call runs in a fresh ``contextvars`` context so
    it never clashes with the caller's.
    """
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a request context is active,"
            " such as in a view function."
        )
    ctx = ctx.copy()

    if inspect.iscoroutinefunction(f):
        # A task already runs in its own copy of the context, so pushing there is isolated.
        async def async_wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            with _pushed(ctx.copy()):
                return await f(*args, **kwargs)

        return update_wrapper(async_wrapper, f)  # type: ignore[return-value]

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        def run() -> t.Any:
            with _pushed(ctx.copy()):
                return f(*args, **kwargs)

        return contextvars.Context().run(run)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


#: RequestContext.auto_pop as defined: ``Flagon.wsgi_app`` pops directly while it is unchanged
#: and nothing asks to keep the context.
_AUTO_POP = RequestContext.__dict__["auto_pop"]
