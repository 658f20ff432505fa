"""Fixtures for the login extension: an app with users, a login manager and a few views."""

from __future__ import annotations

import pytest
from login_helpers import User

from flagon import request, session
from flagon.ext.login import (
    LoginManager,
    confirm_login,
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_user,
    logout_user,
)


@pytest.fixture
def users():
    return {
        "1": User("1", "Notch"),
        "2": User("2", "Steve"),
        "3": User("3", "Creeper", active=False),
    }


@pytest.fixture
def loads():
    """Every id the user loader was called with, in order."""
    return []


@pytest.fixture
def manager(app, users, loads):
    """A LoginManager on the ``app`` fixture (both pipelines), with a user loader."""
    app.config["SECRET_KEY"] = "test secret"
    manager = LoginManager(app)

    @manager.user_loader
    def load_user(user_id):
        loads.append(user_id)
        return users.get(user_id)

    return manager


@pytest.fixture
def login_app(app, manager, users):
    """The app with views to log in and out and to see who is logged in."""

    @app.route("/login/<user_id>")
    def login(user_id):
        remember = "remember" in request.args
        return str(login_user(users[user_id], remember=remember))

    @app.route("/logout")
    def logout():
        logout_user()
        return "bye"

    @app.route("/me")
    def me():
        return current_user.name if current_user.is_authenticated else "anonymous"

    @app.route("/secret")
    @login_required
    def secret():
        return f"secret of {current_user.name}"

    @app.route("/sensitive")
    @fresh_login_required
    def sensitive():
        return "sensitive"

    @app.route("/fresh")
    def fresh():
        return str(login_fresh())

    @app.route("/confirm")
    def confirm():
        confirm_login()
        return "confirmed"

    @app.route("/session")
    def session_keys():
        return ",".join(sorted(k for k in session if k.startswith("_") and k != "_permanent"))

    return app


@pytest.fixture
def make_app(app):
    """Build another app of the same kind as the ``app`` fixture (plain, or overriding a stage)."""

    def make(**kwargs):
        other = type(app)("flagon_login_test", **kwargs)
        other.testing = True
        other.config["SECRET_KEY"] = "test secret"
        return other

    return make
