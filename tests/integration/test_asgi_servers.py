"""The same app served by real servers: over ASGI by uvicorn, granian and hypercorn (HTTP,
WebSockets, the lifespan, `flagon run --server`), and over WSGI by granian."""

from __future__ import annotations

import sys
import typing as t
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from live_servers import APPS, free_port, require_module, stop_server

pytestmark = pytest.mark.slow

TIMEOUT = 10


def uvicorn_args(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "asgi_app:app", "--port", str(port), "--log-level",
            "warning", "--lifespan", "on"]  # fmt: skip


def granian_args(port: int) -> list[str]:
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--port", str(port),
            "--workers", "1", "--log-level", "warning", "asgi_app:app"]  # fmt: skip


def hypercorn_args(port: int) -> list[str]:
    # "asgi:": hypercorn takes an app whose __call__ is not a coroutine function for WSGI.
    # No worker processes ("0"): the server itself serves, and stops on SIGTERM.
    return [sys.executable, "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", "--workers", "0",
            "--log-level", "warning", "asgi:asgi_app:app"]  # fmt: skip


SERVERS = {
    "uvicorn": ("uvicorn", uvicorn_args),
    "granian": ("granian", granian_args),
    "hypercorn": ("hypercorn", hypercorn_args),
}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, servers, tmp_path_factory):
    module, args = SERVERS[request.param]
    require_module(module)
    stopped = tmp_path_factory.mktemp("lifespan") / "stopped"
    port = free_port()
    live = servers.start(args(port), port, cwd=APPS, env={"STOPPED_FILE": str(stopped)})
    live.stopped_file = stopped
    return live


def fetch(
    url: str, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, t.Any, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
        return response.status, response.headers, response.read()


def test_a_sync_view(server):
    status, headers, body = fetch(server.url("/"))
    assert (status, body) == (200, b"Hello, World!")
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_an_async_view_after_the_startup_hook(server):
    assert fetch(server.url("/async?name=ada"))[2] == b"async hello ada (started: True)"


def test_a_body_comes_back_whole(server):
    body = bytes(range(256)) * 4096  # 1 MiB, in many receive() messages
    assert fetch(server.url("/echo"), data=body)[2] == body


def test_a_multipart_upload(server):
    boundary = "b0undary"
    upload = b"x" * 300_000
    data = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nada\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + upload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    assert fetch(server.url("/form"), data=data, headers=headers)[2] == b"ada: 300000 bytes"


def test_a_blocking_sync_view_does_not_hold_up_the_others(server):
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(fetch, server.url("/wait"))
        assert fetch(server.url("/"))[2] == b"Hello, World!"  # served meanwhile
        assert fetch(server.url("/release"))[2] == b"done"
        assert waiting.result(TIMEOUT)[2] == b"released"


def test_a_stream_of_server_sent_events(server):
    _, headers, body = fetch(server.url("/events"))
    assert headers["Content-Type"].startswith("text/event-stream")
    assert body == b"data: tick 0\n\ndata: tick 1\n\ndata: tick 2\n\n"


def session_cookie(server) -> str:
    data = urllib.parse.urlencode({"name": "ada"}).encode()
    _, headers, _ = fetch(server.url("/login"), data=data)
    return headers["Set-Cookie"].split(";")[0]


def test_a_websocket_with_the_session_of_its_cookie(server):
    from websockets.sync.client import connect

    url = server.url("/chat").replace("http://", "ws://")
    cookie = session_cookie(server)
    with connect(url, subprotocols=["chat.v1"], additional_headers={"Cookie": cookie}) as ws:
        assert ws.subprotocol == "chat.v1"
        assert ws.recv(TIMEOUT) == "welcome ada"
        ws.send("hello")
        assert ws.recv(TIMEOUT) == "ada: hello"


def test_a_websocket_refused_by_a_hook(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as refused:
        connect(server.url("/chat").replace("http://", "ws://"), open_timeout=TIMEOUT)
    assert refused.value.response.status_code in (401, 403)  # 403 where the server can't say


def test_the_shutdown_hook_runs_when_the_server_stops(server):
    stop_server(server)
    assert server.stopped_file.read_text() == "stopped"


@pytest.mark.parametrize("name", ["uvicorn", "granian"])
def test_flagon_run_serves_over_asgi(servers, name):
    from live_servers import flagon_command

    require_module(name)
    port = free_port()
    args = [*flagon_command(), "--app", "asgi_app", "run", "--server", name, "--port", str(port)]
    live = servers.start(args, port, cwd=APPS)
    assert fetch(live.url("/async?name=run"))[2] == b"async hello run (started: True)"
    assert fetch(live.url("/"))[2] == b"Hello, World!"


def test_granian_serves_the_same_app_over_wsgi(servers):
    require_module("granian")
    port = free_port()
    args = [sys.executable, "-m", "granian", "--interface", "wsgi", "--port", str(port),
            "--workers", "1", "--log-level", "warning", "asgi_app:app"]  # fmt: skip
    live = servers.start(args, port, cwd=APPS)
    assert fetch(live.url("/"))[2] == b"Hello, World!"
    assert fetch(live.url("/echo"), data=b"over WSGI")[2] == b"over WSGI"
    assert fetch(live.url("/async?name=wsgi"))[2] == b"async hello wsgi (started: False)"
