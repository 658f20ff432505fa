"""The request headers Werkzeug's ``Request`` offers as parsed attributes: conditional and range
headers, caching, CORS preflight and the other standard ones.

Each reads the environ only when it is used (parsed ones are then kept for the request), so a
request that never looks at them pays nothing.
"""

from __future__ import annotations

import typing as t
from datetime import datetime

from ..datastructures import ETags, HeaderSet, IfRange, Range
from ..http import (
    parse_date,
    parse_dict_header,
    parse_etags,
    parse_if_range_header,
    parse_range_header,
)
from ..lazy import cached_property
from .caching import RequestCacheControl


def _header(key: str, doc: str) -> t.Any:
    """A header's raw value as a read-only attribute (``None`` when absent)."""
    return property(lambda self: self.environ.get(key), doc=doc)


def _environ_flag(key: str, doc: str) -> t.Any:
    return property(lambda self: bool(self.environ.get(key)), doc=doc)


class RequestHeadersMixin:
    """Parsed request headers, mixed into :class:`~flagon.Request`."""

    environ: dict[str, t.Any]

    referrer = _header("HTTP_REFERER", "The ``Referer`` header: the page that linked here.")
    origin = _header("HTTP_ORIGIN", "The ``Origin`` header of a cross-origin or POST request.")
    content_encoding = _header(
        "HTTP_CONTENT_ENCODING", "The body's ``Content-Encoding`` (``gzip``…)."
    )
    content_md5 = _header("HTTP_CONTENT_MD5", "The ``Content-MD5`` header.")
    access_control_request_method = _header(
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
        "The method a CORS preflight request announces.",
    )
    remote_user = _header("REMOTE_USER", "The user the server authenticated, if it does that.")
    is_multithread = _environ_flag("wsgi.multithread", "Whether the server runs threads.")
    is_multiprocess = _environ_flag("wsgi.multiprocess", "Whether the server runs processes.")
    is_run_once = _environ_flag("wsgi.run_once", "Whether the process serves one request (CGI).")

    @cached_property
    def date(self) -> datetime | None:
        """The ``Date`` header as an aware datetime, or ``None``."""
        return parse_date(self.environ.get("HTTP_DATE"))

    @cached_property
    def max_forwards(self) -> int | None:
        """The ``Max-Forwards`` header as an int, or ``None``."""
        try:
            return int(self.environ["HTTP_MAX_FORWARDS"])
        except (KeyError, ValueError):
            return None

    @cached_property
    def pragma(self) -> HeaderSet:
        """The ``Pragma`` directives (``"no-cache" in request.pragma``)."""
        return HeaderSet.from_header(self.environ.get("HTTP_PRAGMA"))

    @cached_property
    def cache_control(self) -> RequestCacheControl:
        """The ``Cache-Control`` directives the client sent (read-only)."""
        value = self.environ.get("HTTP_CACHE_CONTROL")
        return RequestCacheControl(parse_dict_header(value) if value else ())

    @cached_property
    def access_control_request_headers(self) -> HeaderSet | None:
        """The headers a CORS preflight request announces, or ``None``."""
        value = self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        return None if value is None else HeaderSet.from_header(value)

    # -- conditional and range requests ---------------------------------------------------------

    @cached_property
    def if_match(self) -> ETags:
        """The entity tags of ``If-Match`` (empty when absent; ``*`` matches any)."""
        return parse_etags(self.environ.get("HTTP_IF_MATCH"))

    @cached_property
    def if_none_match(self) -> ETags:
        """The entity tags of ``If-None-Match`` (empty when absent; ``*`` matches any)."""
        return parse_etags(self.environ.get("HTTP_IF_NONE_MATCH"))

    @cached_property
    def if_modified_since(self) -> datetime | None:
        """``If-Modified-Since`` as an aware datetime, or ``None``."""
        return parse_date(self.environ.get("HTTP_IF_MODIFIED_SINCE"))

    @cached_property
    def if_unmodified_since(self) -> datetime | None:
        """``If-Unmodified-Since`` as an aware datetime, or ``None``."""
        return parse_date(self.environ.get("HTTP_IF_UNMODIFIED_SINCE"))

    @cached_property
    def if_range(self) -> IfRange:
        """``If-Range``: its ``etag`` or its ``date`` (both ``None`` when absent)."""
        return parse_if_range_header(self.environ.get("HTTP_IF_RANGE"))

    @cached_property
    def range(self) -> Range | None:
        """The ``Range`` header, or ``None`` when absent or malformed."""
        return parse_range_header(self.environ.get("HTTP_RANGE"))
