"""The tagged JSON serializer behind session cookies: exact round trips and custom tags."""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from markupsafe import Markup

from flagon.json.tag import JSONTag, TaggedJSONSerializer


@pytest.fixture
def serializer():
    return TaggedJSONSerializer()


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": "two", "c": None, "d": True, "e": 1.5},
        (),
        (1, "two", (3.0,)),
        [1, (2, 3), [4, (5,)]],
        b"\x00\x01binary\xff",
        b"",
        Markup("<b>bold</b>"),
        UUID("31614496-963a-48fa-8924-d1733453a6ab"),
        datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        {" t": "not a tuple"},
        {" di": "not a tagged dict"},
        {" t__": "a suffixed key"},
        {" t": {" u": (b"nested",)}},
        {"x": {" m": "<i>"}, "y": [{" b": "not base64"}]},
        "unicode é 🐍",
        [],
        {},
    ],
    ids=repr,
)
def test_values_round_trip_exactly(serializer, value):
    loaded = serializer.loads(serializer.dumps(value))
    assert loaded == value
    assert type(loaded) is type(value)


def test_nested_types_are_restored(serializer):
    value = {"flashes": [("message", Markup("<b>hi</b>"))], "ids": (uuid4(), uuid4())}
    loaded = serializer.loads(serializer.dumps(value))
    assert type(loaded["flashes"][0]) is tuple
    assert type(loaded["flashes"][0][1]) is Markup
    assert all(type(ident) is UUID for ident in loaded["ids"])


def test_output_is_compact_and_keeps_non_ascii(serializer):
    text = serializer.dumps({"name": "Zoë", "pair": (1, 2)})
    assert text == '{"name":"Zoë","pair":{" t":[1,2]}}'


def test_anything_with_html_loads_as_markup(serializer):
    class Snippet:
        def __html__(self):
            return "<em>x</em>"

    loaded = serializer.loads(serializer.dumps(Snippet()))
    assert loaded == Markup("<em>x</em>") and type(loaded) is Markup


# -- datetimes -----------------------------------------------------------------------------------


def test_datetimes_load_as_aware_utc_keeping_microseconds(serializer):
    naive = datetime(2024, 1, 2, 3, 4, 5, 678901)
    assert serializer.loads(serializer.dumps(naive)) == naive.replace(tzinfo=UTC)

    paris = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))
    loaded = serializer.loads(serializer.dumps(paris))
    assert loaded == paris  # the same instant
    assert loaded.utcoffset() == timedelta(0)
    assert loaded.hour == 2


def test_http_dates_written_by_flask_load(serializer):
    loaded = serializer.loads('{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}')
    assert loaded == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_unreadable_datetime_is_an_error(serializer):
    with pytest.raises(ValueError):
        serializer.loads('{" d":"yesterday"}')


# -- values JSON can't hold -----------------------------------------------------------------------


def test_other_types_are_converted_as_the_json_provider_does(serializer):
    @dataclass
    class Point:
        x: int
        y: int

    loaded = serializer.loads(
        serializer.dumps({"price": Decimal("9.99"), "day": date(2024, 1, 2), "at": Point(1, 2)})
    )
    assert loaded == {
        "price": "9.99",
        "day": "Tue, 02 Jan 2024 00:00:00 GMT",
        "at": {"x": 1, "y": 2},
    }


def test_an_unserializable_value_is_a_type_error(serializer):
    with pytest.raises(TypeError, match="not JSON serializable"):
        serializer.dumps({"s": {1, 2}})


# -- custom tags --------------------------------------------------------------------------------


class TagOrderedDict(JSONTag):
    __slots__ = ()
    key = " od"

    def check(self, value):
        return isinstance(value, OrderedDict)

    def to_json(self, value):
        return [[k, self.serializer.tag(v)] for k, v in value.items()]

    def to_python(self, value):
        return OrderedDict(value)


def test_a_registered_tag_round_trips_its_type(serializer):
    serializer.register(TagOrderedDict, index=0)  # before the general dict tag
    value = OrderedDict([("b", (1,)), ("a", 2)])
    loaded = serializer.loads(serializer.dumps(value))
    assert type(loaded) is OrderedDict and loaded == value
    assert type(loaded["b"]) is tuple


def test_registering_a_taken_key_needs_force(serializer):
    class OtherTuple(JSONTag):
        key = " t"

    with pytest.raises(KeyError, match="already registered"):
        serializer.register(OtherTuple)
    serializer.register(OtherTuple, force=True)
    assert isinstance(serializer.tags[" t"], OtherTuple)


def test_a_custom_tag_may_claim_plain_values(serializer):
    class TagShout(JSONTag):
        key = " shout"

        def check(self, value):
            return isinstance(value, str) and value.isupper()

        def to_json(self, value):
            return value.lower()

        def to_python(self, value):
            return value.upper()

    serializer.register(TagShout, index=0)
    text = serializer.dumps({"a": "HEY", "b": "quiet"})
    assert json.loads(text) == {"a": {" shout": "hey"}, "b": "quiet"}
    assert serializer.loads(text) == {"a": "HEY", "b": "quiet"}


def test_untag_leaves_ordinary_dicts_alone(serializer):
    assert serializer.untag({"a": 1}) == {"a": 1}
    assert serializer.untag({" unknown": 1}) == {" unknown": 1}
    assert serializer.untag({" t": [1], "b": 2}) == {" t": [1], "b": 2}
    assert serializer.untag({" t": [1]}) == (1,)


@pytest.mark.parametrize(
    "text", ['{"a": 1} ', ' {"a": 1}', '{"a": 1}{"b": 2}', "\ufeff{}", "", "{"]
)
def test_loads_reports_malformed_json_like_the_standard_library(text):
    import json as std_json

    serializer = TaggedJSONSerializer()
    try:
        expected = std_json.loads(text)
    except ValueError as error:
        with pytest.raises(type(error)):
            serializer.loads(text)
    else:
        assert serializer.loads(text) == expected
