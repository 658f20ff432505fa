"""The application factory, configuration, cookies, proxies and response headers."""

from __future__ import annotations

import os
import pathlib
import stat

import pytest
from bbs_helpers import login, make_user, submit
from sqlalchemy import select

import bbs
from bbs import create_app
from bbs.db import db
from bbs.models import LoginFailure
from flagon import url_for

BBS_ROOT = pathlib.Path(bbs.__file__).parent


def test_defaults(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("BBS_"):
            monkeypatch.delenv(name)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/bbs.sqlite3"
    assert app.config["POSTS_PER_PAGE"] == 20
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert not app.config["SESSION_COOKIE_SECURE"] and not app.config["REMEMBER_COOKIE_SECURE"]


def test_secret_key_is_generated_once_per_instance_and_kept_private(tmp_path):
    first = create_app(instance_path=str(tmp_path / "one"))
    again = create_app(instance_path=str(tmp_path / "one"))
    other = create_app(instance_path=str(tmp_path / "two"))
    key = first.config["SECRET_KEY"]
    assert len(key) >= 64
    assert again.config["SECRET_KEY"] == key
    assert other.config["SECRET_KEY"] != key
    mode = stat.S_IMODE(os.stat(tmp_path / "one" / "secret_key").st_mode)
    assert mode & 0o077 == 0


def test_environment_variables_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("BBS_DATABASE_URL", "sqlite:////srv/forum.sqlite3")
    monkeypatch.setenv("BBS_POSTS_PER_PAGE", "50")
    monkeypatch.setenv("BBS_SECRET_KEY", "1234567890" * 4)  # JSON reads it as a number
    app = create_app(instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == "sqlite:////srv/forum.sqlite3"
    assert app.config["POSTS_PER_PAGE"] == 50
    assert app.config["SECRET_KEY"] == "1234567890" * 4
    assert not (tmp_path / "secret_key").exists()


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("BBS_POSTS_PER_PAGE", raising=False)
    (tmp_path / "bbs.cfg").write_text("POSTS_PER_PAGE = 7\nSITE_NAME = 'Tea Club'\n")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["POSTS_PER_PAGE"] == 7
    assert app.config["SITE_NAME"] == "Tea Club"


def test_instance_path_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BBS_INSTANCE_PATH", str(tmp_path / "var"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "var")
    assert (tmp_path / "var" / "secret_key").exists()


def test_blueprints_are_registered_by_the_factory(app):
    assert {"main", "accounts"} <= set(app.blueprints)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {
        "main.index",
        "accounts.login",
        "accounts.register",
        "accounts.logout",
        "accounts.change_password",
        "static",
    } <= endpoints


def test_no_flask_or_werkzeug_anywhere_in_the_forum():
    for path in BBS_ROOT.rglob("*.py"):
        source = path.read_text()
        for name in ("flask", "werkzeug"):
            assert f"import {name}" not in source and f"from {name}" not in source, path


def _set_cookie_headers(response):
    return response.headers.getlist("Set-Cookie")


def _cookie(response, name):
    return next(value for value in _set_cookie_headers(response) if value.startswith(name + "="))


def test_session_and_remember_cookies_are_httponly_and_lax(app, member):
    client = app.test_client()
    response = login(client, "ada", remember=True)
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        cookie = _cookie(response, name)
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie


def test_cookies_are_secure_when_served_over_https(make_app):
    app = make_app(HTTPS=True)
    make_user(app, "ada")
    client = app.test_client()
    response = login(client, "ada", remember=True, base_url="https://forum.example")
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        assert "Secure" in _cookie(response, name)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_https_setting_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BBS_HTTPS", "1")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def _failed_login_address(app, **kwargs):
    client = app.test_client()
    submit(client, "/login", {"username": "nobody", "password": "wrong password"}, **kwargs)
    with app.app_context():
        return db.session.scalar(select(LoginFailure.address))


def test_proxy_fix_trusts_exactly_one_hop(make_app):
    app = make_app(PROXY_FIX=True)
    headers = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}
    address = _failed_login_address(app, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert address == "203.0.113.7"


def test_forwarded_headers_are_ignored_without_proxy_fix(app):
    headers = {"X-Forwarded-For": "203.0.113.7"}
    address = _failed_login_address(app, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert address == "127.0.0.1"


def test_proxy_fix_gives_urls_the_public_host_and_scheme(make_app):
    app = make_app(PROXY_FIX=True)

    @app.get("/where")
    def where():
        return url_for("accounts.login", _external=True)

    response = app.test_client().get(
        "/where",
        base_url="http://127.0.0.1:2333",
        headers={
            "X-Forwarded-Host": "forum.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    assert response.text == "https://forum.example/login"


def test_login_redirect_never_names_the_upstream_address(make_app):
    app = make_app(PROXY_FIX=True)
    response = app.test_client().get(
        "/account/password",
        base_url="http://127.0.0.1:2333",
        headers={"X-Forwarded-Host": "forum.example:8080", "X-Forwarded-Proto": "http"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "127.0.0.1" not in location and "2333" not in location


@pytest.mark.parametrize("path", ["/", "/login", "/static/bbs.css", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_static_stylesheet_is_served(client):
    response = client.get("/static/bbs.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert "--accent" in response.text
