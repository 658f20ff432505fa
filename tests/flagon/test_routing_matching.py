"""Matching: precedence between rules, methods (405 with the allowed methods), trailing
and repeated slashes, defaults, aliases, ``redirect_to``, WebSocket rules and odd paths."""

from __future__ import annotations

import random
import string

import pytest

from flagon.exceptions import HTTPException, MethodNotAllowed, NotFound
from flagon.routing import Map, RequestRedirect, Rule, WebsocketMismatch


def adapter_for(*rules: Rule, **map_options):
    return Map(list(rules), **map_options).bind("example.com", query_args="")


def redirect_of(adapter, path: str, method: str = "GET") -> RequestRedirect:
    with pytest.raises(RequestRedirect) as caught:
        adapter.match(path, method)
    return caught.value


# -- precedence ------------------------------------------------------------------------------


def test_static_beats_dynamic_whatever_the_order():
    adapter = adapter_for(Rule("/user/<name>", endpoint="user"), Rule("/user/new", endpoint="new"))
    assert adapter.match("/user/new") == ("new", {})
    assert adapter.match("/user/bob") == ("user", {"name": "bob"})


def test_lighter_converters_first():
    adapter = adapter_for(
        Rule("/x/<path:p>", endpoint="path"),
        Rule("/x/<name>", endpoint="string"),
        Rule("/x/<int:n>", endpoint="int"),
        Rule("/x/<float:f>", endpoint="float"),
    )
    assert adapter.match("/x/12") == ("int", {"n": 12})
    assert adapter.match("/x/1.5") == ("float", {"f": 1.5})
    assert adapter.match("/x/abc") == ("string", {"name": "abc"})
    assert adapter.match("/x/a/b") == ("path", {"p": "a/b"})


def test_more_static_text_in_a_segment_first():
    adapter = adapter_for(
        Rule("/f/<name>", endpoint="any"),
        Rule("/f/<name>.json", endpoint="json"),
        Rule("/f/page-<int:n>.html", endpoint="page"),
    )
    assert adapter.match("/f/page-3.html") == ("page", {"n": 3})
    assert adapter.match("/f/data.json") == ("json", {"name": "data"})
    assert adapter.match("/f/data.xml") == ("any", {"name": "data.xml"})


def test_a_static_segment_wins_over_a_variable_one_at_the_same_depth():
    adapter = adapter_for(
        Rule("/<a>/edit", endpoint="edit"), Rule("/posts/<int:id>", endpoint="post")
    )
    assert adapter.match("/posts/3") == ("post", {"id": 3})
    assert adapter.match("/posts/edit") == ("edit", {"a": "posts"})
    assert adapter.match("/pages/edit") == ("edit", {"a": "pages"})


def test_path_comes_after_segment_rules():
    adapter = adapter_for(
        Rule("/<path:p>", endpoint="catch_all"),
        Rule("/<a>/<b>", endpoint="two"),
        Rule("/static/<path:filename>", endpoint="static"),
    )
    assert adapter.match("/x/y") == ("two", {"a": "x", "b": "y"})
    assert adapter.match("/x/y/z") == ("catch_all", {"p": "x/y/z"})
    assert adapter.match("/static/css/site.css") == ("static", {"filename": "css/site.css"})


def test_equal_rules_keep_the_order_they_were_added_in():
    adapter = adapter_for(Rule("/<a>", endpoint="first"), Rule("/<b>", endpoint="second"))
    assert adapter.match("/x") == ("first", {"a": "x"})


def test_many_rules_reach_the_last_one():
    rules = [Rule(f"/r{i}/<int:item_id>", endpoint=f"r{i}") for i in range(500)]
    adapter = adapter_for(*rules)
    assert adapter.match("/r499/7") == ("r499", {"item_id": 7})
    assert adapter.match("/r0/1") == ("r0", {"item_id": 1})
    with pytest.raises(NotFound):
        adapter.match("/r500/1")


def test_a_variable_first_segment_still_matches_next_to_literal_ones():
    adapter = adapter_for(
        Rule("/about", endpoint="about"),
        Rule("/<user>", endpoint="profile"),
        Rule("/<user>/<repo>", endpoint="repo"),
        Rule("/about/<page>", endpoint="about_page"),
    )
    assert adapter.match("/about") == ("about", {})
    assert adapter.match("/ann") == ("profile", {"user": "ann"})
    assert adapter.match("/about/team") == ("about_page", {"page": "team"})
    assert adapter.match("/ann/flagon") == ("repo", {"user": "ann", "repo": "flagon"})


