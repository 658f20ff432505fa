"""PostgreSQL goes away under a running forum (Gunicorn, two workers) and comes back: pages are
503 with Retry-After meanwhile, the log has one line per outage instead of a traceback per
request, and the forum serves again without a restart."""

from __future__ import annotations

import time

import pytest
from forum_servers import Visitor, forum_environment, gunicorn_args, wait_until_serving
from live_servers import free_port

pytestmark = pytest.mark.slow

RECOVERY_TIMEOUT = 30.0


def test_the_forum_answers_503_during_a_database_outage_and_recovers(postgres, servers, tmp_path):
    port = free_port()
    server = servers.start(
        gunicorn_args(port, workers=2),
        port,
        cwd=tmp_path,
        env=forum_environment(tmp_path, postgres.app_url),
    )
    visitor = Visitor(server.url(""))
    wait_until_serving(visitor)

    postgres.cluster.pause()
    try:
        replies = [visitor.get("/") for _ in range(40)]
    finally:
        postgres.cluster.resume()
    assert {reply.status for reply in replies} == {503}
    assert {reply.headers["Retry-After"] for reply in replies} == {"30"}

    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while visitor.get("/").status != 200:
        assert time.monotonic() < deadline, "the forum did not recover"
        time.sleep(0.2)
    # Each worker that saw the outage logs its end at its own next request, which may come
    # after the other worker's first 200: ask on until one has.
    while "Database available again" not in server.output():
        assert time.monotonic() < deadline, "no worker logged the end of the outage"
        assert visitor.get("/").status == 200
        time.sleep(0.05)

    log = server.output()
    assert "Traceback" not in log
    # One line when the outage began, in each worker that saw it; one when it ended.
    assert 1 <= log.count("Database unavailable") <= 2
    assert 1 <= log.count("Database available again") <= 2
