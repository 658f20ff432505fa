"""``flagon --app bbs create-admin``."""

from __future__ import annotations

import pytest
from bbs_helpers import PASSWORD, logged_in_name, login, make_user
from sqlalchemy import select

from bbs.db import db
from bbs.models import User


def _create_admin(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["create-admin", *args], input=input)


def _admins(app):
    with app.app_context():
        return [u.username for u in db.session.scalars(select(User).where(User.role == "admin"))]


def test_creating_the_first_admin_with_options(app):
    result = _create_admin(
        app, "--username", "root", "--email", "root@example.com", "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Admin 'root' created." in result.output
    assert _admins(app) == ["root"]
    client = app.test_client()
    login(client, "root")
    assert logged_in_name(client) == "root"


def test_creating_an_admin_at_the_prompts(app):
    answers = f"chief\nchief@example.com\n{PASSWORD}\n{PASSWORD}\n"
    result = _create_admin(app, input=answers)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # the password prompt doesn't echo
    assert _admins(app) == ["chief"]


@pytest.mark.parametrize(
    ("username", "email", "password", "message"),
    [
        ("root", "root@example.com", "123", "at least 8"),
        ("root", "root@example.com", "password123", "too easy"),
        ("<b>x</b>", "root@example.com", PASSWORD, "Use 3 to 32"),
        ("root", "nope", PASSWORD, "valid email"),
    ],
)
def test_weak_or_invalid_admins_are_refused(app, username, email, password, message):
    result = _create_admin(app, "--username", username, "--email", email, "--password", password)
    assert result.exit_code != 0
    assert message in result.output
    assert _admins(app) == []


def test_taken_usernames_are_refused(app):
    make_user(app, "Root")
    result = _create_admin(
        app, "--username", "root", "--email", "r@example.com", "--password", PASSWORD
    )
    assert result.exit_code != 0
    assert "is taken" in result.output
    assert _admins(app) == []