def test_adding_a_rule_after_matching_is_seen():
    url_map = Map([Rule("/<name>", endpoint="name")])
    assert url_map.bind("h").match("/new") == ("name", {"name": "new"})
    url_map.add(Rule("/new", endpoint="new"))
    assert url_map.bind("h").match("/new") == ("new", {})


def test_return_rule_gives_the_rule():
    rule = Rule("/x/<int:id>", endpoint="x")
    matched, values = adapter_for(rule).match("/x/3", return_rule=True)
    assert matched is rule
    assert values == {"id": 3}


def test_view_args_are_a_fresh_dict_each_time():
    adapter = adapter_for(Rule("/", endpoint="i", defaults={"page": 1}))
    first = adapter.match("/")[1]
    first["page"] = 99
    assert adapter.match("/")[1] == {"page": 1}


# -- methods ---------------------------------------------------------------------------------


def test_method_picks_the_rule():
    adapter = adapter_for(
        Rule("/item/<int:id>", methods=["GET"], endpoint="show"),
        Rule("/item/<int:id>", methods=["POST"], endpoint="update"),
        Rule("/items", methods=["GET"], endpoint="list"),
        Rule("/items", methods=["POST"], endpoint="create"),
    )
    assert adapter.match("/item/1", "GET") == ("show", {"id": 1})
    assert adapter.match("/item/1", "post") == ("update", {"id": 1})
    assert adapter.match("/items", "POST") == ("create", {})
    assert adapter.match("/items", "HEAD") == ("list", {})


def test_wrong_method_is_405_with_the_valid_methods():
    adapter = adapter_for(
        Rule("/items", methods=["GET"], endpoint="list"),
        Rule("/items", methods=["POST"], endpoint="create"),
        Rule("/item/<int:id>", methods=["GET", "PUT"], endpoint="item"),
    )
    with pytest.raises(MethodNotAllowed) as caught:
        adapter.match("/items", "DELETE")
    assert caught.value.valid_methods == ["GET", "HEAD", "POST"]
    assert ("Allow", "GET, HEAD, POST") in caught.value.get_headers()
    with pytest.raises(MethodNotAllowed) as caught:
        adapter.match("/item/3", "PATCH")
    assert caught.value.valid_methods == ["GET", "HEAD", "PUT"]


def test_405_only_when_the_path_exists():
    adapter = adapter_for(Rule("/item/<int:id>", methods=["GET"], endpoint="item"))
    with pytest.raises(NotFound):
        adapter.match("/item/x", "POST")


def test_a_later_rule_serving_the_method_wins_over_405():
    adapter = adapter_for(
        Rule("/x/<int:id>", methods=["GET"], endpoint="get"),
        Rule("/x/<name>", methods=["POST"], endpoint="post"),
    )
    assert adapter.match("/x/5", "POST") == ("post", {"name": "5"})


def test_default_method_comes_from_binding():
    url_map = Map([Rule("/x", methods=["POST"], endpoint="x")])
    assert url_map.bind("h", default_method="POST").match("/x") == ("x", {})
    with pytest.raises(MethodNotAllowed):
        url_map.bind("h").match("/x")


def test_allowed_methods_for_options():
    adapter = adapter_for(
        Rule("/x", methods=["GET"], endpoint="a"),
        Rule("/x", methods=["POST", "OPTIONS"], endpoint="b"),
        Rule("/y/<int:id>", methods=["DELETE"], endpoint="c"),
    )
    assert adapter.allowed_methods("/x") == ["GET", "HEAD", "OPTIONS", "POST"]
    assert adapter.allowed_methods("/y/1") == ["DELETE"]
    assert adapter.allowed_methods("/nothing") == []


def test_test_tells_whether_a_path_matches():
    adapter = adapter_for(Rule("/x/", endpoint="x"), Rule("/y", methods=["POST"], endpoint="y"))
    assert adapter.test("/x/")
    assert adapter.test("/x")  # a redirect counts
    assert not adapter.test("/nothing")
    assert not adapter.test("/y", "GET")


def test_dispatch_calls_the_view_function():
    adapter = adapter_for(Rule("/x/<int:id>", endpoint="x"), Rule("/d/", endpoint="d"))
    assert adapter.dispatch(lambda endpoint, values: (endpoint, values), "/x/2") == ("x", {"id": 2})
    assert isinstance(adapter.dispatch(lambda e, v: None, "/d"), RequestRedirect)
    caught = adapter.dispatch(lambda e, v: None, "/z", catch_http_exceptions=True)
    assert isinstance(caught, NotFound)
    with pytest.raises(NotFound):
        adapter.dispatch(lambda e, v: None, "/z")


# -- slashes ---------------------------------------------------------------------------------


