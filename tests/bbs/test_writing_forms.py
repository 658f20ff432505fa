"""Forms that carry what members write: an expired token brings the form back with the text,
and the preview works with and without scripts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bbs_helpers import csrf_token, make_user, submit, token_for
from sqlalchemy import func, select

from bbs.csrf import KEPT_TEXT
from bbs.db import db
from bbs.models import Comment, Post, User
from bbs.posts import content

TEXT = 'My long answer, with <b>markup</b> & "quotes".'
ESCAPED_TEXT = "My long answer, with &lt;b&gt;markup&lt;/b&gt; &amp; &#34;quotes&#34;."


def expired_token(app, client, path):
    """A token for ``client``'s session that had expired by the time it is sent."""
    limit = app.config["CSRF_TIME_LIMIT"]
    app.config["CSRF_TIME_LIMIT"] = timedelta(seconds=-1)
    try:
        return token_for(client, path)
    finally:
        app.config["CSRF_TIME_LIMIT"] = limit


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def post(app, member):
    with app.app_context():
        post = content.create_post(member, "A question", "What do you think?")
        db.session.commit()
        return post


def assert_kept(response, *texts):
    assert response.status_code == 400
    assert KEPT_TEXT.split(",")[0] in response.text
    for text in texts:
        assert text in response.text
    fresh = csrf_token(response.text)
    assert fresh and "##" in fresh
    return fresh


def test_an_expired_comment_comes_back_with_its_text_and_a_fresh_token(app, member_client, post):
    token = expired_token(app, member_client, f"/posts/{post.id}")
    path = f"/posts/{post.id}"
    response = member_client.post(path, data={"csrf_token": token, "body": TEXT})
    fresh = assert_kept(response, ESCAPED_TEXT)
    assert 'id="comment-form"' in response.text
    assert count(app, Comment) == 0
    again = member_client.post(path, data={"csrf_token": fresh, "body": TEXT})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Comment.body)) == TEXT


def test_an_expired_new_post_comes_back_with_title_and_body(app, member_client):
    token = expired_token(app, member_client, "/posts/new")
    data = {"csrf_token": token, "title": "Title <i>kept</i>", "body": TEXT}
    response = member_client.post("/posts/new", data=data)
    fresh = assert_kept(response, "Title &lt;i&gt;kept&lt;/i&gt;", ESCAPED_TEXT)
    assert count(app, Post) == 0
    again = member_client.post("/posts/new", data={**data, "csrf_token": fresh})
    assert again.status_code == 302 and count(app, Post) == 1


def test_an_expired_edit_keeps_the_new_text_and_changes_nothing(app, member_client, post):
    path = f"/posts/{post.id}/edit"
    token = expired_token(app, member_client, path)
    response = member_client.post(path, data={"csrf_token": token, "title": "New", "body": TEXT})
    assert_kept(response, ESCAPED_TEXT)
    with app.app_context():
        assert db.session.get(Post, post.id).body_markdown == "What do you think?"


def test_an_expired_profile_form_keeps_the_bio(app, member, member_client):
    token = expired_token(app, member_client, "/u/ada/edit")
    data = {"csrf_token": token, "bio": "All about me", "blog": "https://ada.example"}
    response = member_client.post("/u/ada/edit", data=data)
    assert_kept(response, "All about me", "https://ada.example")
    with app.app_context():
        user = db.session.get(User, member.id)
        assert (user.bio, user.blog) == ("", "")


def test_a_forged_token_is_refused_the_same_way(app, member_client, post):
    response = member_client.post(
        f"/posts/{post.id}/comments", data={"csrf_token": "forged##token", "body": TEXT}
    )
    assert_kept(response, ESCAPED_TEXT)
    assert count(app, Comment) == 0


def test_visitors_without_a_login_still_get_the_plain_refusal(client, post):
    response = client.post(f"/posts/{post.id}", data={"body": TEXT})
    assert response.status_code == 400 and KEPT_TEXT not in response.text


def test_other_forms_are_refused_before_their_view_runs(app, member_client, post):
    token = expired_token(app, member_client, f"/posts/{post.id}")
    response = member_client.post(f"/posts/{post.id}/delete", data={"csrf_token": token})
    assert response.status_code == 400
    assert count(app, Post) == 1


# The preview -------------------------------------------------------------------------------


def test_the_comment_form_has_a_preview_button(member_client, post):
    page = member_client.get(f"/posts/{post.id}").text
    assert re.search(r'<button type="submit" form="comment-form" name="preview"', page)
    assert 'data-preview-target="comment-preview"' in page


def test_the_preview_without_scripts_shows_the_rendered_comment_and_saves_nothing(
    app, member_client, post
):
    path = f"/posts/{post.id}"
    body = "Some **bold** text <script>alert(1)</script>"
    response = submit(member_client, path, {"body": body, "preview": "1"})
    assert response.status_code == 200
    preview = re.search(r'id="comment-preview"[^>]*>(.*?)</div>', response.text, re.DOTALL)
    assert preview is not None
    assert "<strong>bold</strong>" in preview.group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.group(1)
    assert "<script>alert" not in response.text
    assert "Some **bold** text" in response.text  # the text stays in the form
    assert count(app, Comment) == 0


def test_the_preview_of_a_new_post_needs_no_title(app, member_client):
    response = submit(
        member_client, "/posts/new", {"title": "", "body": "# Heading", "preview": "1"}
    )
    assert response.status_code == 200
    assert "<h2>Heading</h2>" in response.text
    assert "This field is required." not in response.text
    assert count(app, Post) == 0


def test_the_preview_without_a_valid_token_keeps_the_text_and_shows_nothing(
    app, member_client, post
):
    token = expired_token(app, member_client, f"/posts/{post.id}")
    response = member_client.post(
        f"/posts/{post.id}", data={"csrf_token": token, "body": "**x**", "preview": "1"}
    )
    assert_kept(response, "**x**")
    assert "<strong>x</strong>" not in response.text


def test_the_preview_endpoint_escapes_comments_too(member_client, post):
    token = token_for(member_client, f"/posts/{post.id}")
    response = member_client.post(
        "/posts/preview",
        headers={"X-CSRF-Token": token},
        data={"body": '<img src=x onerror="alert(1)"> **ok**'},
    )
    assert response.json["html"] == (
        '<p>&lt;img src=x onerror="alert(1)"&gt; <strong>ok</strong></p>\n'
    )


def test_another_member_cannot_preview_into_someone_elses_edit(app, post):
    bob = make_user(app, "bob")
    client = app.test_client(user=bob)
    token = token_for(client, "/posts/new")
    response = client.post(
        f"/posts/{post.id}/edit",
        data={"csrf_token": token, "title": "t", "body": "b", "preview": "1"},
    )
    assert response.status_code == 403
