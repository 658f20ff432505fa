"""JSON helpers that use the current application's provider (``app.json``) when there is one."""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _app_ctx_stack
from .provider import DefaultJSONProvider, JSONProvider

if t.TYPE_CHECKING:
    from ..wrappers import Response

__all__ = ["DefaultJSONProvider", "JSONProvider", "dump", "dumps", "jsonify", "load", "loads"]


def _provider() -> JSONProvider | None:
    top = _app_ctx_stack.top
    return top.app.json if top is not None else None


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialise to a JSON string with the app's provider (dates, UUIDs… understood)."""
    provider = _provider()
    if provider is not None:
        return provider.dumps(obj, **kwargs)
    kwargs.setdefault("default", DefaultJSONProvider.default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialise to a file."""
    fp.write(dumps(obj, **kwargs))


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Parse a JSON string with the app's provider."""
    provider = _provider()
    if provider is not None:
        return provider.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Parse a JSON file."""
    return loads(fp.read(), **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """A JSON response of ``args`` or ``kwargs``; needs an application context."""
    provider = _provider()
    if provider is None:
        raise RuntimeError(
            "jsonify() needs an application context: call it in a view, or inside"
            " 'with app.app_context():'."
        )
    return provider.response(*args, **kwargs)
