"""The page to come back to after logging in: only same-site paths are ever followed."""

from __future__ import annotations

import pytest

from flagon import redirect
from flagon.ext.login import is_safe_url, login_url, make_next_param, safe_next_url

UNSAFE = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:/evil.example",
    "http:evil.example",
    "https:///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/a\r\nSet-Cookie: x=1",
    " //evil.example",
    "evil.example",
    "mailto:someone@evil.example",
    "ftp://evil.example/",
    "",
    None,
]

SAFE = ["/", "/a?b=c", "/forum/topic/3#post-9", "/search?q=%2F%2Fevil", "/@user", "/a//b"]


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_targets(target):
    assert not is_safe_url(target)


@pytest.mark.parametrize("target", SAFE)
def test_same_site_paths_are_safe(target):
    assert is_safe_url(target)


def test_absolute_urls_only_on_named_hosts():
    hosts = ["forum.example", "forum.example:8443"]
    assert is_safe_url("https://forum.example/a", allowed_hosts=hosts)
    assert is_safe_url("https://FORUM.example:8443/a", allowed_hosts=hosts)
    assert not is_safe_url("https://forum.example.evil/a", allowed_hosts=hosts)
    assert not is_safe_url("https://forum.example@evil.example/", allowed_hosts=hosts)
    assert not is_safe_url("javascript://forum.example/%0aalert(1)", allowed_hosts=hosts)
    assert not is_safe_url("//forum.example/a", allowed_hosts=hosts)


@pytest.fixture
def after_login(app):
    @app.route("/after-login")
    def after_login():
        return redirect(safe_next_url())

    @app.route("/signin")
    def signin():
        return "login page"

    return app.test_client()


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.x/", "/\\evil", "javascript:x"])
def test_safe_next_url_drops_unsafe_next_arguments(after_login, target):
    response = after_login.get("/after-login", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_safe_next_url_follows_a_same_site_next(after_login):
    response = after_login.get("/after-login", query_string={"next": "/a?b=c"})
    assert response.headers["Location"] == "/a?b=c"


def test_safe_next_url_with_a_target_and_default(app):
    with app.test_request_context():
        assert safe_next_url("/profile") == "/profile"
        assert safe_next_url("//evil.example", default="/home") == "/home"
        assert safe_next_url("//evil.example", default=None) is None
        assert safe_next_url() == "/"


def test_login_url_carries_only_safe_next_values(after_login, app):
    with app.test_request_context():
        assert login_url("signin") == "/signin"
        assert login_url("signin", next_url="/a?b=c") == "/signin?next=%2Fa%3Fb%3Dc"
        assert login_url("signin", next_url="http://localhost/a") == "/signin?next=%2Fa"
        assert login_url("signin", next_url="http://localhost//evil.example") == "/signin"
        assert login_url("signin", next_url="http://other.example/a") == "/signin"
        assert login_url("signin", next_url="//evil.example") == "/signin"
        assert login_url("signin", next_url="https://evil.example/") == "/signin"
        assert login_url("signin", next_url="/\\evil") == "/signin"
        assert login_url("signin", next_url="/a", next_field="back") == "/signin?back=%2Fa"


def test_a_protocol_relative_request_path_stays_on_the_site(app):
    from flagon.ext.login import LoginManager

    app.config["SECRET_KEY"] = "s"
    manager = LoginManager(app)
    manager.user_loader(lambda user_id: None)
    manager.login_view = "/signin"
    with app.test_request_context(environ_overrides={"PATH_INFO": "//evil.example/x"}):
        location = manager.unauthorized().headers["Location"]
    assert location == "/signin?next=%2Fevil.example%2Fx"


def test_make_next_param():
    assert make_next_param("/login", "http://localhost/a?b=c") == "/a?b=c"
    assert make_next_param("http://localhost/login", "http://localhost/a") == "/a"
    elsewhere = "https://sso.example/login"
    assert make_next_param(elsewhere, "http://localhost/a") == "http://localhost/a"
