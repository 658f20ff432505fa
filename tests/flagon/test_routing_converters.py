"""Converters: what each built-in one matches and returns, how values go back into URLs,
validation failures falling through to the next rule, and custom converters."""

from __future__ import annotations

import uuid

import pytest

from flagon.exceptions import NotFound
from flagon.routing import BaseConverter, Map, PathConverter, Rule, ValidationError


def match(rule: str, path: str, **map_options):
    """The view arguments ``rule`` gives for ``path``."""
    url_map = Map([Rule(rule, endpoint="e")], **map_options)
    return url_map.bind("example.com").match(path)[1]


def no_match(rule: str, path: str) -> bool:
    try:
        match(rule, path)
    except NotFound:
        return True
    return False


def build(rule: str, **values) -> str:
    return Map([Rule(rule, endpoint="e")]).bind("example.com").build("e", values)


# -- string ----------------------------------------------------------------------------------


def test_default_converter_takes_one_segment():
    assert match("/page/<name>", "/page/hello world") == {"name": "hello world"}
    assert no_match("/page/<name>", "/page/a/b")
    assert no_match("/page/<name>", "/page/")


def test_string_length_bounds():
    assert match("/<string(length=2):code>", "/fr") == {"code": "fr"}
    assert no_match("/<string(length=2):code>", "/fra")
    assert match("/<string(minlength=3, maxlength=4):w>", "/abcd") == {"w": "abcd"}
    assert no_match("/<string(minlength=3, maxlength=4):w>", "/ab")
    assert no_match("/<string(minlength=3, maxlength=4):w>", "/abcde")


def test_string_values_are_quoted_when_building():
    assert build("/page/<name>", name="a b/c?d#e%f") == "/page/a%20b%2Fc%3Fd%23e%25f"
    assert build("/page/<name>", name="ünï") == "/page/%C3%BCn%C3%AF"
    assert build("/page/<name>", name="a-b_c.d~e!$&'()*+,;=:@") == "/page/a-b_c.d~e!$&'()*+,;=:@"
    assert build("/page/<name>", name=42) == "/page/42"


# -- path ------------------------------------------------------------------------------------


def test_path_spans_segments():
    assert match("/wiki/<path:page>", "/wiki/a/b/c") == {"page": "a/b/c"}
    assert match("/wiki/<path:page>/edit", "/wiki/a/b/edit") == {"page": "a/b"}
    assert no_match("/wiki/<path:page>", "/wiki/")


def test_path_keeps_slashes_when_building():
    assert build("/wiki/<path:page>", page="a b/c") == "/wiki/a%20b/c"


def test_path_matches_a_percent_encoded_newline():
    assert match("/wiki/<path:page>", "/wiki/a\nb") == {"page": "a\nb"}


# -- int and float ---------------------------------------------------------------------------


def test_int_converts_and_refuses_non_digits():
    assert match("/<int:n>", "/42") == {"n": 42}
    assert no_match("/<int:n>", "/4x")
    assert no_match("/<int:n>", "/-1")
    assert no_match("/<int:n>", "/١٢")  # digits of other scripts are not numbers here


def test_int_signed_bounds_and_fixed_digits():
    assert match("/<int(signed=True):n>", "/-7") == {"n": -7}
    assert match("/<int(min=1, max=9):n>", "/9") == {"n": 9}
    assert no_match("/<int(min=1, max=9):n>", "/0")
    assert no_match("/<int(min=1, max=9):n>", "/10")
    assert match("/<int(fixed_digits=4):y>", "/0042") == {"y": 42}
    assert no_match("/<int(fixed_digits=4):y>", "/42")


def test_int_building_pads_fixed_digits():
    assert build("/<int(fixed_digits=4):y>", y=42) == "/0042"
    assert build("/<int:n>", n="7") == "/7"


def test_an_enormous_int_is_a_404_not_a_crash():
    assert no_match("/<int:n>", "/" + "9" * 5000)


def test_float_needs_a_decimal_point():
    assert match("/<float:f>", "/1.5") == {"f": 1.5}
    assert no_match("/<float:f>", "/15")
    assert match("/<float(signed=True):f>", "/-0.5") == {"f": -0.5}
    assert no_match("/<float(max=1.0):f>", "/1.5")
    assert build("/<float:f>", f=0.25) == "/0.25"


