"""Replies to comments and quotes: the Reply and Quote links, the form they fill in without
scripts, what a reply records and shows, and the refusals of replies to nothing."""

from __future__ import annotations

import html
import re

import pytest
from bbs_helpers import csrf_token, form_inputs, make_user, submit
from sqlalchemy import select

from bbs.db import db
from bbs.models import Comment
from bbs.posts import content


def make_post(app, author, title="A post", body="The post's text."):
    with app.app_context():
        post = content.create_post(author, title, body)
        db.session.commit()
        return post


def comment_on(app, post, author, body):
    with app.app_context():
        comment = content.add_comment(post, author, body)
        db.session.commit()
        return comment.id


@pytest.fixture
def grace(app):
    return make_user(app, "grace")


@pytest.fixture
def post(app, member):
    return make_post(app, member)


@pytest.fixture
def graces_comment(app, post, grace):
    return comment_on(app, post, grace, "Tea, **obviously**.\nWith milk.")


def textarea(page):
    match = re.search(r'<textarea[^>]*name="body"[^>]*>\r?\n?(.*?)</textarea>', page, re.DOTALL)
    assert match, "no comment box"
    return html.unescape(match.group(1))


def reply_to_of(app, comment_id):
    with app.app_context():
        return db.session.scalar(select(Comment.reply_to_id).where(Comment.id == comment_id))


def test_each_comment_has_reply_and_quote_links_for_members(app, post, graces_comment, member):
    page = app.test_client(user=member).get(f"/posts/{post.id}").text
    assert f'href="/posts/{post.id}?reply_to={graces_comment}#comment-form"' in page
    assert f'href="/posts/{post.id}?quote={graces_comment}#comment-form"' in page
    assert 'aria-label="Reply to grace">Reply</a>' in page
    assert "?reply_to=" not in app.test_client().get(f"/posts/{post.id}").text


def test_a_reply_without_scripts(app, post, graces_comment, member):
    client = app.test_client(user=member)
    page = client.get(f"/posts/{post.id}?reply_to={graces_comment}").text
    assert form_inputs(page)["reply_to"] == str(graces_comment)
    indicator = page.split('id="replying-to"')[1].split("</p>")[0]
    assert " hidden" not in indicator.split(">")[0]
    assert f'href="#comment-{graces_comment}">@grace</a>' in indicator
    response = client.post(
        f"/posts/{post.id}",
        data={"csrf_token": csrf_token(page), "body": "Coffee!", "reply_to": str(graces_comment)},
    )
    assert response.status_code == 302
    reply_id = int(response.headers["Location"].rsplit("comment-", 1)[1])
    assert reply_to_of(app, reply_id) == graces_comment
    shown = client.get(response.headers["Location"]).text
    reply = shown.split(f'id="comment-{reply_id}"')[1]
    assert (
        f'<a class="comment-reply-to" href="#comment-{graces_comment}">in reply to @grace</a>'
        in reply
    )
    # The comment replied to says nothing of the kind.
    first = shown.split(f'id="comment-{graces_comment}"')[1].split(f'id="comment-{reply_id}"')[0]
    assert "in reply to" not in first


def test_a_plain_comment_has_no_reply_indicator(app, post, member):
    page = app.test_client(user=member).get(f"/posts/{post.id}").text
    assert '<p class="replying-to" id="replying-to" hidden>' in page
    assert form_inputs(page)["reply_to"] == ""
    response = submit(app.test_client(user=member), f"/posts/{post.id}", {"body": "Hi"})
    comment_id = int(response.headers["Location"].rsplit("comment-", 1)[1])
    assert reply_to_of(app, comment_id) is None


def test_a_reply_to_a_comment_on_another_page_links_to_its_address(make_app):
    app = make_app(COMMENTS_PER_PAGE=2)
    ada, grace = make_user(app, "ada"), make_user(app, "grace")
    post = make_post(app, ada)
    first = comment_on(app, post, grace, "First")
    comment_on(app, post, ada, "Second")
    client = app.test_client(user=ada)
    response = submit(client, f"/posts/{post.id}?page=2", {"body": "Third", "reply_to": str(first)})
    location = response.headers["Location"]
    assert location.startswith(f"/posts/{post.id}?page=2#comment-")
    page = client.get(location).text
    assert f'href="/comments/{first}">in reply to @grace</a>' in page
    # That address leads to the page the comment is on, at its anchor.
    assert client.get(f"/comments/{first}").headers["Location"] == (
        f"/posts/{post.id}#comment-{first}"
    )
    reply_id = int(location.rsplit("comment-", 1)[1])
    assert client.get(f"/comments/{reply_id}").headers["Location"] == location