def test_missing_trailing_slash_redirects_with_308_keeping_the_query():
    url_map = Map([Rule("/foo/", endpoint="foo"), Rule("/u/<name>/", endpoint="user")])
    adapter = url_map.bind("example.com", "/app", query_args="a=1&b=x%20y")
    redirect = redirect_of(adapter, "/foo")
    assert redirect.code == 308
    assert redirect.new_url == "http://example.com/app/foo/?a=1&b=x%20y"
    redirect = redirect_of(adapter, "/u/ann b")
    assert redirect.new_url == "http://example.com/app/u/ann%20b/?a=1&b=x%20y"
    assert adapter.match("/foo/") == ("foo", {})


def test_slash_redirect_of_the_root_of_a_mounted_app():
    adapter = Map([Rule("/", endpoint="index")]).bind("example.com", "/app")
    assert redirect_of(adapter, "").new_url == "http://example.com/app/"


def test_query_args_given_to_match_win():
    adapter = adapter_for(Rule("/foo/", endpoint="foo"))
    with pytest.raises(RequestRedirect) as caught:
        adapter.match("/foo", query_args={"q": "a b"})
    assert caught.value.new_url == "http://example.com/foo/?q=a+b"


def test_strict_slashes_off_matches_both_spellings():
    adapter = adapter_for(
        Rule("/branch/", endpoint="branch", strict_slashes=False),
        Rule("/leaf", endpoint="leaf", strict_slashes=False),
        Rule("/strict-leaf", endpoint="strict"),
    )
    assert adapter.match("/branch") == ("branch", {})
    assert adapter.match("/branch/") == ("branch", {})
    assert adapter.match("/leaf") == ("leaf", {})
    assert adapter.match("/leaf/") == ("leaf", {})
    with pytest.raises(NotFound):
        adapter.match("/strict-leaf/")


def test_strict_slashes_off_for_the_whole_map():
    adapter = adapter_for(
        Rule("/x/", endpoint="x"), Rule("/y/<int:n>", endpoint="y"), strict_slashes=False
    )
    assert adapter.match("/x") == ("x", {})
    assert adapter.match("/y/1/") == ("y", {"n": 1})


def test_a_leaf_and_a_branch_of_the_same_name_coexist():
    adapter = adapter_for(Rule("/x", endpoint="leaf"), Rule("/x/", endpoint="branch"))
    assert adapter.match("/x") == ("leaf", {})
    assert adapter.match("/x/") == ("branch", {})


def test_branch_redirect_beats_a_variable_rule():
    adapter = adapter_for(Rule("/docs/", endpoint="docs"), Rule("/<page>", endpoint="page"))
    assert redirect_of(adapter, "/docs").new_url == "http://example.com/docs/"
    assert adapter.match("/other") == ("page", {"page": "other"})


def test_a_redirect_is_not_offered_for_a_method_the_rule_refuses():
    adapter = adapter_for(Rule("/x/", methods=["POST"], endpoint="x"))
    with pytest.raises(NotFound):
        adapter.match("/x", "GET")


def test_path_converter_branch_redirects():
    adapter = adapter_for(Rule("/files/<path:p>/", endpoint="dir"))
    assert adapter.match("/files/a/b/") == ("dir", {"p": "a/b"})
    assert redirect_of(adapter, "/files/a/b").new_url == "http://example.com/files/a/b/"


def test_repeated_slashes_redirect_to_the_merged_url():
    adapter = adapter_for(Rule("/a/b", endpoint="ab"), Rule("/c/<int:n>/", endpoint="c"))
    assert redirect_of(adapter, "/a//b").new_url == "http://example.com/a/b"
    assert redirect_of(adapter, "/c//5").new_url == "http://example.com/c/5/"
    assert adapter.match("//a/b") == ("ab", {})  # leading slashes are not part of the path


def test_repeated_slashes_inside_a_path_value_are_kept():
    adapter = adapter_for(Rule("/p/<path:p>", endpoint="p"))
    assert adapter.match("/p/a//b") == ("p", {"p": "a//b"})


def test_merge_slashes_disabled():
    adapter = adapter_for(Rule("/a/b", endpoint="ab"), merge_slashes=False)
    with pytest.raises(NotFound):
        adapter.match("/a//b")
    adapter = adapter_for(Rule("/a/b", endpoint="ab", merge_slashes=False))
    with pytest.raises(NotFound):
        adapter.match("/a//b")


def test_a_path_without_a_leading_slash_is_read_as_one():
    adapter = adapter_for(Rule("/a/<int:n>", endpoint="a"), Rule("/b", endpoint="b"))
    assert adapter.match("a/1") == ("a", {"n": 1})
    assert adapter.match("b") == ("b", {})


# -- defaults, aliases, redirect_to ----------------------------------------------------------


