"""The data structures under requests and responses: multi-value dicts, headers, uploaded
files, and parsed ``Accept``, ``Authorization``, ETag and range headers."""

from __future__ import annotations

from .accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept
from .auth import Authorization
from .file_storage import FileStorage
from .header_set import HeaderSet
from .headers import EnvironHeaders, Headers
from .multidict import (
    CallbackDict,
    CombinedMultiDict,
    ImmutableDict,
    ImmutableMultiDict,
    MultiDict,
    iter_multi_items,
)
from .range import ContentRange, ETags, IfRange, Range

__all__ = [
    "Accept",
    "Authorization",
    "CallbackDict",
    "CharsetAccept",
    "CombinedMultiDict",
    "ContentRange",
    "ETags",
    "EnvironHeaders",
    "FileStorage",
    "HeaderSet",
    "Headers",
    "IfRange",
    "ImmutableDict",
    "ImmutableMultiDict",
    "LanguageAccept",
    "MIMEAccept",
    "MultiDict",
    "Range",
    "iter_multi_items",
]
