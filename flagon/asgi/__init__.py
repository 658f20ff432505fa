"""flagon as an ASGI application: the same app object and request pipeline as under WSGI,
served by uvicorn, hypercorn or granian (see docs/asgi.md)."""

from __future__ import annotations

import typing as t

from . import http, lifespan, websocket

if t.TYPE_CHECKING:
    from ..app import Flagon

Receive = t.Callable[[], t.Awaitable[dict[str, t.Any]]]
Send = t.Callable[[dict[str, t.Any]], t.Awaitable[None]]


async def serve(app: Flagon, scope: dict[str, t.Any], receive: Receive, send: Send) -> None:
    """Answer one ASGI connection: an HTTP request, a WebSocket, or the server's lifespan."""
    kind = scope["type"]
    if kind == "http":
        await http.handle(app, scope, receive, send)
    elif kind == "websocket":
        await websocket.handle(app, scope, receive, send)
    elif kind == "lifespan":
        await lifespan.handle(app, scope, receive, send)
    else:
        raise ValueError(f"flagon can't serve ASGI {kind!r} connections")
