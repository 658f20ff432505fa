"""Real servers on 127.0.0.1: start them, wait for their port, stop them whatever happens.

A missing tool skips its tests, unless ``FLAGON_REQUIRE_INTEGRATION=1`` (set in CI) turns the
skip into a failure. Every wait has a timeout; servers run in their own process group, so that
stopping one also stops the processes it started (reloaded servers, Gunicorn workers).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent / "apps"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def require_module(name: str) -> None:
    """Skip (or, when integration tests are required, fail) unless ``name`` is importable."""
    if importlib.util.find_spec(name) is not None:
        return
    reason = f"{name} is not installed (pip install -e '.[dev]')"
    if os.environ.get("FLAGON_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"FLAGON_REQUIRE_INTEGRATION=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flagon_command() -> list[str]:
    """The installed ``flagon`` console script, or ``python -m flagon`` without one."""
    script = Path(sys.executable).with_name("flagon")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flagon"]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_server(
    args: list[str], port: int, log: Path, cwd: Path, env: dict | None = None
) -> Server:
    """Start ``args`` and return once ``port`` accepts connections (fail with the log if the
    process exits or the port stays closed)."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            stop_server(server)  # whatever it started
            pytest.fail(f"{args[0]} exited with {process.returncode}:\n{server.output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if time.monotonic() > deadline:
                stop_server(server)
                pytest.fail(f"port {port} did not open in {START_TIMEOUT} s:\n{server.output()}")
            time.sleep(0.05)


def stop_server(server: Server) -> None:
    """Terminate the server's process group; kill it if it does not stop in time."""
    process = server.process
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass  # the whole group is already gone
        try:
            process.wait(STOP_TIMEOUT)
            if sig == signal.SIGTERM:
                # The leader is gone; make sure nothing it started lingers.
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return
        except subprocess.TimeoutExpired:
            continue
