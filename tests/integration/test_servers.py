"""The apps served for real: waitress through ``flagon run``, Gunicorn with an app factory."""

from __future__ import annotations

import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from live_servers import APPS, EXAMPLES, flagon_command, free_port, require_module

pytestmark = pytest.mark.slow

TIMEOUT = 10  # seconds, for every request


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def hello(servers):
    """examples/hello.py under waitress, started the way a user would."""
    require_module("waitress")
    port = free_port()
    args = [*flagon_command(), "--app", str(EXAMPLES / "hello.py"), "run", "--port", str(port)]
    return servers.start(args, port, cwd=EXAMPLES)


@pytest.fixture(scope="module")
def gate_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("gates")


@pytest.fixture(scope="module")
def waitress_demo(servers, gate_dir):
    require_module("waitress")
    port = free_port()
    args = [*flagon_command(), "--app", "demo:create_app()", "run", "--port", str(port)]
    return servers.start(args, port, cwd=APPS, env={"DEMO_GATE_DIR": str(gate_dir)})


@pytest.fixture(scope="module")
def gunicorn_demo(servers, gate_dir):
    require_module("gunicorn")
    port = free_port()
    args = [
        sys.executable, "-m", "gunicorn", "demo:create_app()",
        "--workers", "3", "--bind", f"127.0.0.1:{port}", "--chdir", str(APPS),
        "--graceful-timeout", "2",
    ]  # fmt: skip
    return servers.start(args, port, cwd=APPS, env={"DEMO_GATE_DIR": str(gate_dir)})


@pytest.fixture(params=["waitress", "gunicorn"])
def demo(request):
    return request.getfixturevalue(f"{request.param}_demo")


def test_flagon_run_serves_the_example_app(hello):
    assert get(hello.url("/hello/server"))[2] == b"Hello, server!"
    status, headers, body = get(hello.url("/add/2/3"))
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["sum"] == 5
    status, _, body = get(hello.url("/nowhere"))
    assert status == 404 and b"Nothing at /nowhere" in body
    assert f"Running on http://127.0.0.1:{hello.port}" in hello.output()


def test_the_session_cookie_is_read_by_every_worker(demo, request):
    body = urllib.parse.urlencode({"x": "across workers"}).encode()
    post = urllib.request.Request(demo.url("/session"), data=body, method="POST")
    with urllib.request.urlopen(post, timeout=TIMEOUT) as response:
        cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie

    # Concurrent slow requests keep workers busy, so that several of them answer.
    headers = {"Cookie": cookie.split(";", 1)[0]}

    def read_session(_):
        status, _, payload = get(demo.url("/session?wait=0.2"), headers)
        assert status == 200
        return json.loads(payload)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(read_session, range(6)))
    assert {answer["x"] for answer in answers} == {"across workers"}
    if request.node.callspec.params["demo"] == "gunicorn":
        assert len({answer["pid"] for answer in answers}) > 1


def test_a_streamed_response_arrives_in_pieces(demo, gate_dir):
    token = f"gate{demo.port}"
    connection = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=TIMEOUT)
    try:
        connection.request("GET", f"/stream/{token}")
        response = connection.getresponse()
        assert response.status == 200
        # The view is still waiting for the gate: this line can only have come early.
        assert response.readline() == b"first chunk\n"
        (gate_dir / token).touch()
        assert response.read() == b"released\nchunk 0\nchunk 1\nchunk 2\n"
    finally:
        connection.close()


def test_a_download_honours_range(demo):
    status, headers, body = get(demo.url("/download"))
    assert status == 200 and len(body) == 1000
    assert headers["Content-Disposition"] == "attachment; filename=numbers.txt"
    assert headers["Accept-Ranges"] == "bytes"

    status, headers, body = get(demo.url("/download"), {"Range": "bytes=10-19"})
    assert (status, body) == (206, b"0123456789")
    assert headers["Content-Range"] == "bytes 10-19/1000"

    status, headers, _ = get(demo.url("/download"), {"Range": "bytes=5000-"})
    assert status == 416 and headers["Content-Range"] == "bytes */1000"
