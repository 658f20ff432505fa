"""Fixtures for the server tests; the helpers live in ``live_servers``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from live_servers import Server, start_server, stop_server


class Servers:
    """Starts servers for a test module, each logging to its own file."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.started: list[Server] = []

    def start(self, args: list[str], port: int, cwd: Path, env: dict | None = None) -> Server:
        log = self.tmp_path_factory.mktemp("server") / "output.log"
        server = start_server(args, port, log, cwd, env)
        self.started.append(server)
        return server


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """``servers.start(args, port, cwd, env)``; every server started stops at the module's end."""
    if os.name != "posix":
        pytest.skip("the server tests stop servers through POSIX process groups")
    manager = Servers(tmp_path_factory)
    yield manager
    for server in reversed(manager.started):
        stop_server(server)
