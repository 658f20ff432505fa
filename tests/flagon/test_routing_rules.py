"""Rules: parsing rule strings and converter arguments, malformed rules, attributes, repr,
copies and rule factories."""

from __future__ import annotations

import pytest

from flagon.routing import (
    EndpointPrefix,
    Map,
    Rule,
    RuleTemplate,
    Subdomain,
    Submount,
    parse_converter_args,
)


def bound(rule: Rule, **map_options) -> Rule:
    Map([rule], **map_options)
    return rule


# -- attributes ------------------------------------------------------------------------------


def test_methods_are_uppercased_and_get_brings_head():
    rule = Rule("/x", methods=["get", "post"], endpoint="x")
    assert rule.methods == {"GET", "HEAD", "POST"}


def test_methods_without_get_get_no_head():
    assert Rule("/x", methods=["POST"]).methods == {"POST"}


def test_no_methods_means_any_method():
    assert Rule("/x").methods is None


def test_methods_as_a_string_is_refused():
    with pytest.raises(TypeError, match="list of strings"):
        Rule("/x", methods="GET")


def test_websocket_rules_only_take_get_head_options():
    with pytest.raises(ValueError, match="WebSocket"):
        Rule("/ws", methods=["POST"], websocket=True)


def test_arguments_are_the_variables_and_the_defaults():
    rule = bound(Rule("/<int:year>/<slug>", defaults={"page": 1}, endpoint="e"))
    assert rule.arguments == {"year", "slug", "page"}
    assert rule.defaults == {"page": 1}


def test_binding_takes_the_map_settings():
    rule = bound(Rule("/x/"), strict_slashes=False, default_subdomain="www")
    assert rule.strict_slashes is False
    assert rule.subdomain == "www"
    assert rule.merge_slashes is True


def test_rule_settings_win_over_the_map():
    rule = bound(Rule("/x/", strict_slashes=True, subdomain="api"), strict_slashes=False)
    assert rule.strict_slashes is True
    assert rule.subdomain == "api"


def test_a_rule_knows_its_map_and_cannot_join_another():
    url_map = Map()
    rule = Rule("/x", endpoint="x")
    assert rule.map is None
    url_map.add(rule)
    assert rule.map is url_map
    with pytest.raises(RuntimeError, match="already bound"):
        Map([rule])


def test_provide_automatic_options_is_a_settable_attribute():
    rule = Rule("/x")
    assert rule.provide_automatic_options is False
    rule.provide_automatic_options = True
    assert rule.provide_automatic_options is True


def test_leaf_and_branch():
    assert Rule("/x").is_leaf and not Rule("/x").is_branch
    assert Rule("/x/").is_branch and not Rule("/x/").is_leaf


def test_repr_shows_the_rule_methods_and_endpoint():
    rule = bound(Rule("/x/<int:id>", methods=["GET", "OPTIONS"], endpoint="show"))
    assert repr(rule) == "<Rule '/x/<id>' (GET, HEAD, OPTIONS) -> show>"
    assert repr(bound(Rule("/", endpoint="index"))) == "<Rule '/' -> index>"
    assert str(rule) == "/x/<int:id>"


def test_repr_of_an_unbound_rule_and_of_a_subdomain_rule():
    assert repr(Rule("/x", endpoint="x")) == "<Rule '/x' (unbound)>"
    assert repr(bound(Rule("/x", subdomain="<user>", endpoint="x"))) == "<Rule '<user>|/x' -> x>"


def test_map_repr_lists_the_rules():
    url_map = Map([Rule("/", endpoint="index"), Rule("/a", endpoint="a")])
    assert repr(url_map) == "Map([<Rule '/' -> index>, <Rule '/a' -> a>])"


def test_rules_compare_by_pattern():
    first = bound(Rule("/x/<int:id>", endpoint="a"))
    assert first == bound(Rule("/x/<int:id>", endpoint="b"))
    assert first != bound(Rule("/y/<int:id>", endpoint="a"))
    assert first != "/x/<int:id>"


def test_empty_returns_an_unbound_copy():
    rule = bound(Rule("/x/<id>", endpoint="x", methods=["POST"], defaults={"a": 1}, host="h"))
    copy = rule.empty()
    assert copy.map is None
    assert (copy.rule, copy.endpoint, copy.methods, copy.defaults, copy.host) == (
        "/x/<id>",
        "x",
        {"POST"},
        {"a": 1},
        "h",
    )
    assert copy.defaults is not rule.defaults
    Map([copy])  # can be added to another map


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ((), {})),
        ("2", ((2,), {})),
        ("1.5, -3", ((1.5, -3), {})),
        ("True, False, None", ((True, False, None), {})),
        ("'a', \"b,c\"", (("a", "b,c"), {})),
        ("about, help", (("about", "help"), {})),
        ("length=2", ((), {"length": 2})),
        ("min=1, max=9, signed=True", ((), {"min": 1, "max": 9, "signed": True})),
        ("3, name = 'x'", ((3,), {"name": "x"})),
        ("a,", (("a",), {})),
    ],
)
def test_converter_arguments_are_python_literals(text, expected):
    assert parse_converter_args(text) == expected


