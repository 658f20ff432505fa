"""The test client's ASGI transport: a request as an ASGI server would send it, for tests
that check the app behaves the same under ASGI as under WSGI (``app.test_client(asgi=True)``)."""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import os
import queue
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from ..async_support import _runner
from ..datastructures import Headers
from ..exceptions import WebSocketDisconnected

_CHUNK = 65536  # the body is sent in pieces this big, as servers do


def _bytes(text: str) -> bytes:
    # Environ values are latin-1 code points; a test may put in what no server could.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()


def scope_for(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    """The ASGI HTTP scope of a WSGI environ (made by the test client's builder)."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if not value:
                continue
            name = key.replace("_", "-").lower()
        else:
            continue
        headers.append((name.encode("latin-1"), _bytes(str(value))))
    root_path = environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8", "replace")
    path = environ.get("PATH_INFO", "").encode("latin-1")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").partition("/")[2] or "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "root_path": root_path,
        "path": root_path + path.decode("utf-8", "replace"),
        "raw_path": path,
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "headers": headers,
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT") or 80)),
        # What the test client adds to the environ for the pipeline (context preservation)
        # and where a test wants errors written.
        "flagon.environ": {
            k: v for k, v in environ.items() if k.startswith("flagon.") or k == "wsgi.errors"
        },
        # The request runs in this; a context it keeps (``with client:``, an error preserved)
        # is then set in the caller's.
        "flagon.context": contextvars.copy_context(),
    }
    if environ.get("REMOTE_ADDR"):
        scope["client"] = (environ["REMOTE_ADDR"], int(environ.get("REMOTE_PORT") or 0))
    return scope


async def _exchange(
    app: t.Callable[..., t.Any], scope: dict[str, t.Any], body: t.IO[bytes], length: int | None
) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
    answered = asyncio.Event()
    left = length  # bytes still to send of a declared length; None: until the stream ends
    sent_all = False
    status: list[int] = []
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def receive() -> dict[str, t.Any]:
        # The body is read as the app asks for it, as a server would pass it on.
        nonlocal left, sent_all
        if not sent_all:
            piece = body.read(_CHUNK if left is None else min(_CHUNK, left))
            if left is not None:
                left -= len(piece)
            sent_all = not piece or left == 0
            return {"type": "http.request", "body": piece, "more_body": not sent_all}
        await answered.wait()  # the client stays until the whole response has come
        return {"type": "http.disconnect"}

    async def send(message: dict[str, t.Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
            headers.extend(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    await app(scope, receive, send)
    if not status:
        raise RuntimeError("The ASGI application sent no response.")
    return status[0], headers, chunks


def run_asgi_app(
    app: t.Callable[..., t.Any], environ: dict[str, t.Any], buffered: bool = False
) -> tuple[t.Iterable[bytes], str, Headers]:
    """Call an ASGI application with the request ``environ`` describes; return ``(body,
    status, headers)`` as :func:`flagon.wsgi.run_wsgi_app` does (the body always complete).

    The request runs on this thread's event loop. Context variables the app leaves set (the
    test client's ``with client:`` keeps the request context) are set here afterwards."""
    from ..http import HTTP_STATUS_CODES

    scope = scope_for(environ)
    try:
        length: int | None = max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        length = 0
    if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
        length = None
    exchange = partial(_exchange, app, scope, environ["wsgi.input"], length)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        status, headers, chunks = _runner().run(exchange())
    else:  # called from async code: its loop can't be re-entered, so use another thread's
        with ThreadPoolExecutor(max_workers=1) as pool:
            status, headers, chunks = pool.submit(lambda: _runner().run(exchange())).result()
    for variable, value in scope["flagon.context"].items():
        variable.set(value)
    reason = HTTP_STATUS_CODES.get(status, "UNKNOWN")
    decoded = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
    return chunks, f"{status} {reason}", Headers(decoded)


class WebSocketRefused(Exception):
    """The app refused the test client's WebSocket handshake: ``status_code`` and ``body``
    of the response it answered with (403 and empty when it just closed)."""

    def __init__(self, status_code: int, body: bytes = b"") -> None:
        super().__init__(status_code, body)
        self.status_code = status_code
        self.body = body


class TestWebSocket:
    """A WebSocket connection from the test client to the app (``client.websocket(path)``).

    The app runs on an event loop of its own thread, as under a server; ``send()`` and
    ``receive()`` talk to it from the test. Used as a context manager: entering opens the
    connection (raising :class:`WebSocketRefused` if the app refuses it), leaving closes it
    from the client's side and waits for the handler to finish. An error the app lets out
    (with ``PROPAGATE_EXCEPTIONS``, as in tests) is raised here.
    """

    def __init__(
        self, app: t.Callable[..., t.Any], scope: dict[str, t.Any], timeout: float
    ) -> None:
        self._app = app
        self._scope = scope
        self.timeout = timeout
        self._from_app: queue.Queue[dict[str, t.Any]] = queue.Queue()
        self._started = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._to_app: asyncio.Queue[dict[str, t.Any]] | None = None
        self._finished = False
        #: The subprotocol and headers the app accepted with; the close code it sent.
        self.subprotocol: str | None = None
        self.headers: Headers = Headers()
        self.close_code: int | None = None

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._to_app = asyncio.Queue()
        self._started.set()
        to_app = self._to_app

        async def send(message: dict[str, t.Any]) -> None:
            self._from_app.put(message)

        try:
            await self._app(self._scope, to_app.get, send)
        except BaseException as error:
            self._from_app.put({"type": "flagon.error", "error": error})
        finally:
            self._from_app.put({"type": "flagon.finished"})

    def _put(self, message: dict[str, t.Any]) -> None:
        assert self._loop is not None and self._to_app is not None
        self._loop.call_soon_threadsafe(self._to_app.put_nowait, message)

    def _next(self) -> dict[str, t.Any]:
        try:
            message = self._from_app.get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(f"the app sent nothing in {self.timeout} s") from None
        if message["type"] == "flagon.error":
            raise message["error"]
        if message["type"] == "flagon.finished":
            self._finished = True
        return message

    def __enter__(self) -> TestWebSocket:
        self._thread.start()
        self._started.wait()
        self._put({"type": "websocket.connect"})
        message = self._next()
        if message["type"] == "websocket.accept":
            self.subprotocol = message.get("subprotocol")
            self.headers = Headers(
                [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", ())]
            )
            return self
        self._thread.join(self.timeout)
        if message["type"] == "websocket.http.response.start":
            body = self._next().get("body", b"")
            raise WebSocketRefused(message["status"], body)
        raise WebSocketRefused(403)

    def send(self, data: str | bytes) -> None:
        key = "text" if isinstance(data, str) else "bytes"
        self._put({"type": "websocket.receive", key: data})

    def send_json(self, value: t.Any) -> None:
        self.send(json.dumps(value))

    def receive(self) -> str | bytes:
        """The app's next message; :class:`~flagon.exceptions.WebSocketDisconnected` if the
        app closed the connection instead."""
        message = self._next()
        if message["type"] == "websocket.send":
            return message["text"] if message.get("text") is not None else message["bytes"]
        if message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
        raise WebSocketDisconnected(self.close_code or 1006)

    def receive_json(self) -> t.Any:
        return json.loads(self.receive())

    def close(self, code: int = 1000) -> None:
        """Leave, as a browser closing the page does, and wait for the handler to end."""
        if not self._finished:
            try:
                self._put({"type": "websocket.disconnect", "code": code})
            except RuntimeError:  # the handler has finished and its loop is closed
                pass
            while not self._finished:
                self._next()  # raising what the app let out
        self._thread.join(self.timeout)

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()


def websocket_scope(environ: dict[str, t.Any], subprotocols: t.Iterable[str]) -> dict[str, t.Any]:
    """The ASGI WebSocket scope of a handshake request built by the test client."""
    scope = scope_for(environ)
    scope["headers"] += [
        (b"upgrade", b"websocket"),
        (b"connection", b"Upgrade"),
        (b"sec-websocket-version", b"13"),
        (b"sec-websocket-key", base64.b64encode(os.urandom(16))),
    ]
    scope.update(
        type="websocket",
        scheme="wss" if scope["scheme"] == "https" else "ws",
        subprotocols=list(subprotocols),
        extensions={"websocket.http.response": {}},
    )
    del scope["flagon.context"], scope["method"]
    return scope
