"""Binding to requests: what ``bind_to_environ`` reads from the WSGI environ, subdomain
matching, host matching, and paths that are not valid UTF-8."""

from __future__ import annotations

import pytest

from flagon.exceptions import BadHost, NotFound
from flagon.routing import Map, RequestRedirect, Rule


def environ(path: str = "/", host: str | None = "example.com", **extra) -> dict:
    env = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "server.local",
        "SERVER_PORT": "8080",
        "wsgi.url_scheme": "http",
    }
    if host is not None:
        env["HTTP_HOST"] = host
    env.update(extra)
    return env


# -- bind_to_environ -------------------------------------------------------------------------


def test_bind_to_environ_reads_the_request():
    url_map = Map([Rule("/x", endpoint="x", methods=["POST"])])
    env = environ(
        "/x", "Example.COM:8000", REQUEST_METHOD="POST", SCRIPT_NAME="/app", QUERY_STRING="a=1"
    )
    adapter = url_map.bind_to_environ(env)
    assert adapter.match() == ("x", {})
    assert adapter.path_info == "/x"
    assert adapter.default_method == "POST"
    assert adapter.server_name == "example.com:8000"
    assert adapter.script_name == "/app/"
    assert adapter.url_scheme == "http"
    assert adapter.query_args == "a=1"
    assert adapter.subdomain == ""


def test_default_ports_are_dropped_from_the_host():
    url_map = Map([Rule("/", endpoint="i")])
    assert url_map.bind_to_environ(environ(host="h.com:80")).server_name == "h.com"
    https = environ(host="h.com:443", **{"wsgi.url_scheme": "https"})
    assert url_map.bind_to_environ(https).server_name == "h.com"
    assert url_map.bind_to_environ(environ(host="h.com:443")).server_name == "h.com:443"


def test_server_name_and_port_when_there_is_no_host_header():
    url_map = Map([Rule("/", endpoint="i")])
    assert url_map.bind_to_environ(environ(host=None)).server_name == "server.local:8080"
    ipv6 = environ(host=None, SERVER_NAME="::1", SERVER_PORT="80")
    assert url_map.bind_to_environ(ipv6).server_name == "[::1]"


def test_a_malformed_host_header_is_ignored():
    url_map = Map([Rule("/", endpoint="i")])
    assert url_map.bind_to_environ(environ(host="evil.com/x?")).server_name == ""


def test_an_object_with_an_environ_attribute_can_be_bound():
    class FakeRequest:
        environ = environ("/x")

    assert Map([Rule("/x", endpoint="x")]).bind_to_environ(FakeRequest()).match() == ("x", {})


def test_missing_path_info_is_the_root():
    env = environ()
    del env["PATH_INFO"]
    assert Map([Rule("/", endpoint="i")]).bind_to_environ(env).match() == ("i", {})


def test_empty_path_info_under_a_script_name_redirects_to_the_slash():
    url_map = Map([Rule("/", endpoint="i")])
    adapter = url_map.bind_to_environ(environ("", SCRIPT_NAME="/app", QUERY_STRING="q=1"))
    with pytest.raises(RequestRedirect) as caught:
        adapter.match()
    assert caught.value.new_url == "http://example.com/app/?q=1"


def test_wsgi_paths_are_read_as_utf8():
    url_map = Map([Rule("/ü/<name>", endpoint="u")])
    env = environ("/\xc3\xbc/\xc3\xa9t\xc3\xa9", SCRIPT_NAME="/r\xc3\xa9")
    adapter = url_map.bind_to_environ(env)
    assert adapter.match() == ("u", {"name": "été"})
    assert adapter.script_name == "/ré/"
    assert adapter.build("u", {"name": "ä"}) == "/r%C3%A9/%C3%BC/%C3%A4"


def test_invalid_utf8_in_the_path_is_a_404_not_an_error():
    url_map = Map(
        [Rule("/", endpoint="i"), Rule("/<name>", endpoint="n"), Rule("/x/", endpoint="x")]
    )
    adapter = url_map.bind_to_environ(environ("/\xff\xfe/x"))
    with pytest.raises(NotFound):
        adapter.match()
    assert url_map.bind_to_environ(environ("/\xff")).match() == ("n", {"name": "\ufffd"})


def test_redirects_are_valid_urls_even_for_odd_requests():
    url_map = Map([Rule("/<name>/", endpoint="n")])
    env = environ("/\xc3\xa9 \xff", QUERY_STRING="a=\xc3\xa9&b=%20 x")
    with pytest.raises(RequestRedirect) as caught:
        url_map.bind_to_environ(env).match()
    assert caught.value.new_url == "http://example.com/%C3%A9%20%EF%BF%BD/?a=%C3%A9&b=%20%20x"


