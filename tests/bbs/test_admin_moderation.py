"""The moderation pages: admins only, every change a POST with a CSRF token, and rules that
keep the site administrable (no self-ban, no self-demotion, never without an admin)."""

from __future__ import annotations

import pytest
from bbs_helpers import logged_in_name, make_user, token_for
from social_helpers import counted_queries, write_comment, write_posts
from sqlalchemy import func, select

from bbs.admin.moderation import ModerationError, set_banned, set_role
from bbs.db import db
from bbs.models import ADMIN, MEMBER, Comment, Post, User

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture
def content(app, member):
    """A post by the member with one comment; their ids."""
    [post_id] = write_posts(app, member, title="Spam")
    return post_id, write_comment(app, member, post_id, body="Buy now")


def user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post_as(client, path, **data):
    return client.post(path, data={"csrf_token": token_for(client, "/login"), **data})


def confirm_as(client, path, reason="Against the rules.", **data):
    """An action sent from its confirmation page: confirmed, with a reason."""
    return post_as(client, path, confirmed="yes", reason=reason, **data)


# Who may see and do what ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/comments", "/admin/users"])
def test_pages_are_for_admins(client, member_client, admin_client, content, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert member_client.get(path).status_code == 403
    assert admin_client.get(path).status_code == 200


def _actions(app, member, content):
    post_id, comment_id = content
    confirmed = {"confirmed": "yes", "reason": "Against the rules."}
    return [
        (f"/admin/posts/{post_id}/delete", confirmed),
        (f"/admin/comments/{comment_id}/delete", confirmed),
        (f"/admin/users/{member.id}/ban", confirmed),
        (f"/admin/users/{member.id}/unban", confirmed),
        (f"/admin/users/{member.id}/role", {"role": ADMIN, **confirmed}),
    ]


def _nothing_changed(app, member):
    assert count(app, Post) == 1 and count(app, Comment) == 1
    ada = user(app, member.id)
    assert ada.role == MEMBER and not ada.banned


def test_visitors_and_members_can_do_nothing(app, client, member, member_client, content):
    for path, data in _actions(app, member, content):
        response = post_as(client, path, **data)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert post_as(member_client, path, **data).status_code == 403
    _nothing_changed(app, member)


def test_admins_need_a_csrf_token(app, member, admin_client, content):
    for path, data in _actions(app, member, content):
        assert admin_client.post(path, data=data).status_code == 400
        assert admin_client.post(path, data={"csrf_token": "x##y", **data}).status_code == 400
    _nothing_changed(app, member)


def test_actions_are_post_only(admin_client, content):
    post_id, _ = content
    assert admin_client.get(f"/admin/posts/{post_id}/delete").status_code == 405


@pytest.mark.parametrize("target", ["999", str(2**31), str(10**40), "0"])
def test_missing_things_are_404(admin_client, content, target):
    for kind in ("posts", "comments"):
        assert post_as(admin_client, f"/admin/{kind}/{target}/delete").status_code == 404
    assert post_as(admin_client, f"/admin/users/{target}/ban").status_code == 404
    assert post_as(admin_client, f"/admin/users/{target}/role", role=ADMIN).status_code == 404


# Content --------------------------------------------------------------------------------------


def test_an_admin_deletes_a_post_with_its_comments(app, admin_client, content):
    post_id, _ = content
    assert "Spam" in admin_client.get("/admin/").text
    response = confirm_as(admin_client, f"/admin/posts/{post_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert count(app, Post) == 0 and count(app, Comment) == 0
    assert "The post has been deleted." in admin_client.get("/admin/").text


def test_an_admin_deletes_a_comment(app, admin_client, content):
    post_id, comment_id = content
    assert "Buy now" in admin_client.get("/admin/comments").text
    response = confirm_as(admin_client, f"/admin/comments/{comment_id}/delete")
    assert response.headers["Location"] == "/admin/comments"
    assert count(app, Comment) == 0
    with app.app_context():
        assert db.session.get(Post, post_id).comment_count == 0


def test_back_to_a_page_of_this_site_only(admin_client, content):
    post_id, comment_id = content
    response = confirm_as(
        admin_client, f"/admin/comments/{comment_id}/delete", next="//evil.example"
    )
    assert response.headers["Location"] == "/admin/comments"
    response = confirm_as(admin_client, f"/admin/posts/{post_id}/delete", next="/admin/?page=1")
    assert response.headers["Location"] == "/admin/?page=1"


def test_listings_escape_what_members_wrote(app, admin_client):
    mallory = make_user(app, "mallory")
    [post_id] = write_posts(app, mallory, title=XSS)
    write_comment(app, mallory, post_id, body=XSS)
    with app.app_context():
        db.session.get(User, mallory.id).username = XSS[:32]
        db.session.commit()
    for path in ("/admin/", "/admin/comments", "/admin/users"):
        page = admin_client.get(path).text
        assert "<script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page


@pytest.mark.parametrize("path", ["/admin/", "/admin/comments", "/admin/users"])
def test_listings_cost_a_bounded_number_of_queries(app, admin, admin_client, path):
    for name in ("w1", "w2", "w3", "w4"):
        writer = make_user(app, name)
        for post_id in write_posts(app, writer, 3):
            write_comment(app, writer, post_id)
    with counted_queries(app) as statements:
        assert admin_client.get(path).status_code == 200
    assert len(statements) <= 4  # the admin, the count, the page, the unread notifications


def test_listings_are_paginated(app, admin_client, member):
    write_posts(app, member, 51)
    assert "Page 1 of 2" in admin_client.get("/admin/").text
    assert admin_client.get("/admin/?page=2").status_code == 200
    assert admin_client.get("/admin/?page=3").status_code == 404
    assert admin_client.get("/admin/users?page=abc").status_code == 404


# Accounts -------------------------------------------------------------------------------------


def test_a_ban_locks_the_member_out_and_an_unban_lets_them_back(
    app, member, member_client, admin_client
):
    assert logged_in_name(member_client) == "ada"
    response = confirm_as(admin_client, f"/admin/users/{member.id}/ban")
    assert response.headers["Location"] == "/admin/users"
    assert user(app, member.id).banned
    assert logged_in_name(member_client) is None  # their session has ended
    page = admin_client.get("/admin/users").text
    assert "ada has been banned." in page and f'action="/admin/users/{member.id}/unban"' in page
    confirm_as(admin_client, f"/admin/users/{member.id}/unban")
    assert not user(app, member.id).banned


def test_roles_change_both_ways(app, member, admin_client):
    confirm_as(admin_client, f"/admin/users/{member.id}/role", role=ADMIN)
    assert user(app, member.id).role == ADMIN
    assert "ada is now an admin." in admin_client.get("/admin/users").text
    confirm_as(admin_client, f"/admin/users/{member.id}/role", role=MEMBER)
    assert user(app, member.id).role == MEMBER


def test_a_new_admin_can_moderate(app, member, admin_client):
    confirm_as(admin_client, f"/admin/users/{member.id}/role", role=ADMIN)
    assert app.test_client(user=user(app, member.id)).get("/admin/users").status_code == 200


@pytest.mark.parametrize("role", ["", "owner", "ADMIN", "admin ", "x" * 1000])
def test_unknown_roles_are_refused(app, member, admin_client, role):
    assert confirm_as(admin_client, f"/admin/users/{member.id}/role", role=role).status_code == 400
    assert user(app, member.id).role == MEMBER


def test_admins_cant_ban_or_demote_themselves(app, admin, admin_client):
    page = admin_client.get("/admin/users").text
    assert f'action="/admin/users/{admin.id}/ban"' not in page
    assert f'action="/admin/users/{admin.id}/role"' not in page
    response = confirm_as(admin_client, f"/admin/users/{admin.id}/ban")
    assert response.status_code == 302
    assert "You can&#39;t ban yourself." in admin_client.get("/admin/users").text
    confirm_as(admin_client, f"/admin/users/{admin.id}/role", role=MEMBER)
    assert "You can&#39;t remove your own admin role." in admin_client.get("/admin/users").text
    root = user(app, admin.id)
    assert root.role == ADMIN and not root.banned


def test_an_admin_can_demote_another_admin(app, admin, admin_client):
    boss = make_user(app, "boss", role=ADMIN)
    confirm_as(admin_client, f"/admin/users/{boss.id}/role", role=MEMBER)
    assert user(app, boss.id).role == MEMBER


def test_the_last_admin_stays_an_admin(app, admin):
    # Two admins demoting each other at the same moment: the second demotion is refused.
    boss = make_user(app, "boss", role=ADMIN)
    with app.test_request_context(method="POST"):
        root, stale_boss = db.session.get(User, admin.id), db.session.get(User, boss.id)
        set_role(root, db.session.get(User, boss.id), MEMBER)
        db.session.commit()
        with pytest.raises(ModerationError, match="last admin"):
            set_role(stale_boss, root, MEMBER)
        with pytest.raises(ModerationError, match="last admin"):
            set_banned(stale_boss, root, True)
    assert user(app, admin.id).role == ADMIN


def test_a_ban_ends_remember_cookies(app, member, admin_client):
    before = user(app, member.id).remember_token
    confirm_as(admin_client, f"/admin/users/{member.id}/ban")
    assert user(app, member.id).remember_token != before


def test_the_navigation_links_admins_to_moderation(client, member_client, admin_client):
    # One header link to the moderation section, whose tabs lead admins on to theirs.
    assert '<a href="/moderation/">Moderation</a>' in admin_client.get("/").text
    assert 'href="/admin/"' in admin_client.get("/moderation/").text
    assert 'href="/moderation/"' not in member_client.get("/").text
    assert 'href="/moderation/"' not in client.get("/").text


def test_the_action_buttons_say_what_they_act_on(app, admin_client, member):
    from bbs.posts import content

    with app.app_context():
        post = content.create_post(member, "Tea & cake", "Body.")
        content.add_comment(post, member, "A comment.")
        db.session.commit()
    users = admin_client.get("/admin/users").text
    assert 'aria-label="Ban ada">Ban</button>' in users
    assert 'aria-label="Change the role of ada">Change</button>' in users
    assert 'aria-label="Delete the post “Tea &amp; cake”">Delete</button>' in (
        admin_client.get("/admin/").text
    )
    assert 'aria-label="Delete the comment by ada on “Tea &amp; cake”">Delete</button>' in (
        admin_client.get("/admin/comments").text
    )
    assert '<td data-label="Email">ada@example.com' in users
