"""``flagon run --reload``: editing a project file restarts the server with the new code."""

from __future__ import annotations

import textwrap
import time
import urllib.error
import urllib.request

import pytest
from live_servers import flagon_command, free_port, require_module

pytestmark = pytest.mark.slow

APP = """
from flagon import Flagon
import answers

app = Flagon(__name__)

@app.route("/")
def index():
    return answers.ANSWER
"""


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def wait_for(url: str, expected: str, server, timeout: float = 20.0) -> tuple[int, str]:
    """Poll ``url`` until its body contains ``expected``; fail with the server log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = fetch(url)
        if expected in body:
            return status, body
        if time.monotonic() > deadline:
            pytest.fail(f"still {status} {body!r} after {timeout} s:\n{server.output()}")
        time.sleep(0.1)


def test_editing_a_module_restarts_the_server(servers, tmp_path):
    require_module("watchfiles")
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    answers = tmp_path / "answers.py"
    answers.write_text('ANSWER = "first version"\n')
    port = free_port()
    args = [*flagon_command(), "--app", "app", "run", "--port", str(port), "--reload"]
    server = servers.start(args, port, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}/"
    assert fetch(url) == (200, "first version")

    # Each edit changes the file's size, so no stale bytecode can hide it.
    answers.write_text('ANSWER = "the second version"\n')
    assert wait_for(url, "the second version", server) == (200, "the second version")

    # A broken edit: the server stays up and says why; fixing the file brings the app back.
    answers.write_text("ANSWER = (\n")
    status, body = wait_for(url, "failed to load", server)
    assert status == 500 and "SyntaxError" in body
    answers.write_text('ANSWER = "repaired, third version"\n')
    wait_for(url, "repaired, third version", server)

    log = server.output()
    assert "Detected a change in answers.py, reloading" in log
    assert log.count(f"Running on http://127.0.0.1:{port}") == 1  # printed once, not per restart
