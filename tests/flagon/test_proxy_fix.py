"""``ProxyFix`` believes exactly the configured number of proxies, and nothing a client forged."""

from __future__ import annotations

import pytest

from flagon import Flagon, request, url_for
from flagon.middleware import ProxyFix
from flagon.middleware.proxy_fix import ORIG_KEY, trusted_value


def make_app():
    """An app echoing what it sees of the client and of its own URL."""
    app = Flagon("proxied", root_path="/tmp")

    @app.route("/where")
    def where():
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "host": request.host,
            "url": request.url,
            "script_root": request.script_root,
            "external": url_for("where", _external=True),
            "server_port": request.environ["SERVER_PORT"],
            "server_name": request.environ["SERVER_NAME"],
        }

    return app


def see(headers=None, remote_addr="10.0.0.2", **counts):
    """What the app sees behind ``ProxyFix(**counts)`` for a request with ``headers``."""
    app = make_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, **counts)
    response = app.test_client().get(
        "/where",
        headers=headers or {},
        environ_base={"REMOTE_ADDR": remote_addr},
        base_url="http://internal:8000",
    )
    assert response.status_code == 200
    return response.json


# -- X-Forwarded-For -------------------------------------------------------------------------------


def test_without_headers_nothing_changes():
    seen = see()
    assert seen["remote_addr"] == "10.0.0.2"
    assert seen["url"] == "http://internal:8000/where"


def test_one_proxy_gives_the_client_address():
    assert see({"X-Forwarded-For": "203.0.113.7"})["remote_addr"] == "203.0.113.7"


def test_a_spoofed_value_before_the_proxys_is_ignored():
    # The client sent "X-Forwarded-For: 127.0.0.1"; the proxy appended the real address.
    seen = see({"X-Forwarded-For": "127.0.0.1, 203.0.113.7"})
    assert seen["remote_addr"] == "203.0.113.7"


def test_two_proxies_trust_the_second_value_from_the_right():
    headers = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.1"}
    assert see(headers, x_for=2)["remote_addr"] == "203.0.113.7"
    assert see(headers, x_for=1)["remote_addr"] == "10.0.0.1"


def test_fewer_values_than_proxies_are_ignored():
    # With two proxies configured, a single value can't have come from both of them.
    assert see({"X-Forwarded-For": "127.0.0.1"}, x_for=2)["remote_addr"] == "10.0.0.2"


def test_values_that_are_not_addresses_are_ignored():
    for value in ("unknown", "_hidden", "<script>", "1.2.3.4.5"):
        assert see({"X-Forwarded-For": value})["remote_addr"] == "10.0.0.2"


def test_a_port_some_proxies_add_is_dropped():
    assert see({"X-Forwarded-For": "203.0.113.7:4711"})["remote_addr"] == "203.0.113.7"
    assert see({"X-Forwarded-For": "[2001:db8::7]:4711"})["remote_addr"] == "2001:db8::7"
    assert see({"X-Forwarded-For": "2001:db8::7"})["remote_addr"] == "2001:db8::7"


def test_x_for_zero_ignores_the_header():
    assert see({"X-Forwarded-For": "203.0.113.7"}, x_for=0)["remote_addr"] == "10.0.0.2"


# -- X-Forwarded-Proto -----------------------------------------------------------------------------


def test_proto_sets_the_scheme_of_urls():
    seen = see({"X-Forwarded-Proto": "https"})
    assert seen["scheme"] == "https"
    assert seen["external"] == "https://internal:8000/where"


def test_proto_is_case_insensitive_and_must_be_http_or_https():
    assert see({"X-Forwarded-Proto": "HTTPS"})["scheme"] == "https"
    assert see({"X-Forwarded-Proto": "javascript"})["scheme"] == "http"
    assert see({"X-Forwarded-Proto": "ftp"})["scheme"] == "http"


def test_spoofed_proto_is_ignored_with_two_proxies():
    assert see({"X-Forwarded-Proto": "https"}, x_proto=2)["scheme"] == "http"
    assert see({"X-Forwarded-Proto": "http, https, http"}, x_proto=2)["scheme"] == "https"


# -- X-Forwarded-Host and -Port --------------------------------------------------------------------


def test_host_is_ignored_unless_trusted():
    assert see({"X-Forwarded-Host": "evil.example"})["host"] == "internal:8000"


def test_host_replaces_the_host_and_server_name():
    seen = see({"X-Forwarded-Host": "example.com"}, x_host=1)
    assert seen["host"] == "example.com"
    assert seen["server_name"] == "example.com"
    assert seen["external"] == "http://example.com/where"


