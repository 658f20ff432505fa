"""The moderators' queue and the moderation log: open reports grouped by item, actions that
ask first and take a reason, and every action in the log."""

from __future__ import annotations

import pytest
from bbs_helpers import logged_in_name, make_user
from moderation_helpers import confirm, count, report, send
from social_helpers import write_comment, write_posts

from bbs.db import db
from bbs.models import (
    MODERATOR,
    Comment,
    MemberWarning,
    ModerationLogEntry,
    Post,
    Report,
    User,
)


@pytest.fixture
def moderator(app):
    return make_user(app, "mod", role=MODERATOR)


@pytest.fixture
def mod_client(app, moderator):
    return app.test_client(user=moderator)


@pytest.fixture
def reported(app, member):
    """A comment by ada reported by two members, and a post reported by one: their ids."""
    [post_id] = write_posts(app, member, title="Cheap pills")
    comment_id = write_comment(app, member, post_id, body="Buy them here")
    bob, carol = make_user(app, "bob"), make_user(app, "carol")
    report(app, bob, "spam", comment_id=comment_id)
    report(app, carol, "abuse", comment_id=comment_id)
    report(app, bob, "off-topic", post_id=post_id)
    return post_id, comment_id


def log_entries(app):
    with app.app_context():
        rows = db.session.query(ModerationLogEntry).order_by(ModerationLogEntry.id).all()
        return [(row.actor_name, row.action, row.target_label, row.reason) for row in rows]


def test_the_queue_is_for_moderators_and_admins(client, member_client, mod_client, admin_client):
    for path in ("/moderation/", "/moderation/log"):
        assert client.get(path).headers["Location"].startswith("/login")
        assert member_client.get(path).status_code == 403
        assert mod_client.get(path).status_code == 200
        assert admin_client.get(path).status_code == 200
    assert 'href="/moderation/"' in mod_client.get("/").text
    assert 'href="/moderation/"' not in member_client.get("/").text
    assert mod_client.get("/admin/").status_code == 403  # the admin pages stay for admins


def test_the_queue_groups_reports_by_item(reported, mod_client):
    post_id, comment_id = reported
    page = mod_client.get("/moderation/").text
    assert "2 items with open reports" in page
    assert page.index(f'data-kind="comment" data-id="{comment_id}"') < page.index(
        f'data-kind="post" data-id="{post_id}"'
    )  # the most reported first
    assert "Buy them here" in page and "2 reports:" in page and "1 report:" in page
    assert "Spam" in page and "Abuse or harassment" in page and "Off-topic" in page
    assert ">bob</a>" in page and ">carol</a>" in page


def test_every_action_asks_for_confirmation_first(app, reported, mod_client):
    _, comment_id = reported
    for action in ("dismiss", "remove", "warn", "ban"):
        path = f"/moderation/comment/{comment_id}/{action}"
        page = send(mod_client, path)
        assert page.status_code == 200
        assert 'name="confirmed" type="hidden" value="yes"' in page.text
        assert 'name="reason"' in page.text
        assert mod_client.get(path).status_code == 405  # a GET never acts
    assert count(app, Comment) == 1 and count(app, Report, Report.resolved_at.is_(None)) == 3
    assert log_entries(app) == []


def test_a_reason_is_required(app, reported, mod_client):
    _, comment_id = reported
    response = confirm(mod_client, f"/moderation/comment/{comment_id}/remove", reason="  ")
    assert response.status_code == 400 and "Say why" in response.text
    assert count(app, Comment) == 1


def test_a_moderator_removes_a_reported_comment_and_it_is_logged(app, reported, mod_client):
    post_id, comment_id = reported
    response = confirm(mod_client, f"/moderation/comment/{comment_id}/remove", reason="Spam.")
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    assert count(app, Comment) == 0
    with app.app_context():
        assert db.session.get(Post, post_id).comment_count == 0
    assert log_entries(app) == [("mod", "comment.delete", "Buy them here", "Spam.")]
    queue = mod_client.get("/moderation/").text
    assert "The comment has been deleted." in queue and "Buy them here" not in queue
    log = mod_client.get("/moderation/log").text
    assert "deleted a comment" in log and "Spam." in log and "2 open reports" in log


def test_dismissing_keeps_the_content_and_closes_the_reports(app, reported, mod_client):
    post_id, _ = reported
    confirm(mod_client, f"/moderation/post/{post_id}/dismiss", reason="It is on topic.")
    assert count(app, Post) == 1
    assert count(app, Report, Report.post_id == post_id, Report.resolved_at.is_(None)) == 0
    assert f'data-kind="post" data-id="{post_id}"' not in mod_client.get("/moderation/").text
    assert log_entries(app)[-1][1:] == ("reports.dismiss", "Cheap pills", "It is on topic.")
    # Closed reports no longer count: the member may report it again.
    bob = app.test_client(user=db_user(app, "bob"))
    assert send(bob, f"/posts/{post_id}/report", reason="spam").status_code == 302
    assert count(app, Report, Report.post_id == post_id, Report.resolved_at.is_(None)) == 1


def db_user(app, name):
    with app.app_context():
        return db.session.query(User).filter_by(username=name).one()


def test_a_warning_is_shown_to_the_member_once(app, member, member_client, reported, mod_client):
    _, comment_id = reported
    confirm(mod_client, f"/moderation/comment/{comment_id}/warn", reason="No advertising.")
    assert count(app, MemberWarning) == 1 and count(app, Comment) == 1
    page = member_client.get("/").text
    assert "A moderator has warned you: No advertising." in page
    assert "No advertising." not in member_client.get("/").text
    assert log_entries(app)[-1][:3] == ("mod", "user.warn", "ada")


