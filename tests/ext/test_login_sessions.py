"""login_user, logout_user, confirm_login, login_fresh, login_remembered and their signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from login_helpers import listen

from flagon import session
from flagon.ext.login import (
    confirm_login,
    current_user,
    login_fresh,
    login_remembered,
    login_user,
    logout_user,
    user_logged_in,
    user_logged_out,
    user_login_confirmed,
)


def test_login_user_sets_the_session_and_current_user(login_app, users):
    with login_app.test_request_context():
        assert login_user(users["1"]) is True
        assert current_user.name == "Notch"
        assert session["_user_id"] == "1"
        assert session["_fresh"] is True
        assert "_id" in session
        assert login_fresh() is True
        assert login_remembered() is False


def test_login_user_not_fresh(login_app, users):
    with login_app.test_request_context():
        login_user(users["1"], fresh=False)
        assert login_fresh() is False


def test_login_user_with_remember_marks_the_session(login_app, users):
    with login_app.test_request_context():
        login_user(users["1"], remember=True, duration=timedelta(hours=7))
        assert session["_remember"] == "set"
        assert session["_remember_seconds"] == 7 * 3600
        assert login_remembered() is True


def test_inactive_users_are_refused(login_app, users):
    with login_app.test_request_context():
        assert login_user(users["3"]) is False
        assert current_user.is_anonymous
        assert "_user_id" not in session


def test_inactive_users_can_be_forced_in(login_app, users):
    with login_app.test_request_context():
        assert login_user(users["3"], force=True) is True
        assert current_user.name == "Creeper"


def test_a_duration_must_be_a_timedelta(login_app, users):
    with login_app.test_request_context():
        with pytest.raises(TypeError, match=r"must be a datetime\.timedelta, instead got: 123"):
            login_user(users["1"], remember=True, duration="123")


def test_login_user_sends_user_logged_in(login_app, users):
    with login_app.test_request_context(), listen(user_logged_in) as heard:
        login_user(users["1"])
    assert heard == [(login_app, {"user": users["1"]})]


def test_logout_user_forgets_the_user(login_app):
    client = login_app.test_client()
    client.get("/login/1")
    with listen(user_logged_out) as heard:
        assert client.get("/logout").text == "bye"
    assert heard[0][1]["user"].name == "Notch"
    assert client.get("/me").text == "anonymous"
    assert client.get("/session").text == ""


def test_logout_without_a_user_still_signals(login_app):
    with login_app.test_request_context(), listen(user_logged_out) as heard:
        assert logout_user() is True
        assert current_user.is_anonymous
    assert heard[0][1]["user"].is_anonymous


def test_confirm_login_makes_the_session_fresh(login_app, users):
    with login_app.test_request_context(), listen(user_login_confirmed) as heard:
        login_user(users["1"], fresh=False)
        confirm_login()
        assert login_fresh() is True
    assert heard == [(login_app, {})]


def test_freshness_over_requests(login_app):
    client = login_app.test_client()
    assert client.get("/fresh").text == "False"
    client.get("/login/1")
    assert client.get("/fresh").text == "True"
    client.delete_cookie("session")
    assert client.get("/fresh").text == "False"


def test_login_without_a_secret_key_says_how_to_fix_it(login_app, users):
    login_app.config["SECRET_KEY"] = None
    with login_app.test_request_context():
        with pytest.raises(RuntimeError, match="secret key"):
            login_user(users["1"])
