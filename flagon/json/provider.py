"""How an application turns Python data into JSON and back: ``app.json``.

Subclass :class:`DefaultJSONProvider` (or :class:`JSONProvider` for another library) and set
``Flagon.json_provider_class`` to change it for one application.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
from datetime import UTC, date, datetime
from email.utils import format_datetime

if t.TYPE_CHECKING:
    from ..app import Flagon
    from ..wrappers import Response


class JSONProvider:
    """The interface: ``dumps``/``loads`` plus ``response`` for views returning data."""

    def __init__(self, app: Flagon) -> None:
        self._app = app

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        if not args and not kwargs:
            return None
        if len(args) == 1:
            return args[0]
        return args or kwargs

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """A response with ``args`` (one value, or several as a list) or ``kwargs`` as JSON."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    if isinstance(o, date):
        # HTTP date format, as Flask does; naive values are taken to be UTC.
        if not isinstance(o, datetime):
            o = datetime(o.year, o.month, o.day)
        o = o.replace(tzinfo=UTC) if o.tzinfo is None else o.astimezone(UTC)
        return format_datetime(o, usegmt=True)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


_LAYOUT_OPTIONS = frozenset({"separators", "indent"})


class DefaultJSONProvider(JSONProvider):
    """JSON with the standard library, also encoding dates (HTTP date format), ``Decimal``,
    ``UUID``, dataclasses and objects with ``__html__``.

    Options are attributes: set them on ``app.json`` (``app.json.sort_keys = True``). Unlike
    Flask, keys keep their insertion order by default: it is what an API author wrote, and
    sorting costs time on every response.
    """

    #: Called for objects ``json`` can't encode.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)
    ensure_ascii = True
    sort_keys = False
    #: ``None``: pretty in debug mode, compact otherwise.
    compact: bool | None = None
    mimetype = "application/json"

    def __init__(self, app: Flagon) -> None:
        super().__init__(app)
        self._encoders: dict[tuple[t.Any, ...], json.JSONEncoder] = {}

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        if kwargs.keys() <= _LAYOUT_OPTIONS:
            # The usual call: reuse an encoder made for these options instead of a new one.
            key = (
                self.default,
                self.ensure_ascii,
                self.sort_keys,
                kwargs.get("separators"),
                kwargs.get("indent"),
            )
            encoder = self._encoders.get(key)
            if encoder is None:
                encoder = json.JSONEncoder(
                    default=key[0],
                    ensure_ascii=key[1],
                    sort_keys=key[2],
                    separators=key[3],
                    indent=key[4],
                )
                if len(self._encoders) < 16:
                    self._encoders[key] = encoder
            return encoder.encode(obj)
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Pretty-printed (indented) in debug mode, compact otherwise; newline-terminated as
        Flask's, so that bodies compare equal."""
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            body = self.dumps(obj, indent=2) + "\n"
        else:
            body = self.dumps(obj, separators=(",", ":")) + "\n"
        return self._app.response_class(body, mimetype=self.mimetype)