def test_a_ban_from_the_queue_can_remove_the_content(
    app, member, member_client, reported, mod_client
):
    _, comment_id = reported
    confirm(mod_client, f"/moderation/comment/{comment_id}/ban", reason="Spammer.", remove="y")
    assert db_user(app, "ada").banned and count(app, Comment) == 0
    assert logged_in_name(member_client) is None
    assert [entry[1] for entry in log_entries(app)] == ["user.ban", "comment.delete"]


@pytest.mark.parametrize("role", [MODERATOR, "admin"])
def test_moderators_cant_ban_moderators_or_admins(app, admin, mod_client, role):
    other = make_user(app, "other", role=role)
    [post_id] = write_posts(app, other, title="Rules")
    report(app, make_user(app, "bob"), "other", post_id=post_id)
    confirm(mod_client, f"/moderation/post/{post_id}/ban", reason="Coup.")
    assert "Only admins can ban" in mod_client.get("/moderation/").text
    assert not db_user(app, "other").banned


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/comment/999/remove",
        "/moderation/post/999/dismiss",
        "/moderation/post/1/explode",
        "/moderation/user/1/remove",
        f"/moderation/post/{2**31}/remove",
    ],
)
def test_unknown_items_and_actions_are_404(reported, mod_client, path):
    assert confirm(mod_client, path).status_code == 404


def test_queue_actions_need_a_csrf_token(app, reported, mod_client):
    _, comment_id = reported
    data = {"confirmed": "yes", "reason": "x"}
    assert mod_client.post(f"/moderation/comment/{comment_id}/remove", data=data).status_code == 400
    assert count(app, Comment) == 1


def test_the_admin_pages_log_their_actions_with_reasons(app, member, admin_client, reported):
    post_id, _ = reported
    confirm(admin_client, f"/admin/users/{member.id}/role", role=MODERATOR, reason="Helpful.")
    confirm(admin_client, f"/admin/users/{member.id}/role", role="member", reason="Stepped down.")
    confirm(admin_client, f"/admin/users/{member.id}/ban", reason="Spam.")
    confirm(admin_client, f"/admin/users/{member.id}/unban", reason="Appeal.")
    confirm(admin_client, f"/admin/posts/{post_id}/delete", reason="Spam post.")
    assert log_entries(app) == [
        ("root", "user.role", "ada", "Helpful."),
        ("root", "user.role", "ada", "Stepped down."),
        ("root", "user.ban", "ada", "Spam."),
        ("root", "user.unban", "ada", "Appeal."),
        ("root", "post.delete", "Cheap pills", "Spam post."),
    ]
    log = admin_client.get("/moderation/log").text
    assert "member → moderator" in log and "Appeal." in log


def test_the_admin_confirmation_page_says_what_will_happen(app, member, admin_client, reported):
    post_id, _ = reported
    page = send(admin_client, f"/admin/posts/{post_id}/delete", next="/admin/?page=1").text
    assert "Delete the post “Cheap pills” by ada and its 1 comment?" in page
    assert '<input type="hidden" name="next" value="/admin/?page=1">' in page
    page = send(admin_client, f"/admin/users/{member.id}/role", role=MODERATOR).text
    assert "Make ada a moderator?" in page
    assert '<input type="hidden" name="role" value="moderator">' in page
    evil = send(admin_client, f"/admin/users/{member.id}/ban", next="javascript:alert(1)").text
    assert "javascript:" not in evil
    assert count(app, Post) == 1 and not db_user(app, "ada").banned


def test_the_log_pages_by_id(make_app):
    app = make_app()
    root = make_user(app, "root", role="admin")
    with app.app_context():
        for n in range(1, 121):
            db.session.add(
                ModerationLogEntry(
                    actor_id=root.id,
                    actor_name="root",
                    action="user.warn",
                    target_kind="user",
                    target_id=root.id,
                    target_label="root",
                    reason=f"reason-{n:03d}",
                )
            )
        db.session.commit()
    client = app.test_client(user=root)
    first = client.get("/moderation/log").text
    assert "reason-120" in first and "reason-071" in first and "reason-070" not in first
    assert 'href="/moderation/log?before=71"' in first and "Newer" not in first
    second = client.get("/moderation/log?before=71").text
    assert "reason-070" in second and "reason-021" in second and "reason-071" not in second
    assert 'href="/moderation/log?after=70"' in second
    back = client.get("/moderation/log?after=70").text
    assert "reason-120" in back and "reason-071" in back and "reason-070" not in back
    third = client.get("/moderation/log?before=21").text
    assert "reason-001" in third and "Older" not in third
    for bad in ("abc", "0", "-1", str(10**12), "1.5"):
        assert client.get(f"/moderation/log?before={bad}").status_code == 404
    assert client.get("/moderation/log?before=5&after=2").status_code == 404


def test_member_text_is_escaped_in_the_queue_and_log(app, member, mod_client):
    xss = "<script>alert(1)</script>"
    [post_id] = write_posts(app, member, title=xss, body=xss)
    report(app, make_user(app, "bob"), "other", post_id=post_id)
    page = mod_client.get("/moderation/").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    confirm(mod_client, f"/moderation/post/{post_id}/remove", reason=xss)
    log = mod_client.get("/moderation/log").text
    assert "<script>" not in log and "&lt;script&gt;" in log
