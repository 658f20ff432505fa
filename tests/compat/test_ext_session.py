"""Flask-Session on flagon: server-side sessions in a cachelib ``FileSystemCache`` (the quick-start's
backend) and in a Flask-SQLAlchemy table, in temporary directories. The data is kept across
requests, the cookie holds only the session id, ``session.clear()`` deletes the stored session and
the cookie, permanent sessions last ``PERMANENT_SESSION_LIFETIME`` on the server and in the
cookie, ids are regenerated, unknown ids aren't adopted, and expired SQL rows are cleaned up."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from cachelib.file import FileSystemCache
from flask import Flask, session
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

LIFETIME = timedelta(minutes=5)


def add_views(app: Flask) -> None:
    @app.route("/set/")
    def set():
        session["key"] = "value"
        return "ok"

    @app.route("/get/")
    def get():
        return session.get("key", "not set")

    @app.route("/count/")
    def count():
        session["count"] = session.get("count", 0) + 1
        session["history"] = [*session.get("history", []), session["count"]]
        return str(session["count"])

    @app.route("/clear/")
    def clear():
        session.clear()
        return "cleared"

    @app.route("/regenerate/")
    def regenerate():
        app.session_interface.regenerate(session)
        return "regenerated"

    @app.route("/plain/")
    def plain():
        return "no session here"


@pytest.fixture
def cache(tmp_path):
    return FileSystemCache(cache_dir=str(tmp_path / "sessions"), threshold=500)


@pytest.fixture
def app(cache):
    app = Flask(__name__)
    app.config.update(
        SESSION_TYPE="cachelib",
        SESSION_SERIALIZATION_FORMAT="json",
        SESSION_CACHELIB=cache,
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
    Session(app)
    add_views(app)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def sid_of(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_data_is_kept_across_requests(client):
    assert client.get("/get/").text == "not set"
    assert client.get("/set/").text == "ok"
    assert client.get("/get/").text == "value"
    assert [client.get("/count/").text for _ in range(3)] == ["1", "2", "3"]
    assert client.get("/get/").text == "value"


def test_the_cookie_holds_only_the_session_id(client, cache):
    response = client.get("/set/")
    assert "Cookie" in response.vary
    sid = sid_of(client)
    # secrets.token_urlsafe(32): 43 URL-safe characters, no data.
    assert len(sid) == 43
    assert "value" not in response.headers["Set-Cookie"]
    assert cache.get(f"session:{sid}") == {"key": "value", "_permanent": True}


def test_another_client_gets_its_own_session(app, client):
    client.get("/set/")
    other = app.test_client()
    assert other.get("/get/").text == "not set"
    assert client.get("/get/").text == "value"


def spy_on_writes(cache, monkeypatch) -> list[tuple[str, int]]:
    """The (key, timeout) of each session the cache stores."""
    writes = []
    real_set = cache.set

    def set(key, value, timeout=None, **kwargs):
        if key.startswith("session:"):
            writes.append((key, timeout))
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", set)
    return writes


def test_an_unchanged_session_is_not_written_again(app, client, cache, monkeypatch):
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client.get("/set/")
    writes = spy_on_writes(cache, monkeypatch)
    response = client.get("/get/")
    assert response.text == "value"
    assert "Set-Cookie" not in response.headers
    assert writes == []
    client.get("/count/")
    assert writes == [(f"session:{sid_of(client)}", 300)]


def test_a_request_reading_the_session_refreshes_it(client, cache, monkeypatch):
    # SESSION_REFRESH_EACH_REQUEST (the default): the stored session and the cookie get a new
    # lifetime from each request that uses the session.
    client.get("/set/")
    writes = spy_on_writes(cache, monkeypatch)
    response = client.get("/get/")
    assert response.text == "value"
    assert writes == [(f"session:{sid_of(client)}", 300)]
    assert "Expires=" in response.headers["Set-Cookie"]


def test_clear_deletes_the_stored_session_and_the_cookie(client, cache):
    client.get("/set/")
    sid = sid_of(client)
    response = client.get("/clear/")
    assert response.text == "cleared"
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("session=;")
    assert "Max-Age=0" in set_cookie
    assert cache.get(f"session:{sid}") is None
    assert client.get_cookie("session") is None
    assert client.get("/get/").text == "not set"


def test_permanent_session_lifetime(client, cache, monkeypatch):
    writes = spy_on_writes(cache, monkeypatch)
    before = datetime.now(UTC)
    response = client.get("/set/")
    # Stored for the lifetime, and the cookie expires with it.
    assert writes == [(f"session:{sid_of(client)}", 300)]
    cookie = client.get_cookie("session")
    expires = cookie.expires
    assert (
        before + LIFETIME - timedelta(seconds=2)
        <= expires
        <= before + LIFETIME + timedelta(seconds=2)
    )
    assert "Expires=" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_non_permanent_session_cookie_ends_with_the_browser(cache):
    app = Flask(__name__)
    app.config.update(SESSION_TYPE="cachelib", SESSION_CACHELIB=cache, SESSION_PERMANENT=False)
    Session(app)
    add_views(app)
    client = app.test_client()
    response = client.get("/set/")
    assert "Expires" not in response.headers["Set-Cookie"]
    assert client.get("/get/").text == "value"
    assert cache.get(f"session:{sid_of(client)}") == {"key": "value"}


def test_an_unknown_session_id_is_not_adopted(client, cache):
    client.set_cookie("session", "made-up-by-the-client")
    assert client.get("/set/").text == "ok"
    sid = sid_of(client)
    assert sid != "made-up-by-the-client"
    assert cache.get("session:made-up-by-the-client") is None
    assert cache.get(f"session:{sid}") == {"key": "value", "_permanent": True}


def test_regenerate_moves_the_session_to_a_new_id(client, cache):
    client.get("/set/")
    old = sid_of(client)
    client.get("/regenerate/")
    new = sid_of(client)
    assert new != old
    assert cache.get(f"session:{old}") is None
    assert cache.get(f"session:{new}") == {"key": "value", "_permanent": True}
    assert client.get("/get/").text == "value"


def test_a_view_that_does_not_use_the_session_sets_no_cookie(client):
    response = client.get("/plain/")
    assert response.text == "no session here"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


@pytest.fixture
def sql_app(tmp_path):
    database = tmp_path / "sessions.db"
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        SESSION_TYPE="sqlalchemy",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
    db = SQLAlchemy(app)
    app.config["SESSION_SQLALCHEMY"] = db
    Session(app)
    add_views(app)
    app.database = database
    return app


def rows(database):
    with sqlite3.connect(database) as connection:
        return connection.execute("select session_id, data, expiry from sessions").fetchall()


def test_sqlalchemy_backend(sql_app):
    client = sql_app.test_client()
    before = datetime.now(UTC).replace(tzinfo=None)
    assert client.get("/set/").text == "ok"
    assert [client.get("/count/").text for _ in range(2)] == ["1", "2"]
    assert client.get("/get/").text == "value"

    sid = sid_of(client)
    [(session_id, data, expiry)] = rows(sql_app.database)
    assert session_id == f"session:{sid}"
    assert msgspec.msgpack.decode(data) == {
        "key": "value",
        "_permanent": True,
        "count": 2,
        "history": [1, 2],
    }
    expiry = datetime.fromisoformat(expiry)
    assert (
        before + LIFETIME - timedelta(seconds=2)
        <= expiry
        <= before + LIFETIME + timedelta(seconds=5)
    )

    assert client.get("/clear/").text == "cleared"
    assert rows(sql_app.database) == []
    assert client.get("/get/").text == "not set"


def test_sqlalchemy_expired_sessions(sql_app):
    client = sql_app.test_client()
    client.get("/set/")
    other = sql_app.test_client()
    other.get("/set/")
    with sqlite3.connect(sql_app.database) as connection:
        connection.execute(
            "update sessions set expiry = ? where session_id = ?",
            (
                (datetime.utcnow() - timedelta(minutes=1)).isoformat(" "),
                f"session:{sid_of(client)}",
            ),
        )
    # An expired session is gone when its id comes back...
    assert client.get("/get/").text == "not set"
    assert len(rows(sql_app.database)) == 1

    # ...and the cleanup command Flask-Session adds to the app's CLI deletes the others.
    with sqlite3.connect(sql_app.database) as connection:
        connection.execute(
            "update sessions set expiry = ?",
            ((datetime.utcnow() - timedelta(minutes=1)).isoformat(" "),),
        )
    result = sql_app.test_cli_runner().invoke(args=["session_cleanup"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert rows(sql_app.database) == []
