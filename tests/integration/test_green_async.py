"""``async def`` views under greenlet servers (Gunicorn's gevent worker, eventlet's server):
overlapping requests all succeed, each seeing its own request and ``g``."""

from __future__ import annotations

import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from live_servers import APPS, free_port, require_module

pytestmark = pytest.mark.slow

REQUESTS = 120


def _overlapping_requests(port: int) -> list[object]:
    def ask(n: int) -> object:
        url = f"http://127.0.0.1:{port}/wait?n={n}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())
        except Exception as error:  # reported in the assertion below
            return f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(30) as pool:
        return list(pool.map(ask, range(REQUESTS)))


def _assert_each_saw_its_own(answers: list[object]) -> None:
    wrong = [
        (n, answer) for n, answer in enumerate(answers) if answer != {"n": str(n), "g": str(n)}
    ]
    assert not wrong, f"{len(wrong)} of {REQUESTS} wrong, e.g. {wrong[:3]}"


def test_async_views_under_gunicorns_gevent_worker(servers):
    require_module("gunicorn")
    require_module("gevent")
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        "gevent",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "green_async:app",
    ]
    server = servers.start(args, port, cwd=APPS)
    _assert_each_saw_its_own(_overlapping_requests(port))
    assert "Traceback" not in server.output()


def test_async_views_under_eventlets_server(servers):
    require_module("eventlet")
    port = free_port()
    server = servers.start([sys.executable, "green_eventlet.py", str(port)], port, cwd=APPS)
    _assert_each_saw_its_own(_overlapping_requests(port))
    assert "Traceback" not in server.output()
