"""Registering: the form, its checks, and the captcha kept in each visitor's session (B6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bbs_helpers import (
    PASSWORD,
    csrf_token,
    form_inputs,
    logged_in_name,
    make_user,
    register,
    solve_captcha,
)
from sqlalchemy import select

from bbs.accounts.captcha import SESSION_KEY
from bbs.db import db
from bbs.models import User

pytestmark = pytest.mark.both_protocols


def _user(app, name):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == name))


def test_registering_creates_a_member_and_logs_them_in(app, client):
    response = register(client, username="newcomer", email="new@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").text
    assert "Welcome, newcomer!" in page
    assert logged_in_name(client) == "newcomer"
    user = _user(app, "newcomer")
    assert user.role == "member" and not user.banned
    assert user.email == "new@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_the_session_keeps_a_digest_of_the_answer_not_the_answer(client):
    page = client.get("/register").text
    answer = solve_captcha(page)
    with client.session_transaction() as session:
        stored = session[SESSION_KEY]
    assert set(stored) == {"nonce", "digest", "expires"}
    assert answer not in {str(value) for value in stored.values()}


def test_each_page_view_asks_a_new_question(client):
    nonces = set()
    for _ in range(3):
        client.get("/register")
        with client.session_transaction() as session:
            nonces.add(session[SESSION_KEY]["nonce"])
    assert len(nonces) == 3


def test_visitors_each_answer_their_own_question(app):
    # The seed's bug: one global captcha, replaced by every page view, refused everybody but
    # the last visitor. Here two visitors open the page, then both answer.
    alice, bob = app.test_client(), app.test_client()
    alice_page = alice.get("/register").text
    bob_page = bob.get("/register").text

    def answer(client, page, name):
        return client.post(
            "/register",
            data={
                "csrf_token": csrf_token(page),
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "captcha": solve_captcha(page),
            },
        )

    assert answer(alice, alice_page, "alice").status_code == 302
    assert answer(bob, bob_page, "bob").status_code == 302
    assert _user(app, "alice") and _user(app, "bob")


def _wrong(answer):
    return str(int(answer) + 1)


def test_a_wrong_answer_is_refused_with_a_new_question(app, client):
    page = client.get("/register").text
    response = client.post(
        "/register",
        data={
            "csrf_token": csrf_token(page),
            "username": "guesser",
            "email": "g@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "captcha": _wrong(solve_captcha(page)),
        },
    )
    assert response.status_code == 200
    assert "That is not the answer" in response.text
    assert 'class="captcha-question"' in response.text
    assert _user(app, "guesser") is None


def test_an_answer_is_used_once(client):
    assert register(client, username="first").status_code == 302
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


@pytest.mark.parametrize("answer", ["", "abc", "1e3", "--5", "99999999", "１２"])
def test_malformed_answers_are_refused(app, client, answer):
    response = register(client, username="odd", captcha=answer)
    assert response.status_code == 200
    assert _user(app, "odd") is None


def test_an_expired_question_is_refused(make_app):
    app = make_app(CAPTCHA_TIME_LIMIT=timedelta(seconds=-1))
    client = app.test_client()
    response = register(client, username="slowpoke")
    assert "That is not the answer" in response.text
    assert _user(app, "slowpoke") is None


def test_a_question_never_asked_is_refused(app, client):
    login_page = client.get("/login").text  # a session with a CSRF token but no question
    response = client.post(
        "/register",
        data={
            "csrf_token": csrf_token(login_page),
            "username": "bot",
            "email": "b@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "captcha": "7",
        },
    )
    assert "That is not the answer" in response.text
    assert _user(app, "bot") is None


def test_usernames_are_taken_whatever_their_case(app, client):
    make_user(app, "ada")
    response = register(client, username="ADA")
    assert "This username is taken." in response.text
    assert _user(app, "ADA") is None


@pytest.mark.parametrize(
    "username",
    [
        "<script>alert(1)</script>",
        "ab",
        "a" * 33,
        "with space",
        "quote'name",
        "semi;colon",
        "slash/name",
    ],
)
def test_usernames_with_markup_or_odd_lengths_are_refused(app, client, username):
    response = register(client, username=username)
    assert response.status_code == 200
    assert "Use 3 to 32 letters" in response.text
    assert "<script>alert(1)</script>" not in response.text
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_usernames_in_any_script_are_welcome(app, client):
    assert register(client, username="小明_2024").status_code == 302
    assert _user(app, "小明_2024") is not None


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "at least 8"),
        ("password123", "password123", "too easy"),
        ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "too easy"),
        ("newcomer-rules", "newcomer-rules", "username"),
        (PASSWORD, PASSWORD + "!", "don&#39;t match"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(app, client, password, confirm, message):
    response = register(client, username="newcomer", password=password, confirm=confirm)
    assert response.status_code == 200
    assert message in response.text
    assert _user(app, "newcomer") is None


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "<x>@example.com", "a b@example.com"])
def test_bad_email_addresses_are_refused(app, client, email):
    response = register(client, username="newcomer", email=email)
    assert response.status_code == 200
    assert _user(app, "newcomer") is None


def test_the_form_keeps_what_was_typed_except_passwords_and_the_answer(client):
    response = register(client, username="newcomer", email="kept@example.com", confirm="other pass")
    inputs = form_inputs(response.text)
    assert inputs["username"] == "newcomer" and inputs["email"] == "kept@example.com"
    assert inputs.get("password", "") == inputs.get("confirm", "") == inputs["captcha"] == ""


def test_logged_in_users_are_sent_home(member_client):
    response = member_client.get("/register")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def _focused(page):
    import re

    return re.findall(r'<input [^>]*\bautofocus\b[^>]*\bid="([^"]+)"', page)


def test_the_registration_form_focuses_the_first_field_then_the_first_refused_one(client):
    assert _focused(client.get("/register").text) == ["username"]
    response = register(client, email="not an address", confirm="something else")
    assert _focused(response.text) == ["email"]
    assert 'aria-describedby="email-error-1"' in response.text