def test_host_with_a_port_sets_the_server_port():
    seen = see({"X-Forwarded-Host": "example.com:8443"}, x_host=1)
    assert (seen["host"], seen["server_name"], seen["server_port"]) == (
        "example.com:8443",
        "example.com",
        "8443",
    )


def test_ipv6_host_keeps_its_brackets():
    seen = see({"X-Forwarded-Host": "[2001:db8::1]"}, x_host=1)
    assert (seen["host"], seen["server_name"]) == ("[2001:db8::1]", "[2001:db8::1]")
    seen = see({"X-Forwarded-Host": "[2001:db8::1]:81"}, x_host=1)
    assert (seen["server_name"], seen["server_port"]) == ("[2001:db8::1]", "81")


def test_malformed_hosts_are_ignored():
    for value in (
        "evil host",
        "a/b",
        "x@y",
        "",
        "example.com:port",
        "a!b.com",
        "example.com:99999",
    ):
        assert see({"X-Forwarded-Host": value}, x_host=1)["host"] == "internal:8000"


def test_port_replaces_the_port_of_the_host():
    seen = see({"X-Forwarded-Port": "8443"}, x_port=1)
    assert (seen["host"], seen["server_port"]) == ("internal:8443", "8443")
    seen = see({"X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"}, x_port=1)
    assert seen["server_port"] == "443"
    # The default port of the scheme is left out of the host and URLs.
    assert (seen["host"], seen["external"]) == ("internal", "https://internal/where")


def test_port_applies_after_the_forwarded_host():
    headers = {"X-Forwarded-Host": "example.com:1", "X-Forwarded-Port": "8080"}
    seen = see(headers, x_host=1, x_port=1)
    assert (seen["host"], seen["server_port"]) == ("example.com:8080", "8080")


def test_malformed_ports_are_ignored():
    for value in ("abc", "0", "65536", "99999", "-1", "80 80"):
        assert see({"X-Forwarded-Port": value}, x_port=1)["host"] == "internal:8000"


# -- X-Forwarded-Prefix ----------------------------------------------------------------------------


def test_prefix_becomes_the_script_root():
    seen = see({"X-Forwarded-Prefix": "/app"}, x_prefix=1)
    assert seen["script_root"] == "/app"
    assert seen["external"] == "http://internal:8000/app/where"


def test_prefix_trailing_slash_does_not_double_up():
    assert see({"X-Forwarded-Prefix": "/app/"}, x_prefix=1)["external"] == (
        "http://internal:8000/app/where"
    )


def test_prefix_must_be_an_absolute_path():
    for value in ("app", "http://evil.example/", "\\\\evil"):
        assert see({"X-Forwarded-Prefix": value}, x_prefix=1)["script_root"] == ""


def test_prefix_is_ignored_unless_trusted():
    assert see({"X-Forwarded-Prefix": "/app"})["script_root"] == ""


# -- everything together ---------------------------------------------------------------------------


def test_all_headers_from_one_proxy():
    seen = see(
        {
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "www.example.com",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Prefix": "/shop",
        },
        x_for=1,
        x_proto=1,
        x_host=1,
        x_port=1,
        x_prefix=1,
    )
    assert seen["remote_addr"] == "203.0.113.7"
    assert seen["url"] == "https://www.example.com/shop/where"
    assert seen["external"] == "https://www.example.com/shop/where"


def test_original_values_are_kept():
    app = make_app()
    kept = {}

    @app.route("/orig")
    def orig():
        kept.update(request.environ["flagon.proxy_fix.orig"])
        return ""

    app.wsgi_app = ProxyFix(app.wsgi_app, x_host=1, x_prefix=1)
    app.test_client().get(
        "/orig",
        headers={
            "X-Forwarded-For": "1.2.3.4",
            "X-Forwarded-Host": "a.example",
            "X-Forwarded-Prefix": "/p",
            "X-Forwarded-Proto": "https",
        },
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        base_url="http://internal:8000",
    )
    assert kept == {
        "REMOTE_ADDR": "10.0.0.2",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "internal:8000",
        "SERVER_NAME": "internal",
        "SERVER_PORT": "8000",
        "SCRIPT_NAME": "",
    }


def test_wraps_any_wsgi_app():
    seen = {}

    def wsgi(environ, start_response):
        seen["addr"] = environ["REMOTE_ADDR"]
        start_response("204 No Content", [])
        return []

    fixed = ProxyFix(wsgi)
    environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert fixed(environ, lambda status, headers: None) == []
    assert seen["addr"] == "198.51.100.1"


