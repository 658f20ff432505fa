"""Profile pages: /u/<name> with the member's details and posts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bbs_helpers import login, make_user
from sqlalchemy import event

from bbs.db import db
from bbs.models import Post, utcnow

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def add_posts(app, author_id, count, title="Post"):
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        db.session.add_all(
            Post(
                author_id=author_id,
                title=f"{title} {n}",
                body_markdown="body",
                created_at=start + timedelta(minutes=n),
            )
            for n in range(count)
        )
        db.session.commit()


def titles(html):
    return re.findall(r'class="post-title">(?:<a [^>]*>)?([^<]*)<', html)


def test_profile_shows_the_member_and_their_posts_newest_first(app, client):
    ada = make_user(
        app,
        "ada",
        blog="https://ada.example.com",
        github="ada-l",
        phone="+44 20 1234-5678",
        qq="123456",
        bio="Counting\nengines",
    )
    bob = make_user(app, "bob")
    add_posts(app, ada.id, 3)
    add_posts(app, bob.id, 1, title="Not hers")
    page = client.get("/u/ada")
    assert page.status_code == 200
    assert titles(page.text) == ["Post 2", "Post 1", "Post 0"]
    assert "Not hers" not in page.text
    assert 'href="https://ada.example.com"' in page.text
    assert 'href="https://github.com/ada-l"' in page.text
    assert "+44 20 1234-5678" in page.text and "123456" in page.text
    assert "Counting\nengines" in page.text
    assert 'src="/avatar/ada"' in page.text


def test_profile_addresses_are_case_insensitive(app, client):
    make_user(app, "Ada")
    assert client.get("/u/ADA").status_code == 200


def test_unknown_members_are_404(app, client):
    assert client.get("/u/nobody").status_code == 404
    assert client.get("/u/%00").status_code == 400  # NUL is refused before any view


def test_email_is_shown_only_to_the_owner_and_admins(
    app, member, member_client, admin_client, client
):
    assert "ada@example.com" in member_client.get("/u/ada").text
    assert "ada@example.com" in admin_client.get("/u/ada").text
    assert "ada@example.com" not in client.get("/u/ada").text
    make_user(app, "bob")
    bob = app.test_client(user=None)
    login(bob, "bob")
    assert "ada@example.com" not in bob.get("/u/ada").text


def test_edit_link_only_for_those_who_may_edit(app, member, member_client, admin_client, client):
    assert 'href="/u/ada/edit"' in member_client.get("/u/ada").text
    assert 'href="/u/ada/edit"' in admin_client.get("/u/ada").text
    assert 'href="/u/ada/edit"' not in client.get("/u/ada").text


def test_posts_are_paginated(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    ada = make_user(app, "ada")
    add_posts(app, ada.id, 5)
    client = app.test_client()
    assert titles(client.get("/u/ada").text) == ["Post 4", "Post 3"]
    second = client.get("/u/ada?page=3").text
    assert titles(second) == ["Post 0"]
    assert "Page 3 of 3" in second
    assert 'href="/u/ada?page=2"' in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "10" * 20, "4"])
def test_bad_page_numbers_are_404(make_app, page):
    app = make_app(POSTS_PER_PAGE=2)
    ada = make_user(app, "ada")
    add_posts(app, ada.id, 5)
    assert app.test_client().get(f"/u/ada?page={page}").status_code == 404


def test_a_member_without_posts(app, member, client):
    assert "ada hasn't posted yet." in client.get("/u/ada").text


def test_titles_and_fields_are_escaped(app, client):
    mallory = make_user(
        app,
        "mallory",
        bio=XSS,
        phone=XSS[:32],
        qq="<b>1</b>",
        github="<i>x</i>",
        blog="javascript:alert(1)",
    )
    add_posts(app, mallory.id, 1, title=XSS)
    page = client.get("/u/mallory").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "<b>1</b>" not in page and "<i>x</i>" not in page
    assert 'href="javascript:' not in page  # a stored address that isn't http(s) isn't linked


def test_profile_page_queries_are_bounded(make_app):
    def queries(per_page):
        app = make_app(POSTS_PER_PAGE=per_page)
        ada = make_user(app, "ada")
        add_posts(app, ada.id, 30)
        statements = []
        with app.app_context():
            engine = db.engine

        def count(_connection, _cursor, statement, *_args):
            if statement != "BEGIN":
                statements.append(statement)

        client = app.test_client(user=ada)  # logging in is not part of the page
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/u/ada").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    # The logged-in user (through their login), the profile's user (avatar joined in), the
    # count, the page and the follow counts.
    # Plus the header's unread notification count.
    assert queries(5) == queries(25) <= 6


def test_posts_link_to_their_pages(app, client):
    ada = make_user(app, "ada")
    add_posts(app, ada.id, 1)
    page = client.get("/u/ada").text
    post_id = re.search(r'<a href="/posts/(\d+)">Post 0</a>', page).group(1)
    assert "Post 0" in client.get(f"/posts/{post_id}").text
