"""The forum under Gunicorn, and over ASGI under granian (on SQLite), meets a member whose
connection drops mid-post and a few malformed requests: each is a client error with no
traceback, and no truncated post is published."""

from __future__ import annotations

import socket
import sys
import urllib.parse

import pytest
from forum_servers import Visitor, form_inputs, forum_environment, gunicorn_args, wait_until_serving
from live_servers import free_port
from sqlalchemy import func, select

from bbs.db import make_engine
from bbs.models import Post

pytestmark = pytest.mark.slow

TIMEOUT = 10.0


def granian_asgi_args(port: int) -> list[str]:
    """granian serving the forum over ASGI, as docs/deploy.md has it (with one worker)."""
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "bbs:create_app"]  # fmt: skip


SERVERS = {
    "gunicorn": lambda port: gunicorn_args(port, workers=2),
    "granian-asgi": granian_asgi_args,
}


@pytest.fixture(scope="module", params=list(SERVERS))
def forum(request, servers, sqlite_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bbs-bad-input")
    port = free_port()
    server = servers.start(
        SERVERS[request.param](port), port, cwd=folder, env=forum_environment(folder, sqlite_url)
    )
    wait_until_serving(Visitor(server.url("")))
    return server


def send(port: int, raw: bytes, half_close: bool = False) -> bytes:
    """Send ``raw``; the answer (b"" when the server just closed); a hang fails the test."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pytest.fail(f"no answer within {TIMEOUT} s")
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def status_of(reply: bytes) -> int | None:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else None


def posts_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Post)).scalar_one()
    finally:
        engine.dispose()


def test_a_post_cut_short_by_a_dropped_connection_is_not_published(forum, sqlite_url):
    member = Visitor(forum.url(""))
    assert member.register(f"halfway{forum.port}").status == 302  # one per server, one database
    token = form_inputs(member.get("/posts/new").text)["csrf_token"]
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in member.cookies)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "title": "A long story", "body": "It began on a dark night, and then"}
    ).encode()
    head = (
        f"POST /posts/new HTTP/1.1\r\nHost: 127.0.0.1:{forum.port}\r\nConnection: close\r\n"
        f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body) + 400}\r\n\r\n"
    ).encode()  # the rest never comes
    before = posts_in(sqlite_url)
    logged_before = len(forum.output())

    status = status_of(send(forum.port, head + body, half_close=True))
    assert status is None or 400 <= status < 500
    assert posts_in(sqlite_url) == before
    assert "Traceback" not in forum.output()[logged_before:]

    # The whole post, sent properly, is published.
    assert (
        member.post(
            "/posts/new",
            {"csrf_token": token, "title": "A long story", "body": "It began on a dark night."},
        ).status
        == 302
    )
    assert posts_in(sqlite_url) == before + 1


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
        b"zz\r\nusername=x\r\n0\r\n\r\n",
        b"GET /static/bbs.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Range: bytes=" + b"9" * 5000 + b"-\r\n\r\n",
        b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\nusername=%ff",
    ],
    ids=["bad chunk size", "range of thousands of digits", "invalid utf-8 in a form"],
)
def test_malformed_requests_to_the_forum_are_client_errors(forum, raw):
    logged_before = len(forum.output())
    status = status_of(send(forum.port, raw))
    expected = 416 if b"Range:" in raw else None
    assert status == expected if expected else (status is None or 400 <= status < 500)
    assert "Traceback" not in forum.output()[logged_before:]