@pytest.mark.parametrize("bad", [-1, 1.5, "1", None])
def test_proxy_counts_must_be_non_negative_ints(bad):
    with pytest.raises(ValueError, match="x_host"):
        ProxyFix(lambda e, s: [], x_host=bad)


@pytest.mark.parametrize(
    ("trusted", "header", "expected"),
    [
        (1, "a, b, c", "c"),
        (2, "a, b, c", "b"),
        (3, "a,b,c", "a"),
        (4, "a, b, c", None),
        (0, "a", None),
        (1, None, None),
        (1, "", None),
        (1, "a, ", None),
    ],
)
def test_trusted_value(trusted, header, expected):
    assert trusted_value(trusted, header) == expected


# -- one ProxyFix, many requests -------------------------------------------------------------------


def test_each_request_gets_its_own_values_from_one_proxy_fix():
    """The meaning of each header value is remembered; every request still gets its own."""
    app = make_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    client = app.test_client()
    cases = [
        (
            {"X-Forwarded-Host": "a.example", "X-Forwarded-Port": "8443"},
            "internal:8000",
            "a.example:8443",
            "8443",
        ),
        ({"X-Forwarded-Host": "b.example:81"}, "internal:8000", "b.example:81", "81"),
        ({"X-Forwarded-Port": "8443"}, "internal:8000", "internal:8443", "8443"),
        ({"X-Forwarded-Port": "8443"}, "other:9000", "other:8443", "8443"),
        ({"X-Forwarded-Host": "bad host"}, "internal:8000", "internal:8000", "8000"),
        (
            {"X-Forwarded-Host": "a.example", "X-Forwarded-Port": "8443"},
            "internal:8000",
            "a.example:8443",
            "8443",
        ),
    ]
    for _ in range(2):
        for headers, host, expected_host, expected_port in cases:
            seen = client.get("/where", headers=headers, base_url=f"http://{host}").json
            assert (seen["host"], seen["server_port"]) == (expected_host, expected_port), headers
    for addr, expected in [
        ("203.0.113.7", "203.0.113.7"),
        ("010.0.0.1", "10.0.0.2"),  # leading zeros are ambiguous: ignored
        ("256.0.0.1", "10.0.0.2"),
        ("[2001:db8::1]:4711", "2001:db8::1"),
        ("192.0.2.1:4711", "192.0.2.1"),
    ]:
        seen = client.get(
            "/where", headers={"X-Forwarded-For": addr}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        ).json
        assert seen["remote_addr"] == expected, addr
    for proto, expected in [("https", "https"), ("HTTP", "http"), ("gopher", "http")]:
        seen = client.get("/where", headers={"X-Forwarded-Proto": proto}).json
        assert seen["scheme"] == expected, proto


def test_many_clients_and_long_headers_each_get_their_own_values():
    seen_by = {}

    def inner(environ, start_response):
        seen_by[environ["HTTP_X_FORWARDED_FOR"]] = environ["REMOTE_ADDR"]
        return []

    fix = ProxyFix(inner, x_for=1)
    long_chain = ", ".join(["198.51.100.1"] * 100) + ", 192.0.2.9"
    addresses = [f"192.0.2.{i % 250}, 203.0.{i // 250}.{i % 250}" for i in range(1500)]
    for header in [*addresses, long_chain, *addresses]:
        fix({"HTTP_X_FORWARDED_FOR": header, "REMOTE_ADDR": "10.0.0.2"}, None)
        assert seen_by[header] == header.rpartition(",")[2].strip()
    assert len(fix._seen) <= 1024
    assert not any(long_chain in key for key in fix._seen)


def test_each_request_gets_its_own_record_of_the_replaced_values():
    records = []

    def inner(environ, start_response):
        records.append(environ[ORIG_KEY])
        return []

    fix = ProxyFix(inner, x_for=1, x_proto=1)
    environ = {"HTTP_X_FORWARDED_FOR": "192.0.2.1", "REMOTE_ADDR": "10.0.0.2"}
    fix(dict(environ, **{"wsgi.url_scheme": "http"}), None)
    records[0]["REMOTE_ADDR"] = "changed by the app"
    fix(dict(environ, **{"wsgi.url_scheme": "http"}), None)
    assert records[1]["REMOTE_ADDR"] == "10.0.0.2"
    assert records[1]["wsgi.url_scheme"] == "http"
    assert records[0] is not records[1]
