"""Roles: anonymous visitors, members and admins, and the ``role_required`` decorator (B2)."""

from __future__ import annotations

import pytest
from bbs_helpers import make_user

from bbs.auth import role_required


@pytest.fixture
def guarded_app(app):
    @app.get("/members-only")
    @role_required("member")
    def members_only():
        return "for members"

    @app.get("/admins-only")
    @role_required("admin")
    def admins_only():
        return "for admins"

    return app


@pytest.fixture
def users(guarded_app, member, admin):
    return {
        "anonymous": guarded_app.test_client(),
        "member": guarded_app.test_client(user=member),
        "admin": guarded_app.test_client(user=admin),
    }


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("anonymous", "/members-only", 302),
        ("anonymous", "/admins-only", 302),
        ("member", "/members-only", 200),
        ("member", "/admins-only", 403),
        ("admin", "/members-only", 200),
        ("admin", "/admins-only", 200),
    ],
)
def test_who_may_see_what(users, who, path, status):
    assert users[who].get(path).status_code == status


def test_anonymous_visitors_are_asked_to_log_in(users):
    response = users["anonymous"].get("/admins-only")
    assert response.headers["Location"] == "/login?next=%2Fadmins-only"


def test_members_get_the_sites_403_page(users):
    response = users["member"].get("/admins-only")
    assert "Not allowed" in response.text and 'class="site-header"' in response.text


def test_unknown_roles_are_a_programming_error():
    with pytest.raises(ValueError, match="unknown role 'root'"):
        role_required("root")


def test_the_navigation_shows_the_role(users):
    assert 'badge-admin">admin<' in users["admin"].get("/").text
    assert "badge-admin" not in users["member"].get("/").text
    assert "Log in" in users["anonymous"].get("/").text


def test_who_may_edit_what(app, member, admin):
    from bbs.auth import Anonymous

    grace = make_user(app, "grace")
    assert member.may_edit(member.id) and not member.may_edit(grace.id)
    assert admin.may_edit(member.id) and admin.may_edit(grace.id)
    anonymous = Anonymous()
    assert not anonymous.may_edit(None) and not anonymous.may_edit(member.id)
    assert not member.may_edit(None)


def test_anonymous_visitors_answer_like_users(guarded_app):
    from flagon.ext.login import current_user

    @guarded_app.get("/who")
    def who():
        return f"{current_user.is_admin} {current_user.has_role('member')} {current_user.id}"

    assert guarded_app.test_client().get("/who").text == "False False None"