def test_websocket_upgrade_requests_match_websocket_rules():
    url_map = Map([Rule("/ws", endpoint="ws", websocket=True)])
    env = environ(
        "/ws",
        HTTP_UPGRADE="websocket",
        HTTP_CONNECTION="keep-alive, Upgrade",
        **{"wsgi.url_scheme": "https"},
    )
    adapter = url_map.bind_to_environ(env)
    assert adapter.websocket
    assert adapter.url_scheme == "wss"
    assert adapter.match() == ("ws", {})
    assert adapter.build("ws") == "wss://example.com/ws"


def test_bind_normalises_the_server_name():
    url_map = Map([Rule("/", endpoint="i")])
    assert url_map.bind("Example.COM").server_name == "example.com"
    assert url_map.bind("bücher.de:8080").server_name == "xn--bcher-kva.de:8080"
    with pytest.raises(BadHost):
        url_map.bind("a..b\u0080" * 30)


# -- subdomains ------------------------------------------------------------------------------


@pytest.fixture
def subdomains():
    return Map(
        [
            Rule("/", endpoint="index"),
            Rule("/", subdomain="api", endpoint="api"),
            Rule("/profile", subdomain="<user>", endpoint="profile"),
            Rule("/", subdomain="<string(length=2):lang>", endpoint="lang"),
        ]
    )


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("example.com", "/", ("index", {})),
        ("EXAMPLE.com:80", "/", ("index", {})),
        ("api.example.com", "/", ("api", {})),
        ("fr.example.com", "/", ("lang", {"lang": "fr"})),
        ("ann.example.com", "/profile", ("profile", {"user": "ann"})),
        ("a.b.example.com", "/profile", ("profile", {"user": "a.b"})),
    ],
)
def test_subdomains_from_the_server_name(subdomains, host, path, expected):
    adapter = subdomains.bind_to_environ(environ(path, host), server_name="example.com")
    assert adapter.match() == expected


def test_a_host_outside_the_server_name_matches_nothing(subdomains):
    env = environ("/profile", "other.org")
    adapter = subdomains.bind_to_environ(env, server_name="example.com")
    assert adapter.subdomain == "<invalid>"
    for path in ("/", "/profile"):
        with pytest.raises(NotFound):
            adapter.match(path)


def test_without_a_server_name_only_default_subdomain_rules_match(subdomains):
    adapter = subdomains.bind_to_environ(environ("/", "api.example.com"))
    assert adapter.match() == ("index", {})


def test_subdomain_given_explicitly(subdomains):
    assert subdomains.bind("example.com", subdomain="api").match("/") == ("api", {})
    adapter = subdomains.bind_to_environ(environ("/profile"), subdomain="bob")
    assert adapter.match() == ("profile", {"user": "bob"})


def test_building_across_subdomains_is_external(subdomains):
    adapter = subdomains.bind_to_environ(environ("/", "api.example.com"), server_name="example.com")
    assert adapter.build("api") == "/"
    assert adapter.build("index") == "http://example.com/"
    assert adapter.build("profile", {"user": "zoe"}) == "http://zoe.example.com/profile"


def test_default_subdomain_of_the_map():
    url_map = Map(
        [Rule("/", endpoint="www"), Rule("/", subdomain="", endpoint="apex")],
        default_subdomain="www",
    )
    assert url_map.bind("example.com").match("/") == ("www", {})
    assert url_map.bind("example.com", subdomain="").match("/") == ("apex", {})


# -- host matching ---------------------------------------------------------------------------


@pytest.fixture
def hosts():
    return Map(
        [
            Rule("/", host="example.com", endpoint="main"),
            Rule("/", host="<sub>.example.com", endpoint="sub"),
            Rule("/x/<int:id>", host="<sub>.example.com", endpoint="subx"),
            Rule("/", host="api.<domain>", endpoint="api"),
            Rule("/no-host", endpoint="nohost"),
        ],
        host_matching=True,
    )


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("example.com", "/", ("main", {})),
        ("EXAMPLE.COM:80", "/", ("main", {})),
        ("shop.example.com", "/", ("sub", {"sub": "shop"})),
        ("shop.example.com", "/x/4", ("subx", {"sub": "shop", "id": 4})),
        ("api.flagon.dev", "/", ("api", {"domain": "flagon.dev"})),
    ],
)
def test_host_matching(hosts, host, path, expected):
    assert hosts.bind_to_environ(environ(path, host)).match() == expected


def test_host_matching_misses(hosts):
    for host, path in (("other.org", "/"), ("example.com", "/no-host"), ("example.com", "/x/1")):
        with pytest.raises(NotFound):
            hosts.bind_to_environ(environ(path, host)).match()


def test_host_matching_builds_external_urls_for_other_hosts(hosts):
    adapter = hosts.bind_to_environ(environ("/", "shop.example.com"))
    assert adapter.build("sub", {"sub": "shop"}) == "/"
    assert adapter.build("main") == "http://example.com/"
    assert adapter.build("subx", {"sub": "tea", "id": 2}) == "http://tea.example.com/x/2"


def test_host_matching_refuses_a_subdomain(hosts):
    with pytest.raises(RuntimeError, match="host matching"):
        hosts.bind("example.com", subdomain="x")