# -- uuid and any ---------------------------------------------------------------------------


def test_uuid_in_either_case():
    value = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
    assert match("/<uuid:u>", "/123e4567-e89b-12d3-a456-426614174000") == {"u": value}
    assert match("/<uuid:u>", "/123E4567-E89B-12D3-A456-426614174000") == {"u": value}
    assert no_match("/<uuid:u>", "/123e4567-e89b-12d3-a456-42661417400")
    assert build("/<uuid:u>", u=value) == "/123e4567-e89b-12d3-a456-426614174000"


def test_any_matches_one_of_its_items():
    rule = '/<any(about, help, "a,b"):page>'
    assert match(rule, "/about") == {"page": "about"}
    assert match(rule, "/a,b") == {"page": "a,b"}
    assert no_match(rule, "/other")
    assert no_match(rule, "/aboutx")
    assert build(rule, page="help") == "/help"
    with pytest.raises(ValueError, match="'nope' is not one of 'a,b', 'about', 'help'"):
        build(rule, page="nope")


# -- failures fall through -------------------------------------------------------------------


def test_a_refused_value_lets_the_next_rule_match():
    url_map = Map(
        [
            Rule("/item/<int(max=10):n>", endpoint="small"),
            Rule("/item/<int:n>", endpoint="big"),
            Rule("/item/<name>", endpoint="named"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/item/3") == ("small", {"n": 3})
    assert adapter.match("/item/30") == ("big", {"n": 30})
    assert adapter.match("/item/x") == ("named", {"name": "x"})


def test_validation_error_in_a_custom_converter_falls_through():
    class EvenConverter(BaseConverter):
        regex = "[0-9]+"
        weight = 10  # lighter than int: tried first

        def to_python(self, value):
            if int(value) % 2:
                raise ValidationError()
            return int(value)

    url_map = Map(
        [Rule("/n/<even:n>", endpoint="even"), Rule("/n/<int:n>", endpoint="odd")],
        converters={"even": EvenConverter},
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/n/4") == ("even", {"n": 4})
    assert adapter.match("/n/5") == ("odd", {"n": 5})


def test_a_refused_value_with_no_other_rule_is_a_404():
    assert no_match("/<int(max=3):n>", "/4")


# -- custom converters -----------------------------------------------------------------------


class ListConverter(BaseConverter):
    """Comma-separated values."""

    def to_python(self, value):
        return value.split(",")

    def to_url(self, values):
        return ",".join(super(ListConverter, self).to_url(value) for value in values)


def test_custom_converter_given_to_the_map():
    url_map = Map([Rule("/tags/<list:tags>", endpoint="tags")], converters={"list": ListConverter})
    adapter = url_map.bind("example.com")
    assert adapter.match("/tags/a,b") == ("tags", {"tags": ["a", "b"]})
    assert adapter.build("tags", {"tags": ["x y", "z"]}) == "/tags/x%20y,z"


def test_custom_converter_registered_later_on_the_map():
    url_map = Map()
    url_map.converters["list"] = ListConverter
    url_map.add(Rule("/tags/<list:tags>", endpoint="tags"))
    assert url_map.bind("h").match("/tags/a,b")[1] == {"tags": ["a", "b"]}


def test_converters_are_per_map():
    first = Map()
    first.converters["list"] = ListConverter
    with pytest.raises(LookupError, match="'list'"):
        Map([Rule("/<list:x>", endpoint="e")])
    assert "list" not in Map.default_converters


def test_replacing_a_default_converter():
    class ShortString(BaseConverter):
        regex = "[a-z]{1,3}"

    url_map = Map([Rule("/<x>", endpoint="e")], converters={"default": ShortString})
    adapter = url_map.bind("h")
    assert adapter.match("/abc") == ("e", {"x": "abc"})
    with pytest.raises(NotFound):
        adapter.match("/abcd")


def test_converter_arguments_reach_the_constructor():
    class Between(BaseConverter):
        def __init__(self, map, low, high=99, *, inclusive=True):
            super().__init__(map)
            self.low, self.high, self.inclusive = low, high, inclusive
            self.regex = "[0-9]+"

        def to_python(self, value):
            number = int(value)
            if not self.low <= number <= self.high:
                raise ValidationError()
            return number

    url_map = Map(
        [Rule("/<between(5, high=7, inclusive=False):n>", endpoint="e")],
        converters={"between": Between},
    )
    converter = url_map._rules[0]._converters["n"]
    assert (converter.low, converter.high, converter.inclusive) == (5, 7, False)
    assert url_map.bind("h").match("/6") == ("e", {"n": 6})


def test_a_regex_with_a_slash_makes_the_converter_span_segments():
    class TwoParts(BaseConverter):
        regex = "[a-z]+/[a-z]+"

    assert TwoParts.part_isolating is False
    assert match("/x/<two:v>", "/x/ab/cd", converters={"two": TwoParts}) == {"v": "ab/cd"}
    assert build_with_converter(TwoParts, "ab/cd") == "/x/ab/cd"


def build_with_converter(converter, value):
    url_map = Map([Rule("/x/<two:v>", endpoint="e")], converters={"two": converter})
    return url_map.bind("h").build("e", {"v": value})


def test_a_segment_converter_cannot_swallow_a_slash():
    class Loose(BaseConverter):
        regex = ".+"
        part_isolating = True

    url_map = Map([Rule("/x/<loose:v>", endpoint="e")], converters={"loose": Loose})
    adapter = url_map.bind("h")
    assert adapter.match("/x/abc") == ("e", {"v": "abc"})
    with pytest.raises(NotFound):
        adapter.match("/x/a/b")


def test_converter_regex_with_groups_keeps_values_in_place():
    class Pair(BaseConverter):
        regex = r"(\d+)-(\d+)"

        def to_python(self, value):
            return tuple(int(part) for part in value.split("-"))

    url_map = Map(
        [Rule("/<pair:a>/<int:b>", endpoint="e"), Rule("/<pair:c>/x/<name>", endpoint="f")],
        converters={"pair": Pair},
    )
    adapter = url_map.bind("h")
    assert adapter.match("/1-2/3") == ("e", {"a": (1, 2), "b": 3})
    assert adapter.match("/4-5/x/y") == ("f", {"c": (4, 5), "name": "y"})


def test_path_converter_weight_puts_it_last():
    assert PathConverter.weight > BaseConverter.weight


def test_converter_with_an_invalid_regex_is_refused_when_added():
    class Broken(BaseConverter):
        regex = "[a-"

    with pytest.raises(ValueError, match="invalid regex"):
        Map([Rule("/<broken:x>", endpoint="e")], converters={"broken": Broken})


def test_converters_with_named_groups_still_match():
    class Named(BaseConverter):
        regex = r"(?P<digits>[0-9]+)"

    url_map = Map(
        [
            Rule("/a/<named:x>", endpoint="one"),
            Rule("/a/<named:x>/b", endpoint="two"),
            Rule("/a/<named:x>/<named:y>", endpoint="three"),
        ],
        converters={"named": Named},
    )
    adapter = url_map.bind("h")
    assert adapter.match("/a/1") == ("one", {"x": "1"})
    assert adapter.match("/a/1/b") == ("two", {"x": "1"})
    assert adapter.match("/a/1/2") == ("three", {"x": "1", "y": "2"})
    with pytest.raises(NotFound):
        adapter.match("/a/x")


class Doubled(BaseConverter):
    """A letter written twice: the regex refers back to a named group."""

    regex = r"(?P<letter>[a-z])(?P=letter)"


def test_converters_referring_back_to_a_group_in_several_rules():
    url_map = Map(
        [Rule("/d/<doubled:x>", endpoint="one"), Rule("/d/<doubled:x>/more", endpoint="two")],
        converters={"doubled": Doubled},
    )
    adapter = url_map.bind("h")
    assert adapter.match("/d/aa") == ("one", {"x": "aa"})
    assert adapter.match("/d/bb/more") == ("two", {"x": "bb"})
    with pytest.raises(NotFound):
        adapter.match("/d/ab")


def test_a_converter_referring_back_to_a_group_twice_in_one_rule_is_refused():
    with pytest.raises(ValueError, match="once per rule"):
        Map([Rule("/<doubled:x>/<doubled:y>", endpoint="e")], converters={"doubled": Doubled})
