"""@mentions, editing comments, the history of posts and comments with their diffs, and
relative times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bbs_helpers import make_user, submit, token_for
from social_helpers import counted_queries
from sqlalchemy import select

from bbs.db import db
from bbs.models import Comment, Mention, Revision, utcnow
from bbs.posts import content
from bbs.templating import relative_datetime


def make_post(app, author, title="A post", body="text"):
    with app.app_context():
        post = content.create_post(author, title, body)
        db.session.commit()
        return post


@pytest.fixture
def grace(app):
    return make_user(app, "Grace")


@pytest.fixture
def post(app, member):
    return make_post(app, member)


def mentioned(app):
    with app.app_context():
        return sorted(
            (row.user.username, row.comment_id is not None)
            for row in db.session.scalars(select(Mention))
        )


def comment(client, post_id, body):
    response = submit(client, f"/posts/{post_id}", {"body": body})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("comment-", 1)[1])


# Mentions ---------------------------------------------------------------------------------


def test_mentions_link_to_members_whatever_the_case(app, post, member, grace):
    client = app.test_client(user=member)
    comment(client, post.id, "Hi @grace and @nobody, see `@grace` and ada@example.com")
    page = client.get(f"/posts/{post.id}").text
    assert '<a class="mention" href="/u/Grace" rel="nofollow noopener">@grace</a>' in page
    assert "@nobody," in page and "<code>@grace</code>" in page
    assert page.count('class="mention"') == 1
    assert mentioned(app) == [("Grace", True)]


def test_mentions_in_posts_are_linked_and_recorded(app, member, grace):
    post = make_post(app, member, body="Thanks @GRACE!")
    page = app.test_client().get(f"/posts/{post.id}").text
    assert '<a class="mention" href="/u/Grace" rel="nofollow noopener">@GRACE</a>!' in page
    assert mentioned(app) == [("Grace", False)]


def test_editing_keeps_the_mentions_in_step(app, post, member, grace):
    client = app.test_client(user=member)
    comment_id = comment(client, post.id, "@grace look")
    response = submit(client, f"/comments/{comment_id}/edit", {"body": "never mind"})
    assert response.status_code == 302
    assert mentioned(app) == []
    submit(client, f"/comments/{comment_id}/edit", {"body": "@ada and @grace"})
    assert mentioned(app) == [("Grace", True), ("ada", True)]


def test_markup_in_a_mention_is_never_a_link(app, post, member):
    client = app.test_client(user=member)
    comment(client, post.id, "@<script>alert(1)</script> [@ada](javascript:alert(1))")
    page = client.get(f"/posts/{post.id}").text
    body = page.split('class="markdown comment-body">')[1].split("</div>")[0]
    assert "<script" not in body and "javascript:" not in body


# Editing comments --------------------------------------------------------------------------


@pytest.fixture
def graces_comment(app, post, grace):
    with app.app_context():
        found = content.add_comment(post, grace, "Tea is best.")
        db.session.commit()
        return found.id


@pytest.mark.parametrize(
    ("who", "status"), [("author", 302), ("admin", 302), ("post author", 403), ("other", 403)]
)
def test_who_may_edit_a_comment(app, post, grace, member, admin, graces_comment, who, status):
    user = {"author": grace, "admin": admin, "post author": member}.get(who) or make_user(
        app, "mallory"
    )
    client = app.test_client(user=user)
    assert client.get(f"/comments/{graces_comment}/edit").status_code == (
        200 if status == 302 else 403
    )
    response = submit(client, f"/comments/{graces_comment}/edit", {"body": "Coffee."}, page="/")
    assert response.status_code == status
    with app.app_context():
        body = db.session.get(Comment, graces_comment).body
    assert body == ("Coffee." if status == 302 else "Tea is best.")


def test_editing_needs_a_login_a_token_and_a_text(app, client, graces_comment, grace):
    path = f"/comments/{graces_comment}/edit"
    assert client.get(path).headers["Location"].startswith("/login")
    author = app.test_client(user=grace)
    assert author.post(path, data={"body": "x"}).status_code == 400
    response = submit(author, path, {"body": "  "})
    assert response.status_code == 400 and "This field is required." in response.text
    token = token_for(author, "/")
    assert author.post("/comments/999/edit", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Revision)) is None


def test_an_edited_comment_says_so_and_links_its_history(app, post, grace, graces_comment):
    client = app.test_client(user=grace)
    response = submit(client, f"/comments/{graces_comment}/edit", {"body": "Tea is <b>fine</b>."})
    assert response.headers["Location"] == f"/posts/{post.id}#comment-{graces_comment}"
    page = client.get(response.headers["Location"]).text
    assert "The comment is updated." in page
    assert (
        f'<a class="comment-edited" href="/comments/{graces_comment}/history">edited <time'
    ) in page
    history = client.get(f"/comments/{graces_comment}/history").text
    assert "2 versions" in history and "Version 2 (current)" in history
    assert '<del class="diff-removed">best</del>' in history
    assert '<ins class="diff-added">&lt;b&gt;fine&lt;/b&gt;</ins>' in history
    assert "<b>fine" not in history
    # Anyone who can read the comment can read its history.
    assert app.test_client().get(f"/comments/{graces_comment}/history").status_code == 200


def test_the_history_names_who_wrote_each_version_and_when(app, grace, admin, graces_comment):
    submit(app.test_client(user=admin), f"/comments/{graces_comment}/edit", {"body": "Tea."})
    with app.app_context():
        revision = db.session.scalar(select(Revision))
        edited_at, written_at = (
            revision.created_at,
            db.session.get(Comment, graces_comment).created_at,
        )
    history = app.test_client().get(f"/comments/{graces_comment}/history").text
    current, first = history.split('id="version-2"')[1].split('id="version-1"')
    assert "edited by" in current and '<span class="author">root</span>' in current
    assert f'<time datetime="{edited_at.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in current
    assert "written by" in first and '<span class="author">Grace</span>' in first
    assert f'<time datetime="{written_at.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in first
    assert '<pre class="diff">Tea is best.</pre>' in first


def test_a_post_edit_keeps_the_old_version_and_its_title(app, member, post):
    client = app.test_client(user=member)
    response = submit(client, f"/posts/{post.id}/edit", {"title": "A new title", "body": "text!"})
    assert response.status_code == 302
    with app.app_context():
        revision = db.session.scalar(select(Revision))
        assert (revision.title, revision.body, revision.editor_id) == ("A post", "text", member.id)
    history = client.get(f"/posts/{post.id}/history").text
    assert (
        'A <del class="diff-removed">post</del><ins class="diff-added">new title</ins>' in history
    )
    assert '<ins class="diff-added">!</ins>' in history
    assert "edited by" in history and "written by" in history


def test_histories_of_missing_things_are_404(client):
    assert client.get("/posts/999/history").status_code == 404
    assert client.get("/comments/999/history").status_code == 404
    assert client.get(f"/comments/{10**40}/history").status_code == 404


def test_history_costs_the_same_few_queries_for_many_versions(app, post, grace, graces_comment):
    client = app.test_client(user=grace)
    submit(client, f"/comments/{graces_comment}/edit", {"body": "v2"})
    with counted_queries(app) as few:
        assert client.get(f"/comments/{graces_comment}/history").status_code == 200
    for n in range(3, 12):
        submit(client, f"/comments/{graces_comment}/edit", {"body": f"v{n}"})
    with counted_queries(app) as many:
        assert client.get(f"/comments/{graces_comment}/history").status_code == 200
    assert len(few) == len(many) <= 4  # with the header's unread notification count


def test_the_post_page_with_replies_mentions_and_edits_costs_one_more_query(app, post, member):
    client = app.test_client(user=member)
    first = comment(client, post.id, "plain")
    with counted_queries(app) as plain:
        client.get(f"/posts/{post.id}")
    users = [make_user(app, f"user{n}") for n in range(5)]
    for n, user in enumerate(users):
        other = app.test_client(user=user)
        reply = comment(other, post.id, f"@ada @user{(n + 1) % 5} hello")
        submit(other, f"/posts/{post.id}", {"body": "again", "reply_to": str(first)})
        submit(other, f"/comments/{reply}/edit", {"body": f"@ada @user{n} edited"})
    with counted_queries(app) as busy:
        page = client.get(f"/posts/{post.id}").text
    assert page.count("in reply to @ada") == 5 and page.count('class="comment-edited"') == 5
    assert len(busy) == len(plain) + 1  # the members mentioned, all at once


# Times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(seconds=-30), "just now"),
        (timedelta(minutes=1), "1 min ago"),
        (timedelta(minutes=59), "59 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23), "23 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=29), "29 days ago"),
    ],
)
def test_relative_times(ago, text):
    now = utcnow()
    assert relative_datetime(now - ago, now) == text


def test_old_times_are_dates_and_pages_carry_the_full_time(app, member):
    now = utcnow()
    assert relative_datetime(now - timedelta(days=40), now) == (
        (now - timedelta(days=40)).strftime("%Y-%m-%d")
    )
    post = make_post(app, member)
    page = app.test_client().get(f"/posts/{post.id}").text
    iso = post.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    full = post.created_at.strftime("%Y-%m-%d %H:%M UTC")
    assert f'<time datetime="{iso}" title="{full}">just now</time>' in page
    assert '<script src="/static/times.js" defer></script>' in page
