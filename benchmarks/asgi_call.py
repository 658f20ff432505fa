"""Calling ASGI apps in process as a server would, and the cheapest ASGI app there is.

``python benchmarks/asgi_call.py`` times the ASGI ``hello`` apps this way, with no server.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scenario import WSGIApp

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Any]


def scope_from_environ(environ: dict) -> dict:
    """The ASGI HTTP scope of the request a WSGI environ describes."""
    headers = [
        (key[5:].replace("_", "-").lower().encode("latin-1"), value.encode("latin-1"))
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    for key, name in (("CONTENT_TYPE", b"content-type"), ("CONTENT_LENGTH", b"content-length")):
        if environ.get(key):
            headers.append((name, environ[key].encode("latin-1")))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "path": environ["PATH_INFO"],
        "raw_path": environ["PATH_INFO"].encode("latin-1"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "root_path": environ.get("SCRIPT_NAME", ""),
        "headers": headers,
        "client": (environ.get("REMOTE_ADDR", "127.0.0.1"), 50000),
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT", 80))),
        "state": {},
    }


async def _serve(app: ASGIApp, scope: dict, body: bytes) -> tuple[int, list, bytes]:
    sent: list[dict] = []
    answered = asyncio.Event()
    delivered = False

    async def receive() -> dict:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()  # the client stays until the answer is complete, then leaves
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answered.set()

    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None:
        raise RuntimeError("the app sent no http.response.start")
    chunks = (m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], start.get("headers", []), b"".join(chunks)


def as_wsgi(app: ASGIApp) -> WSGIApp:
    """A WSGI app that serves each request by calling the ASGI ``app`` on a fresh event loop,
    so the WSGI scenario setups and checks run unchanged against ASGI apps."""

    def serve(environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = environ["wsgi.input"].read()
        status, headers, data = asyncio.run(_serve(app, scope_from_environ(environ), body))
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers],
        )
        return [data]

    return serve


async def bare_asgi_app(scope: dict, receive: Callable, send: Callable) -> None:
    """The cheapest ASGI app: answers ``ok`` to any request; a server's own ceiling."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


async def time_in_process(app: ASGIApp, scope: dict, requests: int, rounds: int) -> float:
    """The best of ``rounds`` mean times, in microseconds, of one request to ``app``."""
    for _ in range(requests // 10):  # warm-up
        await _serve(app, dict(scope), b"")
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(requests):
            await _serve(app, dict(scope), b"")
        best = min(best, (time.perf_counter() - started) / requests * 1e6)
    return best


def main() -> None:
    """``python benchmarks/asgi_call.py``: the ASGI ``hello`` apps timed in process, on uvloop
    when installed, with no server: what each framework itself costs per request."""
    import argparse

    from benchmarks.scenarios import SCENARIOS, hello_asgi

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scope = scope_from_environ(SCENARIOS["hello"].make_environ())
    apps = {"raw": bare_asgi_app, **{key: build() for key, build in hello_asgi.BUILDERS.items()}}
    try:
        import uvloop

        run: Callable[..., Any] = uvloop.run
    except ImportError:
        run = asyncio.run
    print(f"hello in process, best of {args.rounds} rounds of {args.requests} requests")
    times = {
        key: run(time_in_process(app, scope, args.requests, args.rounds))
        for key, app in apps.items()
    }
    for key, micros in times.items():
        ratio = (
            f"{micros / times['flagon_async']:5.2f}× flagon_async's time" if key != "raw" else ""
        )
        print(f"  {key:15s} {micros:8.1f} µs  {ratio}")


if __name__ == "__main__":
    main()
