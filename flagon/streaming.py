"""``stream_with_context``: a streamed body that runs inside the request that produced it.

A view returns a generator before the server iterates it, and the request ends in between; a
plain generator then finds no ``request``, ``g`` or ``current_app``. The wrapped body keeps the
request context alive until the server closes it, and runs each chunk with the contexts of the
view active — so teardown functions run once, after the last chunk, not before the first.
"""

from __future__ import annotations

import typing as t
from functools import update_wrapper

from .async_support import run_coroutine
from .ctx import RequestContext, _app_get, _app_set, _req_get, _req_set
from .signals import appcontext_pushed

Chunk = t.TypeVar("Chunk", str, bytes)
Body = t.Iterable[Chunk] | t.AsyncIterable[Chunk]

_no_request_msg = (
    "'stream_with_context' can only be used when a request context is active, such as in a view"
    " function."
)


@t.overload
def stream_with_context(generator_or_function: Body) -> ContextStream: ...


@t.overload
def stream_with_context(
    generator_or_function: t.Callable[..., Body],
) -> t.Callable[..., ContextStream]: ...


def stream_with_context(
    generator_or_function: Body | t.Callable[..., Body],
) -> ContextStream | t.Callable[..., ContextStream]:
    """Keep the current request context for a streamed body; wrap an iterable (a generator, an
    async generator) or decorate a function that returns one.

    The request's teardown runs when the body is exhausted, fails, or is closed by the server
    (a client that disconnects), with the error if there was one.
    """
    body = generator_or_function
    if hasattr(body, "__aiter__") or hasattr(body, "__iter__"):
        node = _req_get(None)
        if node is None:
            raise RuntimeError(_no_request_msg)
        return ContextStream(body, node[0])
    if not callable(body):
        raise TypeError(
            f"stream_with_context needs an iterable or a function returning one, not"
            f" {type(body).__name__}."
        )

    def decorator(*args: t.Any, **kwargs: t.Any) -> ContextStream:
        return stream_with_context(body(*args, **kwargs))

    return update_wrapper(decorator, body)


class ContextStream:
    """An iterator over a body that switches to the captured contexts around each chunk.

    The contexts are active only while a chunk is produced: between chunks the server's thread
    sees its own stacks, so a stream that is never finished leaves nothing behind on them.
    """

    __slots__ = ("_app_node", "_close", "_ctx", "_next", "_req_node", "is_async")

    def __init__(self, body: Body, ctx: RequestContext) -> None:
        # The stacks as the view saw them; each chunk runs with these.
        self._app_node = _app_get(None)
        self._req_node = _req_get(None)
        #: Whether the body is asynchronous: each chunk is then awaited (under ASGI, on the
        #: server's loop), rather than produced by blocking code.
        self.is_async = hasattr(body, "__aiter__")
        if isinstance(body, t.AsyncIterable):
            iterator = body.__aiter__()
            self._next: t.Callable[[], t.Any] = lambda: _pull_async(iterator)
            aclose = getattr(iterator, "aclose", None)
            self._close = None if aclose is None else (lambda: run_coroutine(aclose()))
        else:
            self._next = iter(body).__next__
            self._close = getattr(body, "close", None)
        _hold(ctx)
        self._ctx: RequestContext | None = ctx

    def __iter__(self) -> ContextStream:
        return self

    def __next__(self) -> t.Any:
        if self._ctx is None:
            raise StopIteration
        outer = self._enter()
        try:
            return self._next()
        except StopIteration:
            self._finish(None)
            raise
        except BaseException as e:
            self._finish(e)
            raise
        finally:
            self._leave(outer)

    def close(self) -> None:
        """Close the body (with the contexts active) and tear the request down, once."""
        if self._ctx is None:
            return
        outer = self._enter()
        try:
            self._finish(None)
        finally:
            self._leave(outer)

    def __del__(self) -> None:
        # A body dropped without being closed (a failed after_request hook, a server ignoring
        # PEP 3333) must still end its request.
        if getattr(self, "_ctx", None) is not None:
            self.close()

    def _enter(self) -> tuple[t.Any, t.Any]:
        outer = _app_get(None), _req_get(None)
        _app_set(self._app_node)
        _req_set(self._req_node)
        return outer

    def _leave(self, outer: tuple[t.Any, t.Any]) -> None:
        # Whatever the body pushed and kept across a yield stays with the body.
        self._app_node = _app_get(None)
        self._req_node = _req_get(None)
        _app_set(outer[0])
        _req_set(outer[1])

    def _finish(self, exc: BaseException | None) -> None:
        ctx, self._ctx = self._ctx, None
        close, self._close = self._close, None
        try:
            if close is not None:
                close()
        except BaseException as e:
            if exc is None:
                exc = e
            raise
        finally:
            ctx.pop(exc)  # type: ignore[union-attr]


_END = object()


async def _anext(iterator: t.AsyncIterator[t.Any]) -> t.Any:
    # A coroutine can't raise StopIteration (PEP 479), so the end is a sentinel.
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _END


def _pull_async(iterator: t.AsyncIterator[t.Any]) -> t.Any:
    """The next chunk of an async body, run on this thread's event loop."""
    chunk = run_coroutine(_anext(iterator))
    if chunk is _END:
        raise StopIteration
    return chunk


def _hold(ctx: RequestContext) -> None:
    """Add a push level to ``ctx`` that lives outside the stacks.

    A request context tears down when its last push level is popped. With this extra level,
    the pop at the end of the request only takes the contexts off the stacks; the stream pops
    the last level, and so runs ``teardown_request`` and ``teardown_appcontext``, when it ends.
    """
    levels = ctx._implicit_app_ctx_stack
    # The outermost level owns the implicitly pushed app context (None when the app context
    # was pushed by someone else): the held level shares it, so it outlives the request too.
    app_ctx = levels[0]
    if app_ctx is not None:
        app_ctx._refcnt += 1
        # Its last pop sends appcontext_popped once more: keep the signals paired.
        if appcontext_pushed.receivers:
            appcontext_pushed.send(ctx.app, _async_wrapper=ctx.app.ensure_sync)
    levels.insert(0, app_ctx)
