"""Converters: the typed variable parts of a rule (``<int:id>``, ``<path:p>``…).

A converter contributes a regular expression to match, turns the matched text into a
Python value (``to_python``) and a value back into URL text (``to_url``). Raising
``ValidationError`` from ``to_python`` makes the rule not match, so the next one is tried.

Each class subclasses Werkzeug's converter of the same name, and a map takes Werkzeug
converters too, so converters written for Flask (``werkzeug.routing.BaseConverter``
subclasses) register and match unchanged.
"""

from __future__ import annotations

import re
import typing as t
import uuid

from werkzeug.routing import converters as _werkzeug

from .exceptions import ValidationError
from .quoting import quote_path, quote_segment

if t.TYPE_CHECKING:
    from .map import Map

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "NumberConverter",
    "PathConverter",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
]


class BaseConverter(_werkzeug.BaseConverter):
    """Matches one path segment and passes it through unchanged.

    Subclasses set ``regex`` (what to match), ``weight`` (lower is tried first among
    rules that differ only by converter) and ``part_isolating`` (False when the regex
    can match "/"; Werkzeug's base class guesses it from a class-level ``regex``).
    """

    regex = "[^/]+"
    weight = 100
    part_isolating = True

    def __init__(self, map: Map, *args: t.Any, **kwargs: t.Any) -> None:
        self.map = map  # type: ignore[assignment]  # flagon's Map, not Werkzeug's

    def to_python(self, value: str) -> t.Any:
        """The view argument for the matched text."""
        return value

    def to_url(self, value: t.Any) -> str:
        """The URL text for ``value``, percent-encoded."""
        if self.part_isolating:
            return quote_segment(str(value))
        return quote_path(str(value))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.regex!r}>"


class UnicodeConverter(BaseConverter, _werkzeug.UnicodeConverter):
    """The default converter: any text without a slash, optionally of bounded length.

    ``Rule('/pages/<page>')``, ``Rule('/<string(length=2):lang>')``.
    """

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            self.regex = f"[^/]{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else str(int(maxlength))
            self.regex = f"[^/]{{{int(minlength)},{upper}}}"


class PathConverter(BaseConverter, _werkzeug.PathConverter):
    """Like the default converter but spans slashes: ``Rule('/wiki/<path:page>')``.

    It weighs more than every other converter, so it is tried last.
    """

    regex = "[^/].*?"
    weight = 200
    part_isolating = False


class AnyConverter(BaseConverter, _werkzeug.AnyConverter):
    """One of the given words: ``Rule('/<any(about, help, "a,b"):page>')``."""

    def __init__(self, map: Map, *items: str) -> None:
        super().__init__(map)
        if not items:
            raise ValueError("the 'any' converter needs at least one item")
        self.items = set(items)
        self.regex = "(?:" + "|".join(re.escape(str(item)) for item in items) + ")"

    def to_url(self, value: t.Any) -> str:
        if value in self.items:
            return quote_segment(str(value))
        valid = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValueError(f"'{value}' is not one of {valid}")


class NumberConverter(BaseConverter, _werkzeug.NumberConverter):
    """Shared behaviour of ``int`` and ``float``: bounds, sign and fixed width."""

    weight = 50
    num_convert: t.Callable[[t.Any], t.Any] = int
    # Shared by int and float: Werkzeug types the bounds as int here and as float in its
    # FloatConverter.
    min: int | float | None  # type: ignore[assignment]
    max: int | float | None  # type: ignore[assignment]

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | float | None = None,
        max: int | float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map)
        if signed:
            self.regex = "-?" + self.regex
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> t.Any:
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError:  # e.g. more digits than int() accepts
            raise ValidationError() from None
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        text = str(self.num_convert(value))
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text


class IntegerConverter(NumberConverter, _werkzeug.IntegerConverter):
    """Whole numbers: ``Rule('/page/<int:page>')``, ``<int(min=1, signed=True):n>``,
    ``<int(fixed_digits=4):year>``."""

    # ASCII digits only: "\d" would also accept other scripts' digits and so give one
    # resource several URLs.
    regex = "[0-9]+"


class FloatConverter(NumberConverter, _werkzeug.FloatConverter):
    """Decimal numbers written with a point: ``Rule('/p/<float:probability>')``."""

    regex = r"[0-9]+\.[0-9]+"
    num_convert = float

    def __init__(
        self,
        map: Map,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter, _werkzeug.UUIDConverter):
    """UUIDs in either case, given to the view as ``uuid.UUID``."""

    regex = r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: t.Any) -> str:
        return str(value)


#: The converters every map knows, by the name used in rules.
DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}
