"""Charset names as clients send them (``UTF8``, ``latin-1``, ``US-ASCII``…): one spelling
for comparing them, and the few a request may choose for decoding its own text."""

from __future__ import annotations

import codecs

# Decoding with a charset the client names is limited to these: ASCII-compatible, in every
# Python, and unable to turn markup characters into something else (as UTF-7 can).
_SAFE = frozenset(("ascii", "utf-8", "iso8859-1"))


def charset_name(name: str) -> str:
    """Python's name of a charset (``UTF8`` and ``utf_8`` are ``utf-8``, ``latin-1`` is
    ``iso8859-1``); an unknown name lower-cased."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def safe_charset(name: str | None) -> str | None:
    """The charset a client named for its text, when it is one that may decode it, else
    ``None`` (the caller's default applies)."""
    if not name:
        return None
    name = charset_name(name)
    return name if name in _SAFE else None