def test_a_deleted_comment_leaves_its_replies_standing(app, post, graces_comment, member, grace):
    client = app.test_client(user=member)
    response = submit(
        client, f"/posts/{post.id}", {"body": "Coffee!", "reply_to": str(graces_comment)}
    )
    reply_id = int(response.headers["Location"].rsplit("comment-", 1)[1])
    with app.app_context():
        content.delete_comment(db.session.get(Comment, graces_comment))
        db.session.commit()
    assert reply_to_of(app, reply_id) is None
    page = client.get(f"/posts/{post.id}").text
    assert "Coffee!" in page and "in reply to" not in page


@pytest.mark.parametrize("value", ["abc", "-1", "１", "1.5", str(10**40), ""])
def test_reply_to_must_be_a_comment_number(app, post, member, value):
    response = app.test_client(user=member).get(
        f"/posts/{post.id}", query_string={"reply_to": value}
    )
    assert response.status_code == 400


def test_reply_to_a_comment_that_isnt_on_the_post_is_404(app, post, member, grace):
    other = make_post(app, member, "Other")
    elsewhere = comment_on(app, other, grace, "Elsewhere")
    client = app.test_client(user=member)
    assert client.get(f"/posts/{post.id}?reply_to={elsewhere}").status_code == 404
    assert client.get(f"/posts/{post.id}?reply_to=999999").status_code == 404
    assert client.get(f"/posts/{post.id}?quote={elsewhere}").status_code == 404


@pytest.mark.parametrize("case", ["other post", "deleted", "not a number", "too large"])
def test_a_reply_to_nothing_is_refused_and_the_text_kept(app, post, member, grace, case):
    other = make_post(app, member, "Other")
    target = {
        "other post": str(comment_on(app, other, grace, "Elsewhere")),
        "deleted": str(comment_on(app, post, grace, "Soon gone")),
        "not a number": "<script>",
        "too large": str(10**40),
    }[case]
    if case == "deleted":
        with app.app_context():
            content.delete_comment(db.session.get(Comment, int(target)))
            db.session.commit()
    client = app.test_client(user=member)
    response = submit(client, f"/posts/{post.id}", {"body": "My answer", "reply_to": target})
    assert response.status_code == 400
    assert "not on this post any more" in response.text
    assert textarea(response.text) == "My answer"
    assert form_inputs(response.text)["reply_to"] == ""
    with app.app_context():
        assert db.session.scalars(select(Comment).where(Comment.body == "My answer")).all() == []


def test_replying_needs_a_csrf_token(app, post, graces_comment, member):
    response = app.test_client(user=member).post(
        f"/posts/{post.id}", data={"body": "x", "reply_to": str(graces_comment)}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.reply_to_id.is_not(None))) is None


def test_quoting_a_whole_comment_without_scripts(app, post, graces_comment, member):
    page = app.test_client(user=member).get(f"/posts/{post.id}?quote={graces_comment}").text
    assert textarea(page) == (
        f"> @grace [wrote](/comments/{graces_comment}):\n> Tea, **obviously**.\n> With milk.\n\n"
    )
    assert form_inputs(page)["reply_to"] == ""


def test_quoting_the_post_without_scripts(app, post, member, grace):
    page = app.test_client(user=grace).get(f"/posts/{post.id}?quote=post").text
    assert textarea(page) == f"> @ada [wrote](/posts/{post.id}):\n> The post's text.\n\n"


def test_a_posted_quote_shows_as_a_blockquote_mentioning_the_author(
    app, post, graces_comment, member
):
    client = app.test_client(user=member)
    page = client.get(f"/posts/{post.id}?quote={graces_comment}").text
    body = textarea(page) + "Agreed."
    response = client.post(f"/posts/{post.id}", data={"csrf_token": csrf_token(page), "body": body})
    shown = client.get(response.headers["Location"]).text
    assert (
        '<blockquote>\n<p><a class="mention" href="/u/grace" rel="nofollow noopener">@grace</a> '
        f'<a href="/comments/{graces_comment}" rel="nofollow noopener">wrote</a>:<br>'
    ) in shown
    assert "<p>Agreed.</p>" in shown


def test_quote_must_name_a_comment_or_the_post(app, post, member):
    client = app.test_client(user=member)
    for value in ("abc", "", "-3", "posts"):
        assert client.get(f"/posts/{post.id}", query_string={"quote": value}).status_code == 400
