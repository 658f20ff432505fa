"""Accounts by e-mail, through the test client, with the mails really sent over SMTP to a
server on loopback: verification, password reset, changing the address, their limits."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from bbs_helpers import PASSWORD, csrf_token, logged_in_name, login, make_user, register, submit
from mail_helpers import html_of, link_in, text_of, wait_for_mail
from sqlalchemy import select, update

from bbs.db import db
from bbs.models import AccountToken, LoginSession, User, utcnow

NEW_PASSWORD = "a brand new passphrase"
FORGOT = "/account/forgot-password"
SENT = "If an account has this address"


def inbox(app, smtp_server, address):
    wait_for_mail(app)
    return smtp_server.mailbox.to(address)


def user_named(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def ask_reset(client, address):
    return submit(client, FORGOT, {"email": address})


def reset_link(app, smtp_server, client, address="ada@example.com"):
    assert ask_reset(client, address).status_code == 302
    (mail,) = inbox(app, smtp_server, address)[-1:]
    return link_in(mail, "/account/reset-password/")


def expire_tokens(app):
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


@pytest.fixture
def ada(mail_app):
    """The member ada, on the app that mails to the test SMTP server."""
    return make_user(mail_app, "ada")


# Verification


def test_registering_mails_a_link_that_verifies_the_address_once(mail_app, smtp_server):
    client = mail_app.test_client()
    response = register(client, email="New.Comer@Example.com")
    assert response.status_code == 302
    assert user_named(mail_app, "newcomer").email_verified_at is None
    home = client.get("/").text
    assert "Please verify your address New.Comer@Example.com" in home

    (mail,) = inbox(mail_app, smtp_server, "New.Comer@Example.com")
    assert mail["Subject"] == "Verify your address for bbs"
    assert mail["From"] == "bbs <noreply@localhost>"
    assert "Hello newcomer" in text_of(mail) and "Verify my address" in html_of(mail)
    link = link_in(mail, "/account/verify-email/")

    followed = client.get(link)
    assert followed.status_code == 302
    assert user_named(mail_app, "newcomer").email_verified_at is not None
    page = client.get(followed.headers["Location"]).text
    assert "is verified" in page and "Please verify" not in page
    assert "badge-verified" in client.get("/u/newcomer").text
    # Once only.
    again = client.get(link)
    assert again.status_code == 400 and "This link no longer works" in again.text


def test_an_expired_or_made_up_verification_link_is_refused(mail_app, smtp_server):
    client = mail_app.test_client()
    register(client)
    link = link_in(inbox(mail_app, smtp_server, "newcomer@example.com")[0], "/account/verify")
    expire_tokens(mail_app)
    assert client.get(link).status_code == 400
    assert client.get("/account/verify-email/" + "A" * 43).status_code == 400
    assert client.get("/account/verify-email/short").status_code == 400
    assert user_named(mail_app, "newcomer").email_verified_at is None


def test_links_work_for_their_own_purpose_only(mail_app, smtp_server, ada):
    client = mail_app.test_client()
    reset = reset_link(mail_app, smtp_server, client)
    token = reset.rsplit("/", 1)[1]
    assert client.get(f"/account/verify-email/{token}").status_code == 400
    register(client)
    verify = link_in(inbox(mail_app, smtp_server, "newcomer@example.com")[0], "/account/verify")
    token = verify.rsplit("/", 1)[1]
    assert client.get(f"/account/reset-password/{token}").status_code == 400
    # Neither was used up by the attempt.
    assert client.get(reset).status_code == 200


def test_tokens_are_stored_hashed(mail_app, smtp_server, ada):
    client = mail_app.test_client()
    token = reset_link(mail_app, smtp_server, client).rsplit("/", 1)[1]
    with mail_app.app_context():
        stored = db.session.scalars(select(AccountToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_an_address_belongs_to_one_account_whatever_its_case(app, member):
    client = app.test_client()
    response = register(client, email="ADA@example.COM")
    assert response.status_code == 200
    assert "An account has this address already" in response.text
    assert user_named(app, "newcomer") is None


def test_resending_the_verification_is_limited(make_app, smtp_server):
    app = make_app(VERIFICATION_MAILS_PER_ACCOUNT=2, **smtp_server.settings)
    member = make_user(app, "ada", email_verified_at=None)
    client = app.test_client(user=member)
    home = client.get("/").text
    assert "Send the link again" in home
    token = csrf_token(home)
    assert client.post("/account/verify-email/resend").status_code == 400  # no CSRF token
    for _ in range(2):
        response = client.post(
            "/account/verify-email/resend", data={"csrf_token": token, "next": "/search"}
        )
        assert response.status_code == 302 and response.headers["Location"].endswith("/search")
    refused = client.post("/account/verify-email/resend", data={"csrf_token": token})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    mails = inbox(app, smtp_server, "ada@example.com")
    assert len(mails) == 2
    # Only the newest link works.
    first, second = (link_in(mail, "/account/verify-email/") for mail in mails)
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 302


def test_a_verified_member_sees_no_banner(member_client):
    assert "Please verify" not in member_client.get("/").text


# Password reset


def test_the_login_page_links_to_the_reset(client):
    assert FORGOT in client.get("/login").text


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    mail_app, smtp_server, ada
):
    answers = []
    for address in ("ada@example.com", "nobody@example.com", "ADA@EXAMPLE.COM"):
        client = mail_app.test_client()
        response = ask_reset(client, address)
        answers.append((response.status_code, response.headers["Location"]))
        assert SENT in client.get(response.headers["Location"]).text
    assert len(set(answers)) == 1
    wait_for_mail(mail_app)
    assert [mail["To"] for mail in smtp_server.mailbox.messages] == ["ada@example.com"] * 2
    assert smtp_server.mailbox.to("nobody@example.com") == []


def test_a_banned_account_gets_no_reset_mail(mail_app, smtp_server):
    make_user(mail_app, "mallory", banned=True)
    assert ask_reset(mail_app.test_client(), "mallory@example.com").status_code == 302
    assert inbox(mail_app, smtp_server, "mallory@example.com") == []


def test_a_reset_changes_the_password_and_ends_every_login(mail_app, smtp_server, ada):
    logged_in = mail_app.test_client(user=ada)
    assert logged_in_name(logged_in) == "ada"
    visitor = mail_app.test_client()
    link = reset_link(mail_app, smtp_server, visitor)
    mail = smtp_server.mailbox.messages[-1]
    assert mail["Subject"] == "Reset your password for bbs" and "1 hour" in text_of(mail)

    page = visitor.get(link)
    assert page.status_code == 200 and "ada" in page.text
    weak = submit(visitor, link, {"password": "ada12345", "confirm": "ada12345"})
    assert weak.status_code == 200 and 'aria-invalid="true"' in weak.text
    mismatch = submit(visitor, link, {"password": NEW_PASSWORD, "confirm": "something else"})
    assert "The passwords don&#39;t match." in mismatch.text or "match" in mismatch.text
    done = submit(visitor, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert "Your password has been changed" in visitor.get("/login").text

    assert logged_in_name(logged_in) is None
    with mail_app.app_context():
        assert db.session.scalars(select(LoginSession)).all() == []
    assert login(mail_app.test_client(), "ada", PASSWORD).status_code == 200
    fresh = mail_app.test_client()
    assert login(fresh, "ada", NEW_PASSWORD).status_code == 302
    assert logged_in_name(fresh) == "ada"
    # The link is used up.
    assert visitor.get(link).status_code == 400
    again = visitor.post(link, data={"csrf_token": csrf_token(visitor.get("/login").text)})
    assert again.status_code == 400


def test_a_reset_verifies_the_address_it_was_sent_to(mail_app, smtp_server):
    make_user(mail_app, "ada", email_verified_at=None)
    client = mail_app.test_client()
    link = reset_link(mail_app, smtp_server, client)
    submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert user_named(mail_app, "ada").email_verified_at is not None


def test_an_expired_reset_link_is_refused(mail_app, smtp_server, ada):
    client = mail_app.test_client()
    link = reset_link(mail_app, smtp_server, client)
    expire_tokens(mail_app)
    assert client.get(link).status_code == 400
    token = csrf_token(client.get(FORGOT).text)
    response = client.post(
        link, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert login(mail_app.test_client(), "ada", NEW_PASSWORD).status_code == 200  # unchanged


def test_a_newer_reset_link_replaces_the_older(mail_app, smtp_server, ada):
    client = mail_app.test_client()
    older = reset_link(mail_app, smtp_server, client)
    newer = reset_link(mail_app, smtp_server, client)
    assert older != newer
    assert client.get(older).status_code == 400
    assert client.get(newer).status_code == 200


def test_resets_are_limited_per_address_asked_for(make_app, smtp_server):
    app = make_app(PASSWORD_RESETS_PER_EMAIL=2, **smtp_server.settings)
    make_user(app, "ada")
    for address in ("ada@example.com", "nobody@example.com"):
        for _ in range(2):
            assert ask_reset(app.test_client(), address).status_code == 302
        refused = ask_reset(app.test_client(), address.upper())
        assert refused.status_code == 429 and "this e-mail address" in refused.text
    assert len(inbox(app, smtp_server, "ada@example.com")) == 2


def test_resets_are_limited_per_client_address(make_app):
    app = make_app(PASSWORD_RESETS_PER_ADDRESS=3)
    client = app.test_client()
    for number in range(3):
        assert ask_reset(client, f"someone{number}@example.com").status_code == 302
    refused = ask_reset(client, "someone-else@example.com")
    assert refused.status_code == 429 and "from your address" in refused.text
    other_network = {"REMOTE_ADDR": "192.0.2.7"}
    page = client.get(FORGOT, environ_overrides=other_network).text
    response = client.post(
        FORGOT,
        data={"csrf_token": csrf_token(page), "email": "someone-else@example.com"},
        environ_overrides=other_network,
    )
    assert response.status_code == 302


@pytest.mark.parametrize("address", ["", "not an address", "a@b", "x" * 250 + "@example.com"])
def test_a_bad_address_is_refused_with_a_message(client, address):
    response = ask_reset(client, address)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text


# Changing the address


def change(client, email, password=PASSWORD):
    return submit(client, "/account/email", {"email": email, "password": password})


def test_changing_the_address_needs_the_password(app, member, member_client):
    response = change(member_client, "ada@new.example", password="not my password")
    assert response.status_code == 400 and "This is not your current password." in response.text
    from bbs.accounts.ratelimit import failure_count

    with app.app_context():
        assert failure_count("ada") == 1
    assert user_named(app, "ada").email == "ada@example.com"


def test_the_address_changes_once_the_new_one_is_verified(mail_app, smtp_server, ada):
    client = mail_app.test_client(user=ada)
    response = change(client, "Ada@New.Example")
    assert response.status_code == 302
    assert "A link is on its way to Ada@New.Example" in client.get("/account/email").text
    assert user_named(mail_app, "ada").email == "ada@example.com"

    (notice,) = inbox(mail_app, smtp_server, "ada@example.com")
    assert "Ada@New.Example" in text_of(notice) and "/account/forgot-password" in text_of(notice)
    (confirm,) = inbox(mail_app, smtp_server, "Ada@New.Example")
    link = link_in(confirm, "/account/verify-email/")
    # Followed from any browser: the link alone proves the new address is read.
    assert mail_app.test_client().get(link).status_code == 302
    ada = user_named(mail_app, "ada")
    assert (ada.email, ada.email_key, ada.email_verified) == (
        "Ada@New.Example",
        "ada@new.example",
        True,
    )
    assert mail_app.test_client().get(link).status_code == 400
    # The old address is free again.
    assert register(mail_app.test_client(), email="ada@example.com").status_code == 302


def test_another_accounts_address_is_refused(app, member, member_client):
    make_user(app, "bob")
    response = change(member_client, "BOB@example.com")
    assert response.status_code == 400 and "Another account has this address." in response.text


def test_an_address_taken_before_the_link_is_followed_stays_with_its_owner(
    mail_app, smtp_server, ada
):
    client = mail_app.test_client(user=ada)
    change(client, "shared@example.com")
    link = link_in(inbox(mail_app, smtp_server, "shared@example.com")[0], "/account/verify")
    register(mail_app.test_client(), email="SHARED@example.com")
    response = client.get(link)
    assert response.status_code == 409 and "belongs to another account" in response.text
    assert user_named(mail_app, "ada").email == "ada@example.com"


def test_the_address_page_shows_whether_it_is_verified(app, member_client):
    make_user(app, "bob", email_verified_at=None)
    assert "badge-verified" in member_client.get("/account/email").text
    bob = app.test_client(user=user_named(app, "bob"))
    assert "not verified" in bob.get("/account/email").text
    assert "not verified" in bob.get("/u/bob").text


def test_the_admins_see_who_is_verified(app, admin_client, member):
    make_user(app, "bob", email_verified_at=None)
    page = admin_client.get("/admin/users").text
    assert page.count("badge-unverified") == 1 and page.count("badge-verified") == 2


@pytest.mark.parametrize(
    "path, data",
    [
        (FORGOT, {"email": "ada@example.com"}),
        ("/account/email", {"email": "ada@new.example", "password": PASSWORD}),
        ("/account/verify-email/resend", {}),
    ],
)
def test_every_form_needs_its_csrf_token(member_client, path, data):
    assert member_client.post(path, data=data).status_code == 400


def test_the_reset_form_needs_its_csrf_token(mail_app, smtp_server, ada):
    client = mail_app.test_client()
    link = reset_link(mail_app, smtp_server, client)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert client.get(link).status_code == 200  # still usable


def test_visitors_are_sent_to_log_in_for_the_address_page(client):
    response = client.get("/account/email")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Delivery


def test_the_request_succeeds_when_the_mail_server_is_down(make_app, caplog):
    from mail_helpers import free_port

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_DELAYS=[])
    make_user(app, "ada")
    with caplog.at_level(logging.WARNING, logger="bbs.mail"):
        assert ask_reset(app.test_client(), "ada@example.com").status_code == 302
        wait_for_mail(app)
    assert "not sent after 1 attempts; giving up" in caplog.text


def test_a_refused_mail_is_sent_again(make_app, smtp_server, caplog):
    app = make_app(MAIL_RETRY_DELAYS=[0, 0], **smtp_server.settings)
    make_user(app, "ada")
    smtp_server.mailbox.refuse = 2
    with caplog.at_level(logging.WARNING, logger="bbs.mail"):
        ask_reset(app.test_client(), "ada@example.com")
        wait_for_mail(app)
    assert smtp_server.mailbox.refused == 2
    assert len(smtp_server.mailbox.to("ada@example.com")) == 1
    assert "trying again" in caplog.text


def test_without_a_mail_server_mails_are_logged(app, member, caplog):
    with caplog.at_level(logging.WARNING, logger="bbs.mail"):
        ask_reset(app.test_client(), "ada@example.com")
        wait_for_mail(app)
    assert "MAIL_SERVER is not set" in caplog.text
    assert "http://localhost/account/reset-password/" in caplog.text


def test_links_name_the_public_url(make_app, smtp_server):
    app = make_app(PUBLIC_URL="https://forum.example.org", **smtp_server.settings)
    make_user(app, "ada")
    client = app.test_client()
    base = {"base_url": "https://forum.example.org"}
    token = csrf_token(client.get(FORGOT, **base).text)
    client.post(FORGOT, data={"csrf_token": token, "email": "ada@example.com"}, **base)
    (mail,) = inbox(app, smtp_server, "ada@example.com")
    assert "https://forum.example.org/account/reset-password/" in text_of(mail)
