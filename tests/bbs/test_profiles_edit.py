"""Editing a profile: who may, what each field accepts, and that nothing in it executes."""

from __future__ import annotations

import re

import pytest
from bbs_helpers import login, make_user, token_for

from bbs.db import db
from bbs.models import User

EDIT = "/u/ada/edit"
VALID = {
    "blog": "https://ada.example.com/blog?x=1",
    "github": "ada-lovelace",
    "phone": "+44 20 7946-0958",
    "qq": "10001",
    "bio": "Analyst.\nEnchantress of numbers.",
}


def save(client, path=EDIT, token=None, **fields):
    token = token_for(client, path) if token is None else token
    return client.post(path, data={"csrf_token": token, **VALID, **fields})


def profile_of(app, username="ada"):
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        return {name: getattr(user, name) for name in VALID}


def other_member_client(app, name="bob"):
    make_user(app, name)
    client = app.test_client(user=None)
    login(client, name)
    return client


def test_the_owner_edits_every_field(app, member, member_client):
    form = member_client.get(EDIT)
    assert form.status_code == 200 and 'value="ada-lovelace"' not in form.text
    response = save(member_client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/u/ada")
    assert profile_of(app) == VALID
    page = member_client.get("/u/ada").text
    assert "Profile saved." in page and "Enchantress of numbers." in page


def test_optional_fields_can_be_emptied(app, member, member_client):
    save(member_client)
    save(member_client, blog="", github="", phone="", qq="", bio="")
    assert profile_of(app) == dict.fromkeys(VALID, "")


def test_the_profile_form_leaves_the_address_alone(app, member, member_client):
    # The address changes on its own page, with the password and a verification mail.
    assert 'name="email"' not in member_client.get(EDIT).text
    assert save(member_client, email="mallory@example.org").status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).email == "ada@example.com"


def test_values_are_trimmed(app, member, member_client):
    save(member_client, github="  ada  ", qq=" 12345 ")
    assert profile_of(app)["github"] == "ada" and profile_of(app)["qq"] == "12345"


BAD_VALUES = [
    ("blog", "javascript:alert(1)", "http:// or https://"),
    ("blog", "JaVaScRiPt:alert(1)//https://x", "http:// or https://"),
    ("blog", "data:text/html,<script>alert(1)</script>", "http:// or https://"),
    ("blog", "ftp://example.com", "http:// or https://"),
    ("blog", "https://", "http:// or https://"),
    ("blog", 'https://x.com/" onmouseover="alert(1)', "http:// or https://"),
    ("blog", "https://[::1", "http:// or https://"),
    ("blog", "https://example.com/" + "a" * 200, "at most 200"),
    ("github", "-ada", "Enter a GitHub username."),
    ("github", "ada--l", "Enter a GitHub username."),
    ("github", "a" * 40, "Enter a GitHub username."),
    ("github", "<b>ada</b>", "Enter a GitHub username."),
    ("phone", "call me", "Use digits, spaces and dashes"),
    ("phone", "12+34567", "Use digits, spaces and dashes"),
    ("phone", "1234", "5 to 20 digits"),
    ("phone", "1" * 33, "at most 32"),
    ("qq", "1234", "5 to 12 digits"),
    ("qq", "1234567890123", "5 to 12 digits"),
    ("qq", "12a45", "5 to 12 digits"),
    ("bio", "x" * 1001, "at most 1000"),
    ("bio", "bell\x07byte", "Remove the control characters."),
]


@pytest.mark.parametrize(
    "field, value, message",
    BAD_VALUES,
    ids=[f"{field}-{n}" for n, (field, _v, _m) in enumerate(BAD_VALUES)],
)
def test_bad_values_are_refused_with_a_message(app, member, member_client, field, value, message):
    before = profile_of(app)
    response = save(member_client, **{field: value})
    assert response.status_code == 400
    assert message in response.text
    assert profile_of(app) == before


def test_sql_looking_text_is_stored_as_text(app, member, member_client):
    bio = "'); DROP TABLE users; --"
    assert save(member_client, bio=bio).status_code == 302
    assert profile_of(app)["bio"] == bio


def test_markup_in_every_field_is_shown_as_text(app, member, member_client):
    bio = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x">'
    assert save(member_client, bio=bio, blog="https://x.example/?q=<b>&a=\u00e9").status_code == 400
    assert save(member_client, bio=bio, blog="https://x.example/?q=%3Cb%3E&a=1").status_code == 302
    for page in (member_client.get("/u/ada").text, member_client.get(EDIT).text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://x.example/?q=%3Cb%3E&amp;a=1"' in member_client.get("/u/ada").text


def test_an_admin_edits_anyone(app, member, admin_client):
    response = save(admin_client)
    assert response.status_code == 302
    assert profile_of(app) == VALID


def test_other_members_get_403_even_posting_directly(app, member):
    bob = other_member_client(app)
    before = profile_of(app)
    assert bob.get(EDIT).status_code == 403
    token = token_for(bob, "/u/bob/edit")
    assert save(bob, token=token).status_code == 403
    assert profile_of(app) == before


def test_anonymous_visitors_are_sent_to_log_in(app, member, client):
    before = profile_of(app)
    response = client.get(EDIT)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = token_for(client, "/login")
    assert save(client, token=token).status_code == 302
    assert profile_of(app) == before


def test_missing_or_wrong_csrf_token_changes_nothing(app, member, member_client):
    before = profile_of(app)
    assert member_client.post(EDIT, data=VALID).status_code == 400
    assert save(member_client, token="1##bad").status_code == 400
    assert profile_of(app) == before


def test_editing_an_unknown_member_is_404(app, admin_client):
    assert admin_client.get("/u/nobody/edit").status_code == 404
    assert (
        save(admin_client, path="/u/nobody/edit", token=token_for(admin_client, "/")).status_code
        == 404
    )


def test_pages_have_no_inline_scripts_or_styles(app, member, member_client):
    save(member_client)
    for path in ("/u/ada", EDIT):
        page = member_client.get(path).text
        assert re.findall(r"<script(?! src=\"/static/)", page) == []
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son\w+=", page)


def test_the_owner_finds_the_account_settings_on_the_edit_page(member, member_client):
    page = member_client.get(EDIT).text
    for path in ("/account/email", "/account/password", "/settings/notifications"):
        assert f'href="{path}"' in page
    header = member_client.get("/").text.split("</header>")[0]
    assert 'href="/account/password"' not in header


def test_an_admin_editing_someone_else_gets_no_account_links(member, admin_client):
    assert 'href="/account/password"' not in admin_client.get(EDIT).text
