"""Logging in and out: passwords, "remember me", `next`, bans and rate limiting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from bbs_helpers import PASSWORD, logged_in_name, login, make_user, submit, token_for
from sqlalchemy import select

from bbs.accounts import ratelimit
from bbs.db import db
from bbs.models import LoginFailure, User, utcnow

pytestmark = pytest.mark.both_protocols


def test_logging_in_goes_home_and_shows_the_user(app, member):
    client = app.test_client()
    response = login(client, "ada")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in_name(client) == "ada"


def test_usernames_match_whatever_their_case(app, member):
    client = app.test_client()
    assert login(client, "ADA").status_code == 302
    assert logged_in_name(client) == "ada"


@pytest.mark.parametrize("username,password", [("ada", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_credentials_get_one_message(app, member, username, password):
    client = app.test_client()
    response = login(client, username, password)
    assert response.status_code == 200
    assert "Wrong username or password." in response.text
    assert logged_in_name(client) is None


def test_sql_injection_in_the_login_form_is_just_a_wrong_username(app, member):
    client = app.test_client()
    response = login(client, "' OR '1'='1' --", "' OR '1'='1")
    assert "Wrong username or password." in response.text
    assert logged_in_name(client) is None
    with app.app_context():
        assert db.session.scalar(select(LoginFailure.account)) == "' or '1'='1' --"
        assert len(db.session.scalars(select(User)).all()) == 1


def test_protected_pages_send_visitors_to_login_and_back(app, member):
    client = app.test_client()
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount%2Fpassword"
    response = login(client, "ada", next="%2Faccount%2Fpassword")
    assert response.headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:/evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        "data:text/html,hi",
    ],
)
def test_next_never_leaves_the_site(app, member, target):
    response = login(app.test_client(), "ada", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_remember_me_keeps_the_user_after_the_browser_closes(app, member):
    client = app.test_client()
    login(client, "ada", remember=True)
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert logged_in_name(client) == "ada"


def test_without_remember_me_closing_the_browser_logs_out(app, member):
    client = app.test_client()
    login(client, "ada")
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert logged_in_name(client) is None


def test_logging_out_forgets_the_remember_cookie(app, member):
    client = app.test_client()
    login(client, "ada", remember=True)
    response = client.post("/logout", data={"csrf_token": token_for(client, "/")})
    assert response.status_code == 302
    assert "You have been logged out." in client.get("/").text
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert logged_in_name(client) is None


def test_banned_users_cannot_log_in(app):
    make_user(app, "troll", banned=True)
    client = app.test_client()
    response = login(client, "troll")
    assert "This account has been banned." in response.text
    assert logged_in_name(client) is None


def test_a_ban_ends_open_sessions(app, member):
    client = app.test_client()
    login(client, "ada", remember=True)
    with app.app_context():
        db.session.get(User, member.id).banned = True
        db.session.commit()
    assert logged_in_name(client) is None
    assert client.get("/account/password").status_code == 302


def test_old_password_hashes_are_upgraded_at_login(app):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, salt_len=8)
    with app.app_context():
        user = User(username="legacy", email="l@example.com", password_hash=weak.hash(PASSWORD))
        db.session.add(user)
        db.session.commit()
        old_hash = user.password_hash
    assert login(app.test_client(), "legacy").status_code == 302
    with app.app_context():
        new_hash = db.session.scalar(select(User.password_hash).where(User.username == "legacy"))
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")


# Rate limiting ------------------------------------------------------------------------------


def _fail(client, username="ada", address="192.0.2.1"):
    return login(client, username, "wrong password", environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_account_for_a_while(app, member):
    client = app.test_client()
    for _ in range(5):
        assert _fail(client).status_code == 200
    # Even the right password is refused now, from anywhere.
    response = login(app.test_client(), "ada", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert response.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in response.text
    assert 'class="site-header"' in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Other accounts are not affected.
    make_user(app, "grace")
    assert login(app.test_client(), "grace").status_code == 302


def test_too_many_failures_from_one_address_lock_it_out(make_app):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    make_user(app, "ada")
    client = app.test_client()
    for name in ("alpha", "beta", "gamma"):
        assert _fail(client, name).status_code == 200
    assert login(client, "ada", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    elsewhere = app.test_client()
    assert login(elsewhere, "ada", environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 302


def test_failures_age_out_of_the_window(app, member):
    with app.app_context():
        long_ago = utcnow() - timedelta(minutes=16)
        db.session.add_all(
            LoginFailure(account="ada", address="192.0.2.1", failed_at=long_ago) for _ in range(10)
        )
        db.session.commit()
    assert login(app.test_client(), "ada").status_code == 302


def test_the_wait_ends_when_the_oldest_counted_failure_leaves_the_window(app, member):
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            LoginFailure(
                account="ada", address=f"192.0.2.{n}", failed_at=now - timedelta(minutes=14 - n)
            )
            for n in range(5)
        )
        db.session.commit()
        wait = ratelimit.seconds_until_allowed("ada", "203.0.113.1")
    assert 55 <= wait <= 61


def test_logging_in_clears_the_account_failures(app, member):
    client = app.test_client()
    for _ in range(4):
        _fail(client)
    assert login(client, "ada").status_code == 302
    with app.app_context():
        assert ratelimit.failure_count("ada") == 0


def test_the_login_form_focuses_its_first_field(client):
    page = client.get("/login").text
    assert re.search(r'<input [^>]*\bautofocus\b[^>]*id="username"', page)
    assert page.count("autofocus") == 1


def test_a_refused_field_names_its_error_and_has_the_focus(client):
    response = submit(client, "/login", {"username": "ada", "password": ""})
    field = re.search(r'<input [^>]*id="password"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="password-error-1"' in field
    assert " autofocus " in field and response.text.count("autofocus") == 1
    assert '<p class="field-error" id="password-error-1">This field is required.</p>' in (
        response.text
    )
    username = re.search(r'<input [^>]*id="username"[^>]*>', response.text).group(0)
    assert "aria-invalid" not in username and "aria-describedby" not in username
