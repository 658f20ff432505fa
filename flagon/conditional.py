"""Conditional and partial responses (RFC 9110 sections 13 and 14).

:func:`evaluate_preconditions` answers ``If-Match``, ``If-Unmodified-Since``, ``If-None-Match``
and ``If-Modified-Since`` with 200, 304 or 412; :func:`requested_ranges` reads ``Range`` and
``If-Range``; :func:`partial_body` turns the ranges into a 206 body, one part or a
``multipart/byteranges`` document. ``Response.make_conditional`` and ``send_file`` share them.

Validators are passed as the ``ETag`` header value (``'"abc"'`` or ``'W/"abc"'``) and the
last-modified time as whole seconds since the epoch, the precision of an HTTP date.
"""

from __future__ import annotations

import secrets
import typing as t
from functools import lru_cache
from time import time

from .exceptions import RequestedRangeNotSatisfiable
from .http import http_date, parse_date, parse_etags, parse_range_header, unquote_etag

#: A request naming more separate ranges than this gets the whole body: hundreds of tiny
#: parts cost far more to send than the file itself (the "Apache killer" attack).
MAX_RANGE_PARTS = 64

_CHUNK = 64 * 1024

#: Headers describing the body, dropped from 304 and 412 responses (as Werkzeug does).
ENTITY_HEADERS = frozenset(
    (
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    )
)


@lru_cache(maxsize=512)
def cached_http_date(timestamp: int) -> str:
    """:func:`http_date` for whole seconds, remembered: the same dates recur on every request."""
    return http_date(timestamp)


def http_date_now(offset: int = 0) -> str:
    """The HTTP date ``offset`` seconds from now."""
    return cached_http_date(int(time()) + offset)


def date_to_timestamp(value: str | None) -> int | None:
    """An HTTP date header as whole seconds, ``None`` when missing or unreadable."""
    parsed = parse_date(value)
    return None if parsed is None else int(parsed.timestamp())


def strip_entity_headers(headers: t.Any) -> None:
    """Remove the body's headers (a 304 or 412 has no body), in place."""
    headers._list = [item for item in headers._list if item[0].lower() not in ENTITY_HEADERS]


# -- preconditions -----------------------------------------------------------------------------


def _matches(header: str, etag: str | None, weak: bool) -> bool:
    """Whether an ``If-Match`` / ``If-None-Match`` list matches ``etag`` (``*`` matches any
    current representation); ``weak`` selects the weak comparison."""
    if etag is not None and header == etag:  # the client sent back exactly what it was given
        return weak or not etag.startswith(("W/", "w/"))
    tags = parse_etags(header)
    if tags.star_tag:
        return True
    if etag is None:
        return False
    tag, is_weak = unquote_etag(etag)
    if weak:
        return tags.contains_weak(tag)  # type: ignore[arg-type]
    return not is_weak and tags.is_strong(tag)  # type: ignore[arg-type]


