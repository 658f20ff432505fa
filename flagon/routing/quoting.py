"""Percent-encoding for the URLs the router builds: path segments and query strings.

The common case (ASCII letters and digits) is answered without calling ``urllib``,
which is what makes building URLs cheap.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote, quote_plus

#: Characters a path segment may carry unescaped (WHATWG path-segment set), without "/".
SEGMENT_SAFE = "!$&'()*+,:;=@"
#: The same with "/" kept, for values that span several segments (the path converter).
PATH_SAFE = SEGMENT_SAFE + "/"
#: Characters kept as-is in query keys and values; spaces become "+".
QUERY_SAFE = "!$'()*,/:;?@"

_plain_segment = re.compile(r"[A-Za-z0-9_.~!$&'()*+,:;=@-]*").fullmatch
_plain_path = re.compile(r"[A-Za-z0-9_.~!$&'()*+,:;=@/-]*").fullmatch
_plain_query = re.compile(r"[A-Za-z0-9_.~!$'()*,/:;?@-]*").fullmatch


def quote_segment(value: str) -> str:
    """Percent-encode ``value`` for one path segment (a "/" becomes ``%2F``)."""
    if value.isascii() and (value.isalnum() or _plain_segment(value)):
        return value
    return quote(value, safe=SEGMENT_SAFE)


def quote_path(value: str) -> str:
    """Percent-encode ``value`` for a path, keeping "/" as a separator."""
    if value.isascii() and (value.isalnum() or _plain_path(value)):
        return value
    return quote(value, safe=PATH_SAFE)


def _quote_query_part(value: t.Any) -> str:
    if isinstance(value, bytes):
        return quote_plus(value, safe=QUERY_SAFE)
    if not isinstance(value, str):
        value = str(value)
    if value.isascii() and (value.isalnum() or _plain_query(value)):
        return value
    return quote_plus(value, safe=QUERY_SAFE)


def iter_multi_items(values: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
    """Yield ``(key, value)`` pairs from a MultiDict, a mapping of lists, or pairs."""
    if hasattr(values, "getlist") and hasattr(values, "lists"):
        for key, items in values.lists():
            for value in items:
                yield key, value
    elif isinstance(values, t.Mapping):
        for key, value in values.items():
            if isinstance(value, (list, tuple, set)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from values


def encode_query(pairs: t.Iterable[tuple[t.Any, t.Any]]) -> str:
    """``key=value&…`` for the pairs, skipping ``None`` values."""
    return "&".join(
        f"{_quote_query_part(key)}={_quote_query_part(value)}"
        for key, value in pairs
        if value is not None
    )
