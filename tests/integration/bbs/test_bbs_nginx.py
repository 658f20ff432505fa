"""The forum behind Nginx, as deployed: Gunicorn (deploy/gunicorn.conf.py, three workers) on a
loopback port, Nginx with deploy/nginx/bbs-proxy.conf in front, the app trusting one proxy."""

from __future__ import annotations

import sqlite3
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from forum_servers import (
    Visitor,
    forum_environment,
    gunicorn_args,
    nginx_config,
    require_program,
    wait_until_serving,
)
from live_servers import free_port

pytestmark = pytest.mark.slow

ROUNDS = 5  # at most, of concurrent page views, to see several workers serve one visitor


@pytest.fixture(scope="module")
def gunicorn(servers, sqlite_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bbs-gunicorn")
    port = free_port()
    env = forum_environment(folder, sqlite_url, BBS_PROXY_FIX="1")
    server = servers.start(
        gunicorn_args(port, workers=3, access_log=folder / "access.log"), port, cwd=folder, env=env
    )
    server.access_log = folder / "access.log"
    return server


@pytest.fixture(scope="module")
def nginx(servers, gunicorn, tmp_path_factory):
    program = require_program("nginx", "nginx")
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix, port, gunicorn.port))
    server = servers.start(
        [program, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
        port,
        cwd=prefix,
    )
    wait_until_serving(Visitor(server.url("")))
    return server


@pytest.fixture
def visitor(nginx):
    return Visitor(nginx.url(""))


def test_the_login_redirect_names_the_public_host_and_port(nginx, gunicorn, visitor):
    public = f"127.0.0.1:{nginx.port}"
    for headers in (
        {},
        {"X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "1", "X-Forwarded-Proto": "https"},
    ):
        reply = visitor.get("/posts/new", headers=headers)
        assert reply.status == 302
        location = reply.headers["Location"]
        assert str(gunicorn.port) not in location
        target = urllib.parse.urlsplit(urllib.parse.urljoin(f"http://{public}/posts/new", location))
        assert (target.scheme, target.netloc, target.path) == ("http", public, "/login")
        assert urllib.parse.parse_qs(target.query)["next"] == ["/posts/new"]


def test_absolute_links_name_the_public_address(nginx, gunicorn, visitor):
    feed = visitor.get("/feed.atom", headers={"X-Forwarded-Host": "evil.example"})
    assert feed.status == 200
    assert f"http://127.0.0.1:{nginx.port}/" in feed.text
    assert f":{gunicorn.port}" not in feed.text and "evil.example" not in feed.text


def test_the_app_sees_the_visitors_address_not_one_they_claim(nginx, sqlite_url):
    # Nginx reaches Gunicorn from 127.0.0.1; this visitor comes from 127.0.0.2.
    visitor = Visitor(nginx.url(""), address="127.0.0.2")
    wrong = {"username": "nobody-here", "password": "not the password"}
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}
    for headers in ({}, forged):
        reply = visitor.submit("/login", "/login", wrong, headers=headers)
        assert reply.status == 200 and "Wrong username or password." in reply.text
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=10) as database:
        addresses = database.execute(
            "SELECT address FROM login_failures WHERE account = 'nobody-here'"
        ).fetchall()
    assert addresses == [("127.0.0.2",), ("127.0.0.2",)]


def test_a_session_works_across_workers(nginx, gunicorn, visitor):
    assert visitor.register("traveller").status == 302
    assert visitor.username() == "traveller"

    def view(number):
        page = visitor.get(f"/?probe={number}")
        return page.status, 'class="nav-username">traveller<' in page.text

    pids: set[str] = set()
    for round_ in range(ROUNDS):
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(view, range(round_ * 18, round_ * 18 + 18)))
        assert results == [(200, True)] * 18  # logged in, whichever worker answered
        pids = {
            line.split()[0]
            for line in gunicorn.access_log.read_text().splitlines()
            if "probe=" in line
        }
        if len(pids) > 1:
            break
    assert len(pids) > 1, "every page view went to one worker"