def evaluate_preconditions(
    environ: dict[str, t.Any], etag: str | None, last_modified: int | None
) -> int:
    """200 to send the representation, 304 when the client's copy is current, 412 when a
    precondition of ``If-Match`` / ``If-Unmodified-Since`` fails (RFC 9110 13.2.2, for GET
    and HEAD)."""
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match:
        if not _matches(if_match, etag, weak=False):
            return 412
    elif last_modified is not None:
        since = date_to_timestamp(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
        if since is not None and last_modified > since:
            return 412
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return 304 if _matches(if_none_match, etag, weak=True) else 200
    if last_modified is not None:
        since = date_to_timestamp(environ.get("HTTP_IF_MODIFIED_SINCE"))
        if since is not None and last_modified <= since:
            return 304
    return 200


# -- ranges ------------------------------------------------------------------------------------


def _if_range_holds(value: str, etag: str | None, last_modified: int | None) -> bool:
    """Whether ``If-Range`` names the current representation: a strong entity tag equal to
    ours, or exactly our last-modified date (RFC 9110 13.1.5)."""
    value = value.strip()
    if value.startswith(('"', "W/", "w/")):
        return etag is not None and value == etag and value[0] == '"'
    return last_modified is not None and date_to_timestamp(value) == last_modified


def requested_ranges(
    environ: dict[str, t.Any],
    length: int,
    etag: str | None = None,
    last_modified: int | None = None,
) -> list[tuple[int, int]] | None:
    """The byte ranges to send of a ``length``-byte body, sorted and with overlapping or
    adjacent ones merged, as ``(start, stop)`` pairs (``stop`` exclusive).

    ``None`` means "send the whole body": no ``Range`` (or not a GET), another unit, an
    ``If-Range`` naming an older representation, an empty body, or too many parts. A range
    that is malformed or lies wholly past the end raises :class:`RequestedRangeNotSatisfiable`.
    """
    header = environ.get("HTTP_RANGE")
    if not header or not length or environ.get("REQUEST_METHOD") != "GET":
        return None
    if header.partition("=")[0].strip().lower() != "bytes":
        return None  # RFC 9110 14.2: an unknown range unit is ignored
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range and not _if_range_holds(if_range, etag, last_modified):
        return None
    parsed = parse_range_header(header)
    if parsed is None:
        raise RequestedRangeNotSatisfiable(length=length)
    spans = []
    for start, stop in parsed.ranges:
        if stop is None:
            start, stop = (max(length + start, 0), length) if start < 0 else (start, length)
        elif stop > length:
            stop = length
        if start < stop:
            spans.append((start, stop))
    if not spans:
        raise RequestedRangeNotSatisfiable(length=length)
    spans.sort()
    merged = [spans[0]]
    for start, stop in spans[1:]:
        last_start, last_stop = merged[-1]
        if start <= last_stop:
            merged[-1] = (last_start, max(stop, last_stop))
        else:
            merged.append((start, stop))
    if len(merged) > MAX_RANGE_PARTS:
        return None
    return merged


def file_pieces(
    file: t.IO[bytes], spans: list[tuple[int, int]], offset: int = 0
) -> t.Iterator[tuple[int, bytes]]:
    """``(span index, data)`` for each span, read from a seekable file (``offset`` is where the
    body starts in it)."""
    for index, (start, stop) in enumerate(spans):
        file.seek(offset + start)
        remaining = stop - start
        while remaining:
            data = file.read(min(_CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            yield index, data


def iterable_pieces(
    chunks: t.Iterable[bytes], spans: list[tuple[int, int]]
) -> t.Iterator[tuple[int, bytes]]:
    """``(span index, data)`` for each span, cut from a body read once, front to back (the
    spans are sorted and disjoint, so one pass serves them all)."""
    index, count, position = 0, len(spans), 0
    for chunk in chunks:
        end = position + len(chunk)
        while index < count:
            start, stop = spans[index]
            if start >= end:
                break
            if stop > position:
                yield index, chunk[max(start - position, 0) : min(stop, end) - position]
            if stop > end:
                break
            index += 1
        if index == count:
            return
        position = end


class RangeBody:
    """A WSGI body of selected parts of another; closing it closes the source."""

    __slots__ = ("_chunks", "_close")

    def __init__(self, chunks: t.Iterator[bytes], close: t.Callable[[], t.Any] | None) -> None:
        self._chunks = chunks
        self._close = close

    def __iter__(self) -> t.Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        if self._close is not None:
            self._close()


def _multipart(
    pieces: t.Iterator[tuple[int, bytes]], heads: list[bytes], tail: bytes
) -> t.Iterator[bytes]:
    current = -1
    for index, data in pieces:
        while current < index:
            current += 1
            yield heads[current]
        yield data
    # The source ended early: the remaining heads keep the document well-formed.
    yield from heads[current + 1 :]
    yield tail


def partial_body(
    pieces: t.Iterator[tuple[int, bytes]],
    spans: list[tuple[int, int]],
    length: int,
    content_type: str | None,
) -> tuple[t.Iterator[bytes], int, str | None, str | None]:
    """``(body chunks, Content-Length, Content-Type, Content-Range)`` of a 206 response.

    One span is sent as it is, with ``Content-Range``; several become a
    ``multipart/byteranges`` document, each part with its own ``Content-Range``.
    """
    if len(spans) == 1:
        start, stop = spans[0]
        content_range = f"bytes {start}-{stop - 1}/{length}"
        return (data for _, data in pieces), stop - start, content_type, content_range
    boundary = secrets.token_hex(16)
    type_line = f"Content-Type: {content_type}\r\n" if content_type else ""
    heads = []
    separator = ""  # the first delimiter needs no line break before it
    for start, stop in spans:
        head = (
            f"{separator}--{boundary}\r\n{type_line}"
            f"Content-Range: bytes {start}-{stop - 1}/{length}\r\n\r\n"
        )
        heads.append(head.encode("latin-1"))
        separator = "\r\n"
    tail = f"\r\n--{boundary}--\r\n".encode("latin-1")
    total = sum(map(len, heads)) + sum(stop - start for start, stop in spans) + len(tail)
    multipart_type = f"multipart/byteranges; boundary={boundary}"
    return _multipart(pieces, heads, tail), total, multipart_type, None


# -- applying the outcome to a response --------------------------------------------------------


def make_conditional(
    response: t.Any,
    environ: dict[str, t.Any],
    accept_ranges: bool | str,
    complete_length: int | None,
) -> None:
    """``Response.make_conditional``: 304 / 412 from the response's validators, then 206 for
    a ``Range`` when ranges are accepted and the body's length is known."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return
    headers = response.headers
    if "Date" not in headers:
        headers["Date"] = http_date_now()
    if accept_ranges:
        headers["Accept-Ranges"] = "bytes" if accept_ranges is True else accept_ranges
    status = response.status_code
    # Preconditions only apply to a successful response (RFC 9110 13.2.1).
    if 200 <= status < 300:
        etag = headers.get("ETag")
        last_modified = date_to_timestamp(headers.get("Last-Modified"))
        outcome = evaluate_preconditions(environ, etag, last_modified)
        if outcome != 200:
            drop_body(response, outcome)
        elif status == 200 and complete_length and headers.get("Accept-Ranges") == "bytes":
            spans = requested_ranges(environ, complete_length, etag, last_modified)
            if spans is not None:
                apply_ranges(response, spans, complete_length)
    if (
        response.automatically_set_content_length
        and response.status_code != 304
        and "Content-Length" not in headers
    ):
        length = response.calculate_content_length()
        if length is not None:
            headers["Content-Length"] = str(length)


def drop_body(response: t.Any, status: int) -> None:
    """Turn ``response`` into a bodiless 304 or 412; its old body is still closed with it."""
    response.status_code = status
    strip_entity_headers(response.headers)
    close = getattr(response.response, "close", None)
    response.response = []
    if close is not None:
        response.call_on_close(close)


def apply_ranges(response: t.Any, spans: list[tuple[int, int]], length: int) -> None:
    """Turn a 200 ``response`` with a ``length``-byte body into the 206 sending ``spans``.

    A body wrapping a file (``wsgi.file_wrapper``, :class:`flagon.wsgi.FileWrapper`) is read
    with seeks; any other body is read once, front to back.
    """
    body = response.response
    file = getattr(body, "file", None)
    if file is not None and hasattr(file, "seek") and hasattr(file, "read"):
        pieces = file_pieces(file, spans)
    else:
        charset = response.charset
        # Bound to the old body now: the response's body is replaced below.
        encoded = (item.encode(charset) if isinstance(item, str) else bytes(item) for item in body)
        pieces = iterable_pieces(encoded, spans)
    headers = response.headers
    chunks, content_length, content_type, content_range = partial_body(
        pieces, spans, length, headers.get("Content-Type")
    )
    response.response = RangeBody(chunks, getattr(body, "close", None))
    response.status_code = 206
    headers["Content-Length"] = str(content_length)
    if content_range is None:
        headers["Content-Type"] = content_type
        headers.remove("Content-Range")
    else:
        headers["Content-Range"] = content_range
