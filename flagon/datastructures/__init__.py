"""The data structures under requests and responses: multi-value dicts, headers, uploaded
files, and parsed ``Accept``, ``Authorization``, ETag and range headers."""

from __future__ import annotations

# Werkzeug's own: attributes of Response that flagon inherits from Werkzeug's produce them.
from werkzeug.datastructures import ContentSecurityPolicy, WWWAuthenticate

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
    "ContentSecurityPolicy",
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
    "WWWAuthenticate",
    "iter_multi_items",
]
