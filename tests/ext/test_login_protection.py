"""Session protection: a session used from another client is made stale ("basic") or dropped
("strong"), except for a user who just came back through their remember cookie."""

from __future__ import annotations

import hashlib

import pytest
from login_helpers import drop_session, listen

from flagon import session
from flagon.ext.login import session_protected
from flagon.ext.login.manager import create_identifier

ELSEWHERE = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}


@pytest.fixture
def strong(login_app, manager):
    manager.session_protection = "strong"
    return login_app


def test_the_identifier_digests_address_and_user_agent(login_app):
    environ = {"REMOTE_ADDR": "192.0.2.1", "HTTP_USER_AGENT": "Browser/1.0"}
    with login_app.test_request_context(environ_base=environ):
        assert create_identifier() == hashlib.sha512(b"192.0.2.1|Browser/1.0").hexdigest()


def test_basic_protection_makes_a_moved_session_stale(login_app):
    client = login_app.test_client()
    client.get("/login/1")
    with listen(session_protected) as heard:
        assert client.get("/me", **ELSEWHERE).text == "Notch"
    assert heard == [(login_app, {})]
    assert client.get("/fresh").text == "False"
    assert client.get("/sensitive").status_code == 401


def test_a_new_user_agent_counts_as_another_client(login_app):
    client = login_app.test_client()
    client.get("/login/1")
    client.get("/me", headers={"User-Agent": "Another/2.0"})
    assert client.get("/fresh").text == "False"


def test_a_forwarded_for_header_cannot_fake_the_client(strong):
    client = strong.test_client()
    client.get("/login/1")
    with listen(session_protected) as heard:
        assert client.get("/me", headers={"X-Forwarded-For": "198.51.100.7"}).text == "Notch"
    assert heard == []


def test_strong_protection_logs_a_moved_session_out(strong):
    client = strong.test_client()
    client.get("/login/1?remember")
    with listen(session_protected) as heard:
        response = client.get("/me", **ELSEWHERE)
    assert response.text == "anonymous"
    assert len(heard) == 1
    # The session keys and the remember cookie are gone, for the original client as well.
    assert any(h.startswith("remember_token=;") for h in response.headers.getlist("Set-Cookie"))
    assert client.get("/me").text == "anonymous"
    assert client.get("/session").text == ""


def test_strong_protection_treats_permanent_sessions_as_basic(strong, users):
    @strong.route("/login-permanent")
    def login_permanent():
        from flagon.ext.login import login_user

        session.permanent = True
        login_user(users["1"])
        return "ok"

    client = strong.test_client()
    client.get("/login-permanent")
    assert client.get("/me", **ELSEWHERE).text == "Notch"
    assert client.get("/fresh").text == "False"


def test_the_config_setting_wins_over_the_manager(login_app, manager):
    manager.session_protection = "strong"
    login_app.config["SESSION_PROTECTION"] = None
    client = login_app.test_client()
    client.get("/login/1")
    assert client.get("/me", **ELSEWHERE).text == "Notch"
    assert client.get("/fresh").text == "True"

    manager.session_protection = None
    login_app.config["SESSION_PROTECTION"] = "strong"
    assert client.get("/me", **ELSEWHERE).text == "anonymous"


def test_no_protection_when_disabled(login_app, manager):
    manager.session_protection = None
    client = login_app.test_client()
    client.get("/login/1")
    with listen(session_protected) as heard:
        assert client.get("/me", **ELSEWHERE).text == "Notch"
    assert heard == []
    assert client.get("/fresh").text == "True"


def test_anonymous_sessions_are_left_alone(strong):
    @strong.route("/note")
    def note():
        session["note"] = "kept"
        return "ok"

    @strong.route("/read-note")
    def read_note():
        return session.get("note", "lost")

    client = strong.test_client()
    client.get("/note")
    with listen(session_protected) as heard:
        assert client.get("/me", **ELSEWHERE).text == "anonymous"
    assert heard == []
    assert client.get("/read-note", **ELSEWHERE).text == "kept"


def test_a_session_without_an_identifier_gets_one(strong):
    client = strong.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = "1"
    assert client.get("/me").text == "Notch"
    with client.session_transaction() as sess:
        assert (
            sess["_id"]
            == hashlib.sha512(
                f"127.0.0.1|{client.environ_base['HTTP_USER_AGENT']}".encode()
            ).hexdigest()
        )
    assert client.get("/me", **ELSEWHERE).text == "anonymous"


def test_strong_protection_keeps_users_back_through_their_remember_cookie(strong):
    client = strong.test_client()
    client.get("/login/1?remember")
    drop_session(client)
    for _ in range(3):
        assert client.get("/me").text == "Notch"
    assert client.get_cookie("remember_token") is not None
    assert client.get("/secret").status_code == 200
