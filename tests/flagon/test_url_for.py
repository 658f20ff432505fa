"""``url_for``: relative and external URLs, scheme, anchor, method, query arguments, inside a
request and inside an application context (with ``SERVER_NAME``), and its errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from flagon import Flagon, url_for
from flagon.routing import BuildError


@pytest.fixture
def app(app):
    @app.route("/")
    def index():
        return "index"

    @app.route("/user/<name>")
    def user(name):
        return url_for("user", name=name)

    @app.route("/post/<int:post_id>")
    def post(post_id):
        return ""

    return app


def test_url_for_inside_a_request_is_relative(app):
    with app.test_request_context():
        assert url_for("index") == "/"
        assert url_for("user", name="ann") == "/user/ann"
        assert url_for("post", post_id=5) == "/post/5"


def test_url_for_in_a_view(app, client):
    assert client.get("/user/bob").text == "/user/bob"


def test_app_url_for_matches_the_helper(app):
    with app.test_request_context():
        assert app.url_for("user", name="x") == url_for("user", name="x")


def test_external_url_uses_the_request_host(app):
    with app.test_request_context(base_url="https://shop.example:8443"):
        assert url_for("user", name="ann", _external=True) == "https://shop.example:8443/user/ann"


def test_external_url_drops_default_port(app):
    with app.test_request_context("http://example.com:80/"):
        assert url_for("index", _external=True) == "http://example.com/"


def test_scheme_implies_external_inside_a_request(app):
    with app.test_request_context():
        assert url_for("index", _scheme="https") == "https://localhost/"
        assert url_for("index", _scheme="https", _external=True) == "https://localhost/"


def test_scheme_with_external_false_is_refused(app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="_external"):
            url_for("index", _scheme="https", _external=False)


def test_anchor_is_appended_and_quoted(app):
    with app.test_request_context():
        assert url_for("index", _anchor="top") == "/#top"
        assert url_for("user", name="a", _anchor="x y") == "/user/a#x%20y"


def test_method_picks_the_rule_for_that_method(app):
    app.add_url_rule("/read", "thing", lambda: "r", methods=["GET"])
    app.add_url_rule("/write", "thing", methods=["POST"])
    with app.test_request_context():
        assert url_for("thing", _method="GET") == "/read"
        assert url_for("thing", _method="POST") == "/write"


def test_unknown_keywords_become_the_query_string(app):
    with app.test_request_context():
        url = url_for("user", name="ann", page=2, q="a b&c")
    parts = urlsplit(url)
    assert parts.path == "/user/ann"
    assert parse_qs(parts.query) == {"page": ["2"], "q": ["a b&c"]}


def test_list_keyword_repeats_the_query_parameter(app):
    with app.test_request_context():
        url = url_for("index", tag=["a", "b"])
    assert parse_qs(urlsplit(url).query) == {"tag": ["a", "b"]}


def test_query_string_and_anchor_together(app):
    with app.test_request_context():
        assert url_for("index", q="1", _anchor="end") == "/?q=1#end"


def test_values_are_escaped_in_the_path(app):
    with app.test_request_context():
        assert url_for("user", name="a b") == "/user/a%20b"
        assert url_for("user", name="é") == "/user/%C3%A9"


def test_url_for_under_a_script_root(app):
    with app.test_request_context(base_url="http://localhost/mount"):
        assert url_for("user", name="x") == "/mount/user/x"
        assert url_for("index", _external=True) == "http://localhost/mount/"


def test_relative_endpoint_without_blueprint_is_the_app_endpoint(app):
    with app.test_request_context():
        assert url_for(".index") == "/"


def test_url_defaults_fill_missing_values(app):
    @app.url_defaults
    def add_name(endpoint, values):
        if endpoint == "user":
            values.setdefault("name", "default")

    with app.test_request_context():
        assert url_for("user") == "/user/default"
        assert url_for("user", name="given") == "/user/given"


# -- inside an application context ----------------------------------------------------------


def test_app_context_with_server_name_builds_external_urls(app):
    app.config["SERVER_NAME"] = "example.com"
    with app.app_context():
        assert url_for("user", name="ann") == "http://example.com/user/ann"


def test_app_context_honours_application_root_and_scheme(app):
    app.config.update(
        SERVER_NAME="example.com:8080", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    with app.app_context():
        assert url_for("index") == "https://example.com:8080/app/"
        assert url_for("index", _scheme="http") == "http://example.com:8080/app/"


def test_app_context_url_may_be_relative_when_asked(app):
    app.config["SERVER_NAME"] = "example.com"
    with app.app_context():
        assert url_for("index", _external=False) == "/"


def test_app_context_without_server_name_gives_a_clear_error(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            url_for("index")


def test_url_for_outside_any_context_says_which_context_is_missing(app):
    with pytest.raises(RuntimeError, match="application context"):
        url_for("index")


def test_app_url_for_without_a_context_uses_server_name(app):
    app.config["SERVER_NAME"] = "example.com"
    assert app.url_for("index") == "http://example.com/"


def test_server_name_does_not_change_urls_built_in_a_request(app):
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context():
        assert url_for("index") == "/"
        assert url_for("index", _external=True) == "http://example.com/"


# -- errors -----------------------------------------------------------------------------------


def test_unknown_endpoint_raises_build_error_naming_it(app):
    with app.test_request_context():
        with pytest.raises(BuildError, match="nonexistent"):
            url_for("nonexistent")


def test_missing_value_raises_build_error_naming_it(app):
    with app.test_request_context():
        with pytest.raises(BuildError) as info:
            url_for("user")
    message = str(info.value)
    assert "user" in message
    assert "name" in message


def test_build_error_is_a_lookup_error(app):
    with app.test_request_context():
        with pytest.raises(LookupError):
            url_for("nonexistent")


def test_url_build_error_handler_can_supply_a_url(app):
    calls = []

    def handler(error, endpoint, values):
        calls.append((endpoint, values.get("_anchor")))
        return f"https://elsewhere.example/{endpoint}"

    app.url_build_error_handlers.append(handler)
    with app.test_request_context():
        assert url_for("missing", _anchor="a") == "https://elsewhere.example/missing"
    assert calls == [("missing", "a")]


def test_url_build_error_handler_returning_none_reraises(app):
    app.url_build_error_handlers.append(lambda error, endpoint, values: None)
    with app.test_request_context():
        with pytest.raises(BuildError):
            url_for("missing")


def test_build_error_in_a_view_is_a_500_not_a_crash(app):
    app.testing = False

    @app.route("/broken-link")
    def broken_link():
        return url_for("missing")

    response = app.test_client().get("/broken-link")
    assert response.status_code == 500


def test_two_apps_build_their_own_urls():
    one, two = Flagon("one"), Flagon("two")
    one.add_url_rule("/login", "login", lambda: "")
    two.add_url_rule("/sign-in", "login", lambda: "")
    with one.test_request_context():
        assert url_for("login") == "/login"
        with two.test_request_context():
            assert url_for("login") == "/sign-in"
        assert url_for("login") == "/login"
