"""WebSocket connections under ASGI: the ``websocket`` global, and one connection through the
app's routing, hooks, session and handler.

The handshake is a request like any other (its URL matched against the ``websocket`` rules,
its cookies opening the session, ``before_websocket`` hooks run), served in a greenlet of the
server's task as HTTP requests are (:mod:`flagon.green`). Once accepted, a reader task takes
the client's messages; when the client goes away while the handler is busy elsewhere (waiting
for something to send), the handler's task is cancelled, and the teardowns run.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import sys
import typing as t

from ..exceptions import WebSocketDisconnected
from ..green import run
from .environ import environ_for

if t.TYPE_CHECKING:
    from ..app import Flagon
    from ..wrappers import Response

Receive = t.Callable[[], t.Awaitable[dict[str, t.Any]]]
Send = t.Callable[[dict[str, t.Any]], t.Awaitable[None]]

#: Close codes (RFC 6455): a normal end, and an error in the handler.
NORMAL_CLOSURE = 1000
INTERNAL_ERROR = 1011


class WebSocket:
    """One WebSocket connection, as its handler sees it through the ``websocket`` global.

    ``receive()`` and ``send()`` accept the connection first if the handler hasn't;
    ``accept()`` chooses a subprotocol among those the client offered (``subprotocols``) and
    may add response headers.
    """

    def __init__(self, scope: dict[str, t.Any], receive: Receive, send: Send) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        #: The subprotocols the client offered, in its order of preference.
        self.subprotocols: list[str] = list(scope.get("subprotocols", ()))
        self.accepted = False
        self.closed = False
        self._messages: asyncio.Queue[dict[str, t.Any]] = asyncio.Queue()
        self._receiving = 0
        self._reader: asyncio.Task[None] | None = None
        self._handler = asyncio.current_task()
        self.disconnect_code: int | None = None

    async def accept(
        self, subprotocol: str | None = None, headers: t.Iterable[tuple[str, str]] = ()
    ) -> None:
        """Accept the connection (once; later calls do nothing)."""
        if self.accepted:
            return
        if subprotocol is not None and subprotocol not in self.subprotocols:
            raise ValueError(f"the client didn't offer the subprotocol {subprotocol!r}")
        message: dict[str, t.Any] = {
            "type": "websocket.accept",
            "headers": [
                (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
            ],
        }
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        await self._send(message)
        self.accepted = True
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            message = await self._receive()
            await self._messages.put(message)
            if message["type"] == "websocket.disconnect":
                self.closed = True
                self.disconnect_code = message.get("code", NORMAL_CLOSURE)
                if not self._receiving and self._handler is not None:
                    self._handler.cancel()  # it isn't listening: nothing else would end it
                return

    async def receive(self) -> str | bytes:
        """The client's next message: text as ``str``, binary as ``bytes``. Raises
        :class:`WebSocketDisconnected` once the client has gone."""
        await self.accept()
        self._receiving += 1
        try:
            message = await self._messages.get()
        finally:
            self._receiving -= 1
        if message["type"] == "websocket.disconnect":
            self._messages.put_nowait(message)  # every later receive() says so too
            raise WebSocketDisconnected(
                message.get("code", NORMAL_CLOSURE), message.get("reason") or ""
            )
        if message.get("text") is not None:
            return t.cast(str, message["text"])
        return t.cast(bytes, message.get("bytes") or b"")

    async def receive_json(self) -> t.Any:
        return json.loads(await self.receive())

    async def send(self, data: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message."""
        await self.accept()
        if self.closed:
            raise WebSocketDisconnected(self.disconnect_code or NORMAL_CLOSURE)
        key = "text" if isinstance(data, str) else "bytes"
        await self._send({"type": "websocket.send", key: data})

    async def send_json(self, value: t.Any) -> None:
        await self.send(json.dumps(value, separators=(",", ":")))

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close the connection (refusing it, if it wasn't accepted yet)."""
        if self.closed:
            return
        self.closed = True
        await self._send({"type": "websocket.close", "code": code, "reason": reason})

    async def refuse(self, response: Response) -> None:
        """Answer the handshake with ``response`` where the server can send one (the
        ``websocket.http.response`` extension), else refuse it plainly (a 403)."""
        self.closed = True
        if "websocket.http.response" not in self.scope.get("extensions", {}):
            await self._send({"type": "websocket.close", "code": NORMAL_CLOSURE})
            return
        headers = [
            (n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in response.headers.items()
        ]
        await self._send(
            {
                "type": "websocket.http.response.start",
                "status": response.status_code,
                "headers": headers,
            }
        )
        await self._send({"type": "websocket.http.response.body", "body": response.get_data()})

    async def finish(self) -> None:
        """After the handler: close what it left open, stop reading."""
        if self._reader is not None:
            self._reader.cancel()
        if self.accepted and not self.closed:
            await self.close()


def _serve(app: Flagon, environ: dict[str, t.Any], connection: WebSocket) -> Response | None:
    """The handshake request through the app, in its request context: a response to refuse
    the connection with, or None."""
    ctx = app.request_context(environ)
    ctx.websocket = connection
    error: BaseException | None = None
    try:
        ctx.push()
        try:
            return app.full_dispatch_websocket(ctx)
        except WebSocketDisconnected:
            return None  # the client left: the handler's end
        except Exception as e:
            error = e
            return app.handle_exception(e)
    except BaseException:
        error = sys.exc_info()[1]
        raise
    finally:
        ctx.pop(error)


async def handle(app: Flagon, scope: dict[str, t.Any], receive: Receive, send: Send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    connection = WebSocket(scope, receive, send)
    # The handshake is a GET; its scheme (ws, wss) makes the URL match the websocket rules.
    environ = environ_for({"method": "GET", "scheme": "ws", **scope}, io.BytesIO())
    # The upgrade the server already made, as the routing recognises a WebSocket request.
    environ.setdefault("HTTP_UPGRADE", "websocket")
    if "upgrade" not in environ.get("HTTP_CONNECTION", "").lower():
        environ["HTTP_CONNECTION"] = "Upgrade"
    context = scope.get("flagon.context")
    if context is None:
        context = contextvars.copy_context()
    try:
        refusal = await run(_serve, app, environ, connection, context=context)
    except asyncio.CancelledError:
        if connection.disconnect_code is None:
            raise
        asyncio.current_task().uncancel()  # type: ignore[union-attr]
        refusal = None
    if refusal is not None and not connection.accepted:
        await connection.refuse(refusal)
    elif refusal is not None:  # an error once talking: the handler can't answer with a page
        await connection.close(INTERNAL_ERROR)
    elif not connection.accepted:
        await connection.refuse(app.response_class(status=403))
    await connection.finish()
