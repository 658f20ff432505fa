"""Percent-encoding for the URLs the router builds: path segments and query strings.

The common case (ASCII letters and digits) is answered without calling ``urllib``,
which is what makes building URLs cheap. Characters UTF-8 cannot encode (lone
surrogates) become "?" rather than an error.
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
    return quote(value, safe=SEGMENT_SAFE, errors="replace")


def quote_path(value: str) -> str:
    """Percent-encode ``value`` for a path, keeping "/" as a separator."""
    if value.isascii() and (value.isalnum() or _plain_path(value)):
        return value
    return quote(value, safe=PATH_SAFE, errors="replace")


def _quote_query_part(value: t.Any) -> str:
    if type(value) is not str:
        if isinstance(value, bytes):
            return quote_plus(value, safe=QUERY_SAFE)
        value = str(value)
    if value.isascii() and (value.isalnum() or _plain_query(value)):
        return value
    return quote_plus(value, safe=QUERY_SAFE, errors="replace")


def encode_query(pairs: t.Iterable[tuple[t.Any, t.Any]]) -> str:
    """``key=value&…`` for the pairs, skipping ``None`` values."""
    return "&".join(
        [
            f"{_quote_query_part(key)}={_quote_query_part(value)}"
            for key, value in pairs
            if value is not None
        ]
    )
