"""Malformed requests sent over real sockets to waitress and Gunicorn (sync and gthread
workers), and to the same app over ASGI on uvicorn, granian and hypercorn: each gets a 4xx or
the server's own refusal, never a 500, a traceback or a hang, and a body that did not arrive
whole is never handed to the application."""

from __future__ import annotations

import socket
import sys

import pytest
from live_servers import APPS, free_port, require_module

pytestmark = pytest.mark.slow

TIMEOUT = 10.0  # seconds a server may take to answer (or close): more is a hang

SERVERS = {
    "waitress": lambda port: [
        sys.executable,
        "-m",
        "waitress",
        "--listen",
        f"127.0.0.1:{port}",
        "bad_input:app",
    ],
    "gunicorn-sync": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "bad_input:app",
    ],
    "gunicorn-gthread": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        "gthread",
        "--threads",
        "4",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "bad_input:app",
    ],
    # The same app over ASGI (the module's own check: ``require_module`` of the name's head).
    "uvicorn": lambda port: [
        sys.executable,
        "-m",
        "uvicorn",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "bad_input:app",
    ],
    "granian-asgi": lambda port: [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "bad_input:app",
    ],
    "hypercorn": lambda port: [
        sys.executable,
        "-m",
        "hypercorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "0",
        "--log-level",
        "warning",
        "asgi:bad_input:app",  # "asgi:": else hypercorn serves the app as a WSGI one
    ],
}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, servers, tmp_path_factory):
    require_module(request.param.partition("-")[0])
    folder = tmp_path_factory.mktemp(request.param)
    port = free_port()
    record = folder / "accepted.txt"
    started = servers.start(
        SERVERS[request.param](port), port, cwd=APPS, env={"BAD_INPUT_RECORD": str(record)}
    )
    started.record = record  # type: ignore[attr-defined]
    return started


def exchange(port: int, raw: bytes, half_close: bool = False) -> bytes:
    """Send ``raw`` and read until the server closes or TIMEOUT passes (then fail: a hang)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)  # the client went away mid-body
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if (
                    not half_close
                    and b"\r\n\r\n" in b"".join(chunks)
                    and _complete(b"".join(chunks))
                ):
                    break
        except TimeoutError:
            pytest.fail(f"no complete answer within {TIMEOUT} s to {raw[:60]!r}")
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def _complete(reply: bytes) -> bool:
    head, _, body = reply.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def status_of(reply: bytes) -> int | None:
    if not reply.startswith(b"HTTP/"):
        return None  # the server closed without answering: a refusal too
    return int(reply.split(b" ", 2)[1])


def request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The raw request; a body gets its true Content-Length unless ``headers`` say otherwise
    (or it is chunked)."""
    if body and "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        headers = {**headers, "Content-Length": str(len(body))}
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BIG = "9" * 5000

MALFORMED = {
    "bad chunk size": request(
        "POST", "/form", {**FORM, "Transfer-Encoding": "chunked"}, b"zz\r\nbody=x\r\n0\r\n\r\n"
    ),
    "chunk without terminator": request(
        "POST", "/form", {**FORM, "Transfer-Encoding": "chunked"}, b"6\r\nbody=xGARBAGE0\r\n\r\n"
    ),
    "invalid utf-8 in a form": request("POST", "/form", FORM, b"body=%ff\xfe"),
    "broken json": request("POST", "/json", {"Content-Type": "application/json"}, b'{"a": [1,'),
    "json of the wrong type": request("POST", "/json", {"Content-Type": "text/plain"}, b"{}"),
    "malformed multipart": request(
        "POST",
        "/upload",
        {"Content-Type": "multipart/form-data; boundary=xyz"},
        b"--xyz\r\nno headers\r\n",
    ),
    "multipart without boundary": request(
        "POST", "/upload", {"Content-Type": "multipart/form-data"}, b"data"
    ),
    "range of thousands of digits": request("GET", "/file", {"Range": f"bytes={BIG}-"}),
    "content-length of thousands of digits": request("POST", "/raw", {"Content-Length": BIG}),
    "negative content-length": request("POST", "/raw", {"Content-Length": "-5"}, b"12345"),
    "if-modified-since of thousands of digits": request(
        "GET", "/file", {"If-Modified-Since": f"Mon, 01 Jan {BIG} 00:00:00 GMT"}
    ),
    "untrusted host": request("GET", "/file", {}).replace(
        b"Host: 127.0.0.1", b"Host: evil.example"
    ),
    "invalid percent-escape": request("GET", "/fi%zzle", {}),
    "unknown method": request("BREW", "/file", {}),
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_request_is_refused_with_a_client_error(server, kind):
    logged_before = len(server.output())
    reply = exchange(server.port, MALFORMED[kind])
    status = status_of(reply)
    if kind == "range of thousands of digits":
        assert status == 416
    elif kind == "if-modified-since of thousands of digits":
        assert status == 200
    else:
        assert status is None or 400 <= status < 500, reply[:200]
    assert "Traceback" not in server.output()[logged_before:]


def test_a_body_cut_short_is_never_accepted(server):
    logged_before = len(server.output())
    before = server.record.read_text() if server.record.exists() else ""
    truncated = request("POST", "/form", {**FORM, "Content-Length": "500"}, b"body=only+half")
    reply = exchange(server.port, truncated, half_close=True)
    status = status_of(reply)
    assert status is None or 400 <= status < 500, reply[:200]
    after = server.record.read_text() if server.record.exists() else ""
    assert after == before  # nothing written
    assert "Traceback" not in server.output()[logged_before:]


def test_a_well_formed_request_still_works(server):
    reply = exchange(server.port, request("POST", "/form", FORM, b"body=whole"))
    assert status_of(reply) == 200
    assert server.record.read_text().splitlines()[-1] == "whole"
