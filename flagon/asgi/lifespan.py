"""The ASGI lifespan protocol: the app's ``before_serving`` functions when the server starts,
its ``after_serving`` functions when it stops, each in an application context."""

from __future__ import annotations

import traceback
import typing as t

from ..green import run

if t.TYPE_CHECKING:
    from ..app import Flagon

Receive = t.Callable[[], t.Awaitable[dict[str, t.Any]]]
Send = t.Callable[[dict[str, t.Any]], t.Awaitable[None]]


def _call_all(app: Flagon, functions: list[t.Callable[[], t.Any]]) -> None:
    with app.app_context():
        for function in functions:
            app.ensure_sync(function)()


async def handle(app: Flagon, scope: dict[str, t.Any], receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        kind = message["type"]  # lifespan.startup or lifespan.shutdown
        functions = (
            app.before_serving_funcs if kind == "lifespan.startup" else app.after_serving_funcs
        )
        try:
            await run(_call_all, app, functions)
        except Exception:
            await send({"type": f"{kind}.failed", "message": traceback.format_exc()})
            if kind == "lifespan.startup":
                return
            raise
        await send({"type": f"{kind}.complete"})
        if kind == "lifespan.shutdown":
            return