@pytest.fixture
def pages():
    return Map(
        [
            Rule("/all/", defaults={"page": 1}, endpoint="all"),
            Rule("/all/page/<int:page>", endpoint="all"),
        ]
    )


def test_defaults_become_view_arguments(pages):
    assert pages.bind("example.com").match("/all/") == ("all", {"page": 1})
    assert pages.bind("example.com").match("/all/page/2") == ("all", {"page": 2})


def test_url_spelling_a_default_redirects_to_the_canonical_one(pages):
    adapter = pages.bind("example.com", query_args="x=1")
    assert redirect_of(adapter, "/all/page/1").new_url == "http://example.com/all/?x=1"


def test_redirect_defaults_can_be_disabled():
    url_map = Map(
        [
            Rule("/all/", defaults={"page": 1}, endpoint="all"),
            Rule("/all/page/<int:page>", endpoint="all"),
        ],
        redirect_defaults=False,
    )
    assert url_map.bind("h").match("/all/page/1") == ("all", {"page": 1})


def test_alias_redirects_to_the_canonical_rule():
    adapter = Map(
        [Rule("/about", endpoint="about"), Rule("/about-us", endpoint="about", alias=True)]
    ).bind("example.com", query_args="a=b")
    assert redirect_of(adapter, "/about-us").new_url == "http://example.com/about?a=b"
    assert adapter.build("about") == "/about"


def test_redirect_to_a_rule_string_and_a_callable():
    adapter = Map(
        [
            Rule("/foo/<slug>", endpoint="foo"),
            Rule("/old/<slug>", redirect_to="foo/<slug>"),
            Rule("/older/<int:id>", redirect_to=lambda adapter, id: f"/foo/item-{id}"),
        ]
    ).bind("example.com", "/app")
    assert redirect_of(adapter, "/old/a b").new_url == "http://example.com/app/foo/a%20b"
    assert redirect_of(adapter, "/older/7").new_url == "http://example.com/foo/item-7"


def test_build_only_rules_never_match():
    adapter = adapter_for(Rule("/static/<path:f>", endpoint="static", build_only=True))
    with pytest.raises(NotFound):
        adapter.match("/static/a.css")
    assert adapter.build("static", {"f": "a.css"}) == "/static/a.css"


# -- websocket -------------------------------------------------------------------------------


def test_websocket_rules_match_websocket_requests_only():
    url_map = Map(
        [
            Rule("/ws", endpoint="ws", websocket=True),
            Rule("/http", endpoint="http"),
            Rule("/both", endpoint="both_ws", websocket=True),
            Rule("/both", endpoint="both_http"),
        ]
    )
    socket = url_map.bind("example.com", url_scheme="wss")
    plain = url_map.bind("example.com", url_scheme="https")
    assert socket.match("/ws") == ("ws", {})
    assert socket.match("/both") == ("both_ws", {})
    assert plain.match("/both") == ("both_http", {})
    with pytest.raises(WebsocketMismatch) as caught:
        plain.match("/ws")
    assert caught.value.code == 400
    assert plain.match("/ws", websocket=True) == ("ws", {})
    with pytest.raises(WebsocketMismatch):
        socket.match("/http")


# -- odd input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/\x00",
        "/%",
        "/\udcff\udcfe",
        "/\ufffd",
        "/" + "a" * 10000,
        "/../../etc/passwd",
        "/a\nb",
        "/<int:x>",
        "/(?P<x>)",
        "\\",
        "?",
        "/x/" * 200,
    ],
)
def test_odd_paths_are_404(path):
    adapter = adapter_for(
        Rule("/", endpoint="index"),
        Rule("/x/<int:n>", endpoint="x"),
        Rule("/y/<uuid:u>/", endpoint="y"),
        Rule("/z/<float:f>", endpoint="z"),
    )
    with pytest.raises(NotFound):
        adapter.match(path)


def test_random_paths_raise_only_http_exceptions():
    adapter = adapter_for(
        Rule("/", endpoint="index"),
        Rule("/docs/", endpoint="docs"),
        Rule("/u/<name>/", endpoint="user"),
        Rule("/n/<int(min=3):n>", endpoint="n"),
        Rule("/f/<float(signed=True):f>", endpoint="f"),
        Rule("/id/<uuid:u>", endpoint="id"),
        Rule("/p/<path:p>", endpoint="p"),
        Rule("/a/<any(x, y):a>", endpoint="a", methods=["POST"]),
    )
    alphabet = string.printable + "/////\x00\udcff\u00e9\u4e2d%"
    rng = random.Random(1234)
    for _ in range(3000):
        path = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        try:
            adapter.match(path, rng.choice(["GET", "POST", "get", "BREW"]))
        except HTTPException:
            pass