def test_a_keyword_argument_given_twice_is_refused():
    with pytest.raises(ValueError, match="given twice"):
        parse_converter_args("length=1, length=2")


def test_converter_arguments_in_a_rule():
    rule = Rule("/<string(length=2):code>/<int(min=-5, max=9, signed=True):n>", endpoint="e")
    url_map = Map([rule])
    adapter = url_map.bind("example.com")
    assert adapter.match("/fr/-3") == ("e", {"code": "fr", "n": -3})
    assert adapter.match("/fr/9") == ("e", {"code": "fr", "n": 9})


def test_a_quoted_argument_may_hold_a_closing_parenthesis():
    url_map = Map([Rule('/<any("a)", b):x>', endpoint="e")])
    assert url_map.bind("h").match("/a)") == ("e", {"x": "a)"})


@pytest.mark.parametrize(
    "rule",
    ["/<", "/<id", "/x/<int:>", "/<:name>", "/<1abc>", "/<int(:x>", "/a<b c>", "/<int(1 2 ='):x>"],
)
def test_malformed_rules_raise_value_error(rule):
    with pytest.raises(ValueError, match="malformed url rule"):
        Map([Rule(rule, endpoint="e")])


def test_a_rule_must_start_with_a_slash():
    with pytest.raises(ValueError, match="must start with a slash"):
        Rule("x/y")


def test_an_unknown_converter_raises_lookup_error_naming_it():
    with pytest.raises(LookupError, match="'nope'"):
        Map([Rule("/<nope:x>", endpoint="e")])


def test_a_variable_used_twice_is_refused():
    with pytest.raises(ValueError, match="'id' used twice"):
        Map([Rule("/<id>/<int:id>", endpoint="e")])
    with pytest.raises(ValueError, match="'user' used twice"):
        Map([Rule("/<user>", subdomain="<user>", endpoint="e")])


def test_bad_converter_arguments_are_a_value_error():
    with pytest.raises(ValueError, match="invalid arguments for converter 'int'"):
        Map([Rule("/<int(colour=1):x>", endpoint="e")])


def test_any_needs_items():
    with pytest.raises(ValueError, match="at least one item"):
        Map([Rule("/<any:x>", endpoint="e")])


def test_repeated_slashes_in_a_rule_are_merged_unless_disabled():
    url_map = Map([Rule("/a//b", endpoint="ab"), Rule("/c//d", endpoint="cd", merge_slashes=False)])
    adapter = url_map.bind("h")
    assert adapter.match("/a/b") == ("ab", {})
    assert adapter.build("ab") == "/a/b"
    assert adapter.match("/c//d") == ("cd", {})
    assert adapter.build("cd") == "/c//d"


# -- factories --------------------------------------------------------------------------------


def test_submount_subdomain_and_endpoint_prefix():
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            EndpointPrefix(
                "blog.",
                [
                    Submount(
                        "/blog/", [Rule("/", endpoint="index"), Rule("/<int:id>", endpoint="post")]
                    )
                ],
            ),
            Subdomain("<lang>", [Rule("/about", endpoint="about")]),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/blog/") == ("blog.index", {})
    assert adapter.match("/blog/3") == ("blog.post", {"id": 3})
    assert adapter.build("blog.post", {"id": 4}) == "/blog/4"
    assert adapter.build("about", {"lang": "de"}) == "http://de.example.com/about"
    assert url_map.bind("example.com", subdomain="fr").match("/about") == ("about", {"lang": "fr"})


def test_rule_template_fills_placeholders():
    resource = RuleTemplate(
        [Rule("/$name/", endpoint="$name.list"), Rule("/$name/<int:id>", endpoint="$name.show")]
    )
    url_map = Map([resource(name="user"), resource(name="page")])
    adapter = url_map.bind("h")
    assert adapter.match("/user/") == ("user.list", {})
    assert adapter.match("/page/2") == ("page.show", {"id": 2})


def test_iter_rules_and_is_endpoint_expecting():
    url_map = Map(
        [Rule("/", endpoint="index"), Rule("/<lang>/", endpoint="index"), Rule("/a", endpoint="a")]
    )
    assert [rule.rule for rule in url_map.iter_rules()] == ["/", "/<lang>/", "/a"]
    assert [rule.rule for rule in url_map.iter_rules("index")] == ["/<lang>/", "/"]
    assert url_map.is_endpoint_expecting("index", "lang")
    assert not url_map.is_endpoint_expecting("a", "lang")
    assert "index" in url_map._rules_by_endpoint
