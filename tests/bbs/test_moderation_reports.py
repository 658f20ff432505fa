"""Members report posts and comments: a reason from a list, once per item while open, never
their own content, a limited number an hour."""

from __future__ import annotations

import pytest
from bbs_helpers import make_user
from moderation_helpers import count, send
from social_helpers import write_comment, write_posts

from bbs.db import db
from bbs.models import Report


@pytest.fixture
def items(app, member):
    """A post by the member ada with one comment: their ids."""
    [post_id] = write_posts(app, member, title="Cheap pills")
    return post_id, write_comment(app, member, post_id, body="Buy them here")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


@pytest.fixture
def bob_client(app, bob):
    return app.test_client(user=bob)


def test_a_member_reports_a_comment_with_a_reason(app, items, bob, bob_client):
    post_id, comment_id = items
    page = bob_client.get(f"/posts/{post_id}").text
    assert f'href="/comments/{comment_id}/report"' in page
    form = bob_client.get(f"/comments/{comment_id}/report")
    assert form.status_code == 200 and "Buy them here" in form.text
    response = send(
        bob_client, f"/comments/{comment_id}/report", reason="spam", details="Pill spam"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/posts/{post_id}#comments"
    assert "The moderators will look at this comment." in bob_client.get("/").text
    with app.app_context():
        [row] = db.session.query(Report).all()
        assert (row.reporter_id, row.comment_id, row.post_id) == (bob.id, comment_id, None)
        assert (row.reason, row.details, row.resolved_at) == ("spam", "Pill spam", None)


def test_a_member_reports_a_post(app, items, bob_client):
    post_id, _ = items
    assert f'href="/posts/{post_id}/report"' in bob_client.get(f"/posts/{post_id}").text
    assert send(bob_client, f"/posts/{post_id}/report", reason="off-topic").status_code == 302
    assert count(app, Report, Report.post_id == post_id) == 1


def test_one_open_report_per_member_and_item(app, items, bob_client):
    post_id, comment_id = items
    send(bob_client, f"/comments/{comment_id}/report", reason="abuse")
    send(bob_client, f"/posts/{post_id}/report", reason="abuse")
    send(bob_client, f"/posts/{post_id}/report", reason="spam")
    assert "You have already reported this post" in bob_client.get("/").text
    send(bob_client, f"/comments/{comment_id}/report", reason="other")
    assert "You have already reported this comment" in bob_client.get("/").text
    assert count(app, Report) == 2


def test_others_may_report_the_same_item(app, items, bob_client):
    _, comment_id = items
    carol = app.test_client(user=make_user(app, "carol"))
    send(bob_client, f"/comments/{comment_id}/report", reason="spam")
    send(carol, f"/comments/{comment_id}/report", reason="spam")
    assert count(app, Report) == 2


def test_members_cant_report_themselves(app, items, member_client):
    post_id, comment_id = items
    assert "/report" not in member_client.get(f"/posts/{post_id}").text
    assert member_client.get(f"/posts/{post_id}/report").status_code == 403
    assert send(member_client, f"/comments/{comment_id}/report", reason="spam").status_code == 403
    assert count(app, Report) == 0


def test_visitors_are_sent_to_log_in(client, items):
    post_id, _ = items
    response = client.get(f"/posts/{post_id}/report")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "/report" not in client.get(f"/posts/{post_id}").text


@pytest.mark.parametrize(
    "data", [{}, {"reason": ""}, {"reason": "boring"}, {"reason": "other", "details": "x" * 1001}]
)
def test_bad_reports_are_refused_on_the_form(app, items, bob_client, data):
    _, comment_id = items
    response = send(bob_client, f"/comments/{comment_id}/report", **data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert count(app, Report) == 0


def test_a_report_needs_a_csrf_token(app, items, bob_client):
    _, comment_id = items
    response = bob_client.post(f"/comments/{comment_id}/report", data={"reason": "spam"})
    assert response.status_code == 400 and count(app, Report) == 0


@pytest.mark.parametrize("item", ["999", "0", str(2**31), "abc"])
def test_missing_items_are_404(bob_client, item):
    assert bob_client.get(f"/posts/{item}/report").status_code == 404
    assert send(bob_client, f"/comments/{item}/report", reason="spam").status_code == 404


def test_reports_are_rate_limited(make_app):
    app = make_app(REPORTS_PER_HOUR=2)
    author, reporter = make_user(app, "ada"), make_user(app, "bob")
    posts = write_posts(app, author, 3)
    client = app.test_client(user=reporter)
    for post_id in posts[:2]:
        assert send(client, f"/posts/{post_id}/report", reason="spam").status_code == 302
    response = send(client, f"/posts/{posts[2]}/report", reason="spam")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "You have sent 2 reports in the last hour." in response.text
    assert count(app, Report) == 2
