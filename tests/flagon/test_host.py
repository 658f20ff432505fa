"""The request's host: ``request.host``, routing and ``url_for(_external=True)`` read it the
same way, from one parser."""

from __future__ import annotations

import pytest

from flagon import Flagon, request, url_for
from flagon.exceptions import SecurityError
from flagon.wsgi import get_host


def environ(host: str | None, scheme: str = "http", **extra: str) -> dict:
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "server.local",
        "SERVER_PORT": "8080",
        "wsgi.url_scheme": scheme,
        **extra,
    }
    if host is not None:
        env["HTTP_HOST"] = host
    return env


@pytest.fixture
def seen():
    """The host as ``request.host`` and as ``url_for`` see it, for a request to ``/``."""
    app = Flagon(__name__)

    @app.route("/")
    def index():
        return {"host": request.host, "url": url_for("index", _external=True)}

    def seen(host: str | None, scheme: str = "http", **extra: str) -> tuple[str, str]:
        with app.request_context(environ(host, scheme, **extra)):
            return request.host, url_for("index", _external=True)

    return seen


@pytest.mark.parametrize(
    ("host", "scheme", "expected"),
    [
        ("Example.COM ", "http", "example.com"),
        (" example.com\t", "http", "example.com"),
        ("example.com.", "http", "example.com"),
        ("Example.COM.:8000", "http", "example.com:8000"),
        ("example.com:80", "http", "example.com"),
        ("example.com:443", "https", "example.com"),
        ("example.com:443", "http", "example.com:443"),
        ("example.com:80", "https", "example.com:80"),
        ("[::1]", "http", "[::1]"),
        ("[2001:DB8::1]:8080", "http", "[2001:db8::1]:8080"),
        ("[::1]:443", "https", "[::1]"),
        ("my_service:5000", "http", "my_service:5000"),
    ],
)
def test_request_host_and_url_for_agree(seen, host, scheme, expected):
    assert seen(host, scheme) == (expected, f"{scheme}://{expected}/")


@pytest.mark.parametrize(
    "host",
    [
        "exa mple.com",
        "example.com/evil",
        "example.com@evil.com",
        "evil.com#",
        "example.com:",
        "example.com:0",
        "example.com:65536",
        "example.com:080",
        "::1",
        "[::1",
        "caf\u00e9.com",
    ],
)
def test_malformed_host_is_empty_for_both(seen, host):
    # As in Werkzeug: no host, so host routing and external URLs have nothing to go by.
    assert seen(host) == ("", "http:///")


def test_without_a_host_header_the_server_address_is_used(seen):
    assert seen(None) == ("server.local:8080", "http://server.local:8080/")
    assert seen(None, SERVER_NAME="::1", SERVER_PORT="80") == ("[::1]", "http://[::1]/")
    assert seen(None, SERVER_NAME="/run/app.sock", SERVER_PORT="") == ("", "http:///")


def test_websocket_upgrade_drops_the_ws_default_port():
    env = environ("example.com:80", HTTP_UPGRADE="websocket", HTTP_CONNECTION="Upgrade")
    assert get_host(env, scheme="ws") == "example.com"
    assert get_host(environ("example.com:443"), scheme="wss") == "example.com"


@pytest.mark.parametrize(
    ("host", "trusted"),
    [
        ("Example.COM", True),
        ("example.com.", True),
        ("example.com:8000", True),
        ("api.example.com", True),
        ("example.org", False),
        ("exa mple.com", False),
    ],
)
def test_trusted_hosts_compare_the_same_form(host, trusted):
    env = environ(host)
    if trusted:
        assert get_host(env, ["example.com", ".example.com"]) == host.strip(".").lower()
    else:
        with pytest.raises(SecurityError):
            get_host(env, ["example.com", ".example.com"])


def test_an_untrusted_host_is_a_400_and_a_trusted_one_is_served():
    app = Flagon(__name__)
    app.config["TRUSTED_HOSTS"] = ["example.com"]

    @app.route("/")
    def index():
        return url_for("index", _external=True)

    client = app.test_client()
    assert client.get("/", headers={"Host": "EXAMPLE.com."}).text == "http://example.com/"
    assert client.get("/", headers={"Host": "evil.com"}).status_code == 400
    assert client.get("/", headers={"Host": "exa mple.com"}).status_code == 400


def test_subdomain_routing_reads_the_same_host():
    app = Flagon(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="<user>")
    def user(user):
        return f"{user} {request.host} {url_for('user', user=user, _external=True)}"

    client = app.test_client()
    response = client.get("/", headers={"Host": "Alice.Example.COM."})
    assert response.text == "alice alice.example.com http://alice.example.com/"


def test_a_server_name_with_a_trailing_dot_is_the_same_name():
    app = Flagon(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "Example.com.:8000"

    @app.route("/", subdomain="<user>")
    def user(user):
        return url_for("user", user=user, _external=True)

    response = app.test_client().get("/", headers={"Host": "bob.example.com:8000"})
    assert response.text == "http://bob.example.com:8000/"
