"""CSRF: every state-changing request needs a valid token; without one, 400 and nothing changes."""

from __future__ import annotations

import pytest
from bbs_helpers import PASSWORD, csrf_token, logged_in_name, solve_captcha, token_for
from sqlalchemy import func, select

from bbs.db import db
from bbs.models import LoginFailure, User

pytestmark = pytest.mark.both_protocols


def _users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def _registration(client, **changes):
    page = client.get("/register").text
    data = {
        "csrf_token": csrf_token(page),
        "username": "mallory",
        "email": "m@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "captcha": solve_captcha(page),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("token", [None, "", "garbage", "20990101000000##deadbeef", "##"])
def test_registration_without_a_valid_token_is_refused(app, client, token):
    data = _registration(client)
    if token is None:
        del data["csrf_token"]
    else:
        data["csrf_token"] = token
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert 'class="site-header"' in response.text  # the site's own error page
    assert _users(app) == 0


def test_a_token_from_another_session_is_refused(app, client):
    stolen = token_for(app.test_client(), "/register")
    data = _registration(client, csrf_token=stolen)
    assert client.post("/register", data=data).status_code == 400
    # A session that never had a token at all: refused too, not a server error.
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"csrf_token": stolen, "username": "x", "password": "y"}
        ).status_code
        == 400
    )
    assert _users(app) == 0


def test_an_expired_token_is_refused(make_app):
    from datetime import timedelta

    app = make_app(CSRF_TIME_LIMIT=timedelta(seconds=-1))
    client = app.test_client()
    assert client.post("/register", data=_registration(client)).status_code == 400
    assert _users(app) == 0


def test_the_token_may_come_in_a_header(app, member):
    client = app.test_client()
    token = token_for(client)
    response = client.post(
        "/login", data={"username": "ada", "password": PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 302
    assert logged_in_name(client) == "ada"


def test_failed_logins_are_not_even_counted_without_a_token(app, member):
    client = app.test_client()
    response = client.post("/login", data={"username": "ada", "password": "wrong"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_logout_needs_a_post_with_a_token(member_client):
    assert member_client.get("/logout").status_code == 405
    assert member_client.post("/logout").status_code == 400
    assert logged_in_name(member_client) == "ada"
    token = token_for(member_client, "/")
    assert member_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert logged_in_name(member_client) is None


def test_unknown_urls_answer_404_not_400(client):
    assert client.post("/no-such-page").status_code == 404


def test_every_form_carries_a_token(client, member_client):
    for page in ("/login", "/register"):
        assert csrf_token(client.get(page).text)
    assert csrf_token(member_client.get("/account/password").text)
