"""Tagged JSON: compact JSON that keeps the Python types JSON lacks, for the session cookie.

A value JSON can't represent is written as a one-key object whose key is a tag, ``{" t": [1, 2]}``
for the tuple ``(1, 2)``; loading turns tagged objects back into the original types. Supported:
``tuple``, ``bytes``, ``Markup`` (anything with ``__html__``), ``UUID``, ``datetime`` (loaded as
an aware UTC datetime, microseconds kept), and dicts whose single key looks like a tag. The tag
names are Flask's, so a cookie Flask signed loads here.

Register more types by subclassing :class:`JSONTag`::

    class TagOrderedDict(JSONTag):
        key = " od"

        def check(self, value):
            return isinstance(value, OrderedDict)

        def to_json(self, value):
            return [[k, self.serializer.tag(v)] for k, v in value.items()]

        def to_python(self, value):
            return OrderedDict(value)

    app.session_interface.serializer.register(TagOrderedDict, index=0)
"""

from __future__ import annotations

import json as _json
import typing as t
from base64 import b64decode, b64encode
from datetime import UTC, datetime
from uuid import UUID

from markupsafe import Markup

from ..http import parse_date
from .provider import DefaultJSONProvider

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


class JSONTag:
    """One tagged type: how to recognise it, write it as JSON, and read it back."""

    __slots__ = ("serializer",)

    #: The tag marking a serialized value; empty for tags that only transform (dicts, lists).
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Whether this tag handles ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """``value`` as JSON-compatible data (the tag is added by :meth:`tag`)."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """The Python value back from :meth:`to_json`'s data (the tag already removed)."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> t.Any:
        """``value`` as JSON data wrapped in its tag."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A one-key dict whose key is a tag name: without this, loading would mistake it for a
    tagged value. The key is written with a ``__`` suffix, removed on load."""

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: t.Any) -> t.Any:
        key = next(iter(value))
        return {f"{key}__": self.serializer.tag(value[key])}

    def to_python(self, value: t.Any) -> t.Any:
        key = next(iter(value))
        return {key[:-2]: value[key]}


class PassDict(JSONTag):
    """Any other dict: its values are tagged, its keys left alone (JSON keys are strings)."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        tag = self.serializer.tag
        return {k: tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        return tuple(value)


class PassList(JSONTag):
    """Lists stay lists; their items are tagged."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        return b64decode(value, validate=True)


class TagMarkup(JSONTag):
    """Anything with ``__html__`` is stored as its HTML and loads as :class:`~markupsafe.Markup`."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        return Markup(value)


class TagUUID(JSONTag):
    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        return UUID(value)


class TagDateTime(JSONTag):
    """Datetimes as ISO 8601 in UTC, microseconds kept; a naive value is taken to be UTC.

    Loading also accepts the HTTP date format Flask writes (whole seconds).
    """

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        return _as_utc(value).isoformat()

    def to_python(self, value: t.Any) -> t.Any:
        parsed: datetime | None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = parse_date(value)
            if parsed is None:
                raise ValueError(f"Invalid tagged datetime {value!r}.") from None
        return _as_utc(parsed)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# Values of these exact types are JSON already; tagging them needs no search through the tags.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


_decoder = _json.JSONDecoder()


def _loads_compact(text: str) -> t.Any:
    """``json.loads(text)``, quicker for text without surrounding whitespace (what
    :meth:`TaggedJSONSerializer.dumps` writes): that skips the two whitespace scans."""
    try:
        value, end = _decoder.raw_decode(text)
    except ValueError:
        end = -1
    if end != len(text):
        # Whitespace, extra data or an error: json.loads says what it is.
        return _json.loads(text)
    return value


class TaggedJSONSerializer:
    """Dumps values to compact tagged JSON and loads them back (the ``serializer`` of
    itsdangerous's signing serializers)."""

    __slots__ = ("_plain_fast_path", "_spaced_keys", "order", "tags")

    #: The tags every new serializer starts with, in the order they are tried.
    default_tags: t.ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        self._plain_fast_path = True
        self._spaced_keys = True
        for cls in self.default_tags:
            self.register(cls)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Add a tag, tried last (or at ``index``, to take precedence over a more general tag).

        A tag whose key is already registered raises ``KeyError`` unless ``force`` replaces it.
        """
        tag = tag_class(self)
        if tag.key:
            if not force and tag.key in self.tags:
                raise KeyError(f"Tag {tag.key!r} is already registered.")
            self.tags[tag.key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)
        # A custom tag may claim plain strings or numbers, so they must go through the search.
        if tag_class not in TaggedJSONSerializer.default_tags:
            self._plain_fast_path = False
        self._spaced_keys = all(key.startswith(" ") for key in self.tags)

    def tag(self, value: t.Any) -> t.Any:
        """``value`` as JSON-compatible data, with tags where needed."""
        if self._plain_fast_path and type(value) in _PLAIN_TYPES:
            return value
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """The Python value of a tagged object; any other dict is returned unchanged."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def dumps(self, value: t.Any) -> str:
        """Compact tagged JSON for ``value``.

        Types no tag handles are converted as the default JSON provider does (dates, ``Decimal``,
        dataclasses), so sessions accept what Flask's accept.
        """
        return _json.dumps(
            self.tag(value),
            separators=(",", ":"),
            ensure_ascii=False,
            default=DefaultJSONProvider.default,
        )

    def loads(self, value: str | bytes) -> t.Any:
        """The value back from :meth:`dumps`'s JSON."""
        if self._spaced_keys and isinstance(value, str) and '" ' not in value and "\\" not in value:
            # No key starts with a space (none escaped either): nothing is tagged.
            return _loads_compact(value)
        # JSON objects are decoded innermost first, so each one sees its members already untagged.
        return _json.loads(value, object_hook=self.untag)
