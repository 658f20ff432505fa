"""One ASGI HTTP request through flagon's request pipeline.

The pipeline (``app.wsgi_app``, with any WSGI middleware around it) runs in a greenlet of the
server's task (:mod:`flagon.green`): what it awaits is awaited on the loop, sync views go to a
thread pool, and the body is received as it is read. Its response is then sent: a body held
in memory straight away, any other iterable (a generator, a file) a chunk at a time from a
thread, while a watcher listens for the client going away and cancels the sending.
"""

from __future__ import annotations

import asyncio
import contextvars
import typing as t
from functools import partial

from ..closing import ClosingIterator
from ..green import call_in_thread, can_await, run
from .body import Receive, RequestBody
from .environ import environ_for

if t.TYPE_CHECKING:
    from ..app import Flagon

Send = t.Callable[[dict[str, t.Any]], t.Awaitable[None]]

_IN_MEMORY: tuple[type, ...] = (list, tuple, type(iter([])), type(iter(())))
_header_names: dict[str, bytes] = {}
_END = object()


def _name(name: str) -> bytes:
    encoded = _header_names.get(name)
    if encoded is None:
        encoded = name.lower().encode("latin-1")
        if len(_header_names) < 512:
            _header_names[name] = encoded
    return encoded


def offload_view(view: t.Callable[..., t.Any], values: dict[str, t.Any]) -> t.Any:
    """How a sync view runs under ASGI: in the loop's thread pool, in a copy of the request's
    context, so that a blocking view never stalls the other requests. Called from a thread
    already (a view dispatching another request in-process), it simply calls it."""
    if not can_await():
        return view(**values)
    return call_in_thread(None, partial(view, **values))


class _Started:
    """What the pipeline passed to ``start_response``, and what it wrote with ``write()``."""

    __slots__ = ("headers", "status", "written")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.written: list[bytes] = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], None]:
        self.status = int(status[:3])
        self.headers = [(_name(name), value.encode("latin-1")) for name, value in headers]
        return self.written.append


def _in_memory(body: t.Iterable[bytes]) -> bool:
    if type(body) is ClosingIterator:
        body = body._iterator
    return type(body) in _IN_MEMORY


def _awaits(body: t.Iterable[bytes]) -> bool:
    """Whether the body's chunks come from an async generator (``stream_with_context``)."""
    if type(body) is ClosingIterator:
        body = body._iterator
    return getattr(body, "is_async", False) is True


async def handle(app: Flagon, scope: dict[str, t.Any], receive: Receive, send: Send) -> None:
    body = RequestBody(receive)
    environ = environ_for(scope, body)
    if app.config["ASGI_SYNC_VIEWS_IN_THREADS"]:
        environ["flagon.offload"] = offload_view
    started = _Started()
    context = scope.get("flagon.context")
    if context is None:  # (a Context is a mapping: an empty one is false)
        context = contextvars.copy_context()
    app_iter = await run(app.wsgi_app, environ, started, context=context)
    start = {"type": "http.response.start", "status": started.status, "headers": started.headers}
    if type(app_iter) is list and len(app_iter) < 2 and not started.written:
        # The usual answer, a body made in memory (nothing to close): two messages.
        await send(start)
        data = app_iter[0] if app_iter else b""
        await send({"type": "http.response.body", "body": data, "more_body": False})
        return
    try:
        await send(start)
        if started.written:
            await send(
                {"type": "http.response.body", "body": b"".join(started.written), "more_body": True}
            )
        if _in_memory(app_iter):
            chunks = list(app_iter)
            last = len(chunks) - 1
            for index, chunk in enumerate(chunks):
                await send({"type": "http.response.body", "body": chunk, "more_body": index < last})
            if last < 0:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await _stream(app_iter, body, send, context)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            context.run(close)


async def _stream(
    app_iter: t.Iterable[bytes], body: RequestBody, send: Send, context: contextvars.Context
) -> None:
    """Send a body that is produced as it goes until it ends or the client leaves (which stops
    the sending quietly): each chunk of an async generator awaited on this loop, of any other
    iterable taken from a thread, since making it may block."""
    task = asyncio.current_task()
    assert task is not None
    watcher = asyncio.create_task(_disconnected(body))
    watcher.add_done_callback(_cancel_on_disconnect(task))
    loop = asyncio.get_running_loop()
    chunks = iter(app_iter)
    on_loop = _awaits(app_iter)
    pending: asyncio.Future[t.Any] | None = None
    try:
        while True:
            if on_loop:
                pending = asyncio.ensure_future(run(next, chunks, _END, context=context))
            else:
                pending = loop.run_in_executor(None, context.run, next, chunks, _END)  # type: ignore[arg-type]
            chunk = await asyncio.shield(pending)
            if chunk is _END:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except asyncio.CancelledError:
        if not body.disconnected:
            raise
        task.uncancel()
    except OSError:  # the server says the connection is gone
        pass
    finally:
        watcher.cancel()
        if pending is not None and not pending.done():
            # An awaited chunk is cancelled; one a thread is making can't be interrupted, and
            # the body is closed once it is made.
            if on_loop:
                pending.cancel()
            await asyncio.wait([pending])


def _cancel_on_disconnect(task: asyncio.Task[t.Any]) -> t.Callable[[asyncio.Task[bool]], None]:
    def cancel(watcher: asyncio.Task[bool]) -> None:
        if not watcher.cancelled() and watcher.exception() is None:
            task.cancel()

    return cancel


async def _disconnected(body: RequestBody) -> bool:
    """Wait for the client to go away (reading and dropping whatever body is left)."""
    while not body.disconnected:
        await body.next_message()
    return True
