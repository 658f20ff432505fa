"""Ban reasons: kept with the ban, shown to the banned member on the next request of every
browser they were logged in on, and again when they try to log in."""

from __future__ import annotations

from bbs_helpers import logged_in_name, login, make_user
from moderation_helpers import confirm

from bbs.db import db
from bbs.models import Ban, EndedLogin


def test_a_banned_member_is_told_why_on_their_next_request(app, member, admin_client):
    phone, laptop = app.test_client(user=member), app.test_client(user=member)
    assert logged_in_name(phone) == "ada"
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Posting spam links.")
    for browser in (phone, laptop):
        page = browser.get("/").text
        assert "You have been logged out." in page
        assert "Your account has been banned. Reason: Posting spam links." in page
        assert 'class="nav-username"' not in page
        # Told once: the next page is an ordinary visitor's.
        assert "Posting spam links." not in browser.get("/").text
    with app.app_context():
        assert db.session.query(EndedLogin).count() == 0


def test_the_reason_is_shown_on_a_login_attempt(app, member, admin_client, client):
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Abuse.")
    page = login(client, "ada").text
    assert "This account has been banned. Reason: Abuse." in page
    assert logged_in_name(client) is None


def test_a_wrong_password_reveals_nothing(app, member, admin_client, client):
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Abuse.")
    page = login(client, "ada", password="not the password").text
    assert "Wrong username or password." in page
    assert "banned" not in page and "Abuse." not in page


def test_unbanning_forgets_the_reason(app, member, admin_client):
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Abuse.")
    with app.app_context():
        assert db.session.get(Ban, member.id).reason == "Abuse."
    confirm(admin_client, f"/admin/users/{member.id}/unban", reason="Appeal accepted.")
    with app.app_context():
        assert db.session.get(Ban, member.id) is None
    client = app.test_client()
    login(client, "ada")
    assert logged_in_name(client) == "ada"


def test_after_an_unban_a_browser_coming_back_hears_of_no_ban(app, member, admin_client):
    browser = app.test_client(user=member)
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Abuse.")
    confirm(admin_client, f"/admin/users/{member.id}/unban", reason="Appeal accepted.")
    page = browser.get("/").text
    assert "banned" not in page and 'class="nav-username"' not in page  # still logged out


def test_logging_out_elsewhere_says_nothing_of_bans(app, member):
    other = app.test_client(user=member)
    me = app.test_client(user=member)
    from bbs_helpers import submit

    submit(me, "/account/logout-everywhere", {}, page="/login")
    page = other.get("/").text
    assert "banned" not in page and 'class="nav-username"' not in page


def test_reasons_are_escaped(app, member, admin_client):
    browser = app.test_client(user=member)
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="<script>alert(1)</script>")
    page = browser.get("/").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_second_admin_may_be_banned_with_a_reason(app, admin, admin_client):
    boss = make_user(app, "boss", role="admin")
    confirm(admin_client, f"/admin/users/{boss.id}/ban", reason="Compromised account.")
    with app.app_context():
        assert db.session.get(Ban, boss.id).reason == "Compromised account."
