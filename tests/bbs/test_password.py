"""Changing the password, and logging out everywhere: old sessions and remember cookies end."""

from __future__ import annotations

from bbs_helpers import PASSWORD, logged_in_name, login, submit, token_for
from sqlalchemy import select

from bbs.db import db
from bbs.models import User

NEW_PASSWORD = "a brand new passphrase"


def _change(client, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return submit(
        client,
        "/account/password",
        {"old_password": old, "password": new, "confirm": confirm or new},
    )


def _remember_token(app, user_id):
    with app.app_context():
        return db.session.scalar(select(User.remember_token).where(User.id == user_id))


def test_changing_the_password(app, member):
    client = app.test_client()
    login(client, "ada")
    response = _change(client)
    assert response.status_code == 302
    assert "Your password has been changed." in client.get("/").text
    assert logged_in_name(client) == "ada"  # this device stays logged in
    assert login(app.test_client(), "ada", PASSWORD).status_code == 200
    assert login(app.test_client(), "ada", NEW_PASSWORD).status_code == 302


def test_the_current_password_is_required(app, member):
    client = app.test_client()
    login(client, "ada")
    before = _remember_token(app, member.id)
    response = _change(client, old="not my password")
    assert response.status_code == 200
    assert "This is not your current password." in response.text
    assert _remember_token(app, member.id) == before
    assert login(app.test_client(), "ada", PASSWORD).status_code == 302


def test_weak_new_passwords_are_refused(app, member):
    client = app.test_client()
    login(client, "ada")
    assert "too easy" in _change(client, new="12345678").text
    assert "username" in _change(client, new="ada-forever-and-ever").text
    assert "don&#39;t match" in _change(client, confirm="something else entirely").text


def test_a_new_password_logs_out_other_devices(app, member):
    remembered = app.test_client()
    login(remembered, "ada", remember=True)
    other_session = app.test_client()
    login(other_session, "ada")
    here = app.test_client()
    login(here, "ada", remember=True)

    _change(here)

    remembered.delete_cookie("session")  # the browser was closed: only the cookie is left
    assert logged_in_name(remembered) is None
    assert logged_in_name(other_session) is None
    assert logged_in_name(here) == "ada"
    here.delete_cookie("session")
    assert logged_in_name(here) == "ada"  # this device's remember cookie was renewed


def test_the_remember_token_is_rotated(app, member):
    client = app.test_client()
    login(client, "ada")
    before = _remember_token(app, member.id)
    _change(client)
    assert _remember_token(app, member.id) != before


def test_logging_out_everywhere(app, member):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "ada", remember=True)
    login(laptop, "ada", remember=True)
    response = laptop.post(
        "/account/logout-everywhere", data={"csrf_token": token_for(laptop, "/")}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert logged_in_name(laptop) is None
    assert logged_in_name(phone) is None
    phone.delete_cookie("session")
    assert logged_in_name(phone) is None


def test_logging_out_everywhere_needs_a_login_and_a_token(app, member_client):
    anonymous = app.test_client()
    response = anonymous.post(
        "/account/logout-everywhere", data={"csrf_token": token_for(anonymous, "/login")}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert member_client.post("/account/logout-everywhere").status_code == 400
    assert logged_in_name(member_client) == "ada"
