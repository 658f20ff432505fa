"""HTTP vocabulary: status phrases, header and cookie parsing and formatting, dates.

Parsers are lenient (a malformed part of a header is skipped, a malformed header gives an
empty result or ``None``) because clients send all sorts; formatters are strict, because what
we send must be valid.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import re
import typing as t
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha1
from time import mktime, struct_time
from urllib.parse import quote, unquote

from werkzeug import http as _werkzeug_http

from .charsets import safe_charset

if t.TYPE_CHECKING:
    from .datastructures import (
        Accept,
        Authorization,
        ContentRange,
        ETags,
        IfRange,
        ImmutableMultiDict,
        Range,
    )

HTTP_STATUS_CODES: dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    449: "Retry With",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Failed",
}


# The cross-origin policy values: Werkzeug's, so Response's attributes compare equal to them.
COEP = _werkzeug_http.COEP
COOP = _werkzeug_http.COOP

_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"
)
_RFC5987_SAFE = "!#$&+-.^_`|~"  # attr-char punctuation left unescaped in key*=UTF-8''value


# -- header values with parameters --------------------------------------------------------


def quote_header_value(value: t.Any, allow_token: bool = True) -> str:
    """``value`` as is when it is a token, else double-quoted with ``\\`` and ``"`` escaped."""
    text = str(value)
    if not text:
        return '""'
    if allow_token and _TOKEN_CHARS.issuperset(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_unslash_re = re.compile(r"\\(.)", re.S)


def unquote_header_value(value: str) -> str:
    """Remove surrounding double quotes and backslash escapes."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _unslash_re.sub(r"\1", value[1:-1])
    return value


def dump_options_header(value: str | None, options: t.Mapping[str, t.Any]) -> str:
    """``dump_options_header("text/html", {"charset": "utf-8"})`` -> ``"text/html; charset=utf-8"``.

    Values are quoted when needed; ``None`` values are skipped; a key ending in ``*`` is
    taken as already encoded. A non-ASCII value is sent in RFC 2231/5987 form,
    ``filename*=UTF-8''%C3%A4.txt``, which every current browser reads.
    """
    segments = [] if value is None else [value]
    for key, option in options.items():
        if option is None:
            continue
        if key[-1] == "*":
            segments.append(f"{key}={option}")
            continue
        text = str(option)
        if text.isascii():
            segments.append(f"{key}={quote_header_value(text)}")
        else:
            segments.append(f"{key}*=UTF-8''{quote(text, safe=_RFC5987_SAFE)}")
    return "; ".join(segments)


_option_re = re.compile(
    r"""
    ;\s*
    (?:
        ([\w!#$%&'*+\-.^`|~]+)          # key
        \s*=\s*
        (?: "((?:[^"\\]|\\.)*)"         # quoted value
          | ([^";\s][^;]*)              # plain value
        )?
    )?
    [^;]*                               # anything else up to the next ';' is skipped
    """,
    re.ASCII | re.VERBOSE | re.S,
)
_charset_value_re = re.compile(r"([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'(.*)", re.ASCII | re.S)
_continuation_re = re.compile(r"\*(\d+)$", re.ASCII)


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", {"charset": "UTF-8"})``.

    Keys are lower-cased; quoted values are unescaped (``\\"`` and, as browsers send in
    multipart bodies, ``%22``); RFC 2231 ``key*=UTF-8''…`` values and ``key*0``/``key*1``
    continuations are decoded. Malformed parameters are skipped.
    """
    if not value:
        return "", {}
    main, sep, rest = value.partition(";")
    main = main.strip()
    if not sep or not main:
        return main, {}
    options: dict[str, str] = {}
    charset = None
    for match in _option_re.finditer(";" + rest):
        key, quoted, plain = match.groups()
        if key is None or (quoted is None and plain is None):
            continue
        key = key.lower()
        if quoted is not None:
            text = quoted
            if "\\" in text:
                text = _unslash_re.sub(r"\1", text)
            text = text.replace("%22", '"')
        else:
            text = plain.rstrip()
        if key[-1] == "*":
            key = key[:-1]
            encoded = _charset_value_re.fullmatch(text)
            if encoded is not None:
                charset = encoded.group(1) or charset
                text = encoded.group(2)
            encoding = safe_charset(charset)
            if encoding is not None:
                text = unquote(text, encoding=encoding, errors="replace")
        continued = _continuation_re.search(key)
        if continued is not None:
            key = key[: continued.start()]
            options[key] = options.get(key, "") + text
        else:
            options[key] = text
    return main, options


def parse_list_header(value: str) -> list[str]:
    """Split a comma-separated header, honouring quoted strings: ``'a, "b, c"'`` ->
    ``["a", "b, c"]``. Empty items are dropped."""
    if '"' not in value:
        return [item for item in (part.strip() for part in value.split(",")) if item]
    items = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif quoted:
            if char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == ",":
            items.append("".join(current))
            current = []
            continue
        elif char == '"':
            quoted = True
        current.append(char)
    if quoted:
        return []  # an unclosed quoted string: nothing can be trusted
    items.append("".join(current))
    return [unquote_header_value(item) for item in (part.strip() for part in items) if item]


def parse_dict_header(value: str) -> dict[str, str | None]:
    """``'a=b, c="d, e", f'`` -> ``{"a": "b", "c": "d, e", "f": None}``."""
    result: dict[str, str | None] = {}
    for item in parse_list_header(value):
        key, has_value, text = item.partition("=")
        key = key.strip()
        if not key:
            continue
        if not has_value:
            result[key] = None
            continue
        text = text.strip()
        if key[-1] == "*":
            key = key[:-1]
            encoded = _charset_value_re.fullmatch(text)
            if encoded is not None:
                charset = safe_charset(encoded.group(1))
                if charset is not None:
                    text = unquote(encoded.group(2), encoding=charset, errors="replace")
        result[key] = unquote_header_value(text)
    return result


def dump_header(iterable: t.Mapping[str, t.Any] | t.Iterable[t.Any]) -> str:
    """A comma-separated header from a list or a ``key=value`` mapping (``None``: bare key)."""
    if isinstance(iterable, t.Mapping):
        items = [
            key if value is None else f"{key}={quote_header_value(value)}"
            for key, value in iterable.items()
        ]
    else:
        items = [quote_header_value(item) for item in iterable]
    return ", ".join(items)


# -- Accept and Authorization -------------------------------------------------------------

_q_value_re = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


_AcceptT = t.TypeVar("_AcceptT", bound="Accept")


@t.overload
def parse_accept_header(value: str | None, cls: None = None) -> Accept: ...
@t.overload
def parse_accept_header(value: str | None, cls: type[_AcceptT]) -> _AcceptT: ...
def parse_accept_header(value: str | None, cls: type[Accept] | None = None) -> Accept:
    """Parse an ``Accept*`` header into ``cls`` (default :class:`Accept`; pass
    :class:`MIMEAccept` for ``Accept``). Items with an invalid ``q`` are ignored."""
    if cls is None:
        cls = _ds.Accept
    if not value:
        return cls(None)
    result = []
    for item in parse_list_header(value):
        quality = 1.0
        if ";" in item:
            item, options = parse_options_header(item)
            if "q" in options:
                q_text = options.pop("q").strip()
                if _q_value_re.fullmatch(q_text) is None:
                    continue
                quality = float(q_text)
                if quality > 1:
                    continue
            if options:
                item = dump_options_header(item, options)
        if item:
            result.append((item, quality))
    return cls(result)


def parse_authorization_header(value: str | None) -> Authorization | None:
    """Parse ``Authorization``: ``Basic`` (base64 ``user:password``; undecodable -> ``None``),
    token schemes such as ``Bearer``, or ``key=value`` parameters such as ``Digest``."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    scheme = scheme.lower()
    rest = rest.strip()
    if not scheme or not rest:
        return None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(rest, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
            return None
        username, colon, password = decoded.partition(":")
        if not colon:
            return None
        return _ds.Authorization("basic", {"username": username, "password": password})
    if "=" in rest.rstrip("="):
        return _ds.Authorization(scheme, parse_dict_header(rest))
    return _ds.Authorization(scheme, None, rest)


# -- dates ------------------------------------------------------------------------------


def http_date(timestamp: datetime | date | int | float | struct_time | None = None) -> str:
    """An HTTP date (``"Sun, 06 Nov 1994 08:49:37 GMT"``) for a datetime (naive means UTC), a
    date (midnight UTC), a Unix timestamp, or now."""
    if isinstance(timestamp, date):
        if isinstance(timestamp, datetime):
            timestamp = _as_utc(timestamp)
        else:
            timestamp = datetime.combine(timestamp, time(), tzinfo=UTC)
        return email.utils.format_datetime(timestamp, usegmt=True)
    if isinstance(timestamp, struct_time):
        timestamp = mktime(timestamp)
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_date(value: str | None) -> datetime | None:
    """An HTTP date as an aware UTC datetime, or ``None`` when it cannot be read."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _as_utc(parsed)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.utcoffset() != timedelta(0) or value.tzinfo is not UTC:
        return value.astimezone(UTC)
    return value


# -- entity tags, ranges, conditional requests ------------------------------------------------


def quote_etag(etag: str, weak: bool = False) -> str:
    """``"etag"`` or ``W/"etag"``; a tag containing ``"`` is refused."""
    if '"' in etag:
        raise ValueError("invalid etag")
    return f'W/"{etag}"' if weak else f'"{etag}"'


def unquote_etag(etag: str | None) -> tuple[str, bool] | tuple[None, None]:
    """``'W/"x"'`` -> ``("x", True)``; ``'"x"'`` -> ``("x", False)``."""
    if not etag:
        return None, None
    etag = etag.strip()
    weak = etag[:2] in ("W/", "w/")
    if weak:
        etag = etag[2:]
    if len(etag) >= 2 and etag[0] == etag[-1] == '"':
        etag = etag[1:-1]
    return etag, weak


_etag_re = re.compile(r'\s*([Ww]/)?(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)')


def parse_etags(value: str | None) -> ETags:
    """The tags of an ``If-Match`` / ``If-None-Match`` header (``*`` matches everything)."""
    if not value:
        return _ds.ETags()
    strong: list[str] = []
    weak: list[str] = []
    position, end = 0, len(value)
    while position < end:
        match = _etag_re.match(value, position)
        if match is None or match.end() == position:
            break
        is_weak, quoted, raw = match.groups()
        if raw == "*":
            return _ds.ETags(star_tag=True)
        tag = quoted if quoted is not None else raw
        if tag:
            (weak if is_weak else strong).append(tag)
        position = match.end()
    return _ds.ETags(strong, weak)


def generate_etag(data: bytes) -> str:
    """An entity tag for a body: its SHA-1 hex digest."""
    return sha1(data).hexdigest()


#: Numbers in headers are read up to this many digits. A longer one is a byte count no body
#: reaches, read as ``HUGE_NUMBER`` (converting thousands of digits is slow, then refused).
MAX_DIGITS = 18
HUGE_NUMBER = 10**MAX_DIGITS


def _digits(text: str) -> int | None:
    text = text.strip()
    if not (text.isdigit() and text.isascii()):
        return None
    return int(text) if len(text) <= MAX_DIGITS else HUGE_NUMBER


def parse_range_header(value: str | None, make_inclusive: bool = True) -> Range | None:
    """``"bytes=0-499, -500"`` -> ``Range("bytes", [(0, 500), (-500, None)])``; ``None``
    when missing or malformed (a reversed range, non-digits, an empty suffix…)."""
    if not value or "=" not in value:
        return None
    units, _, spec = value.partition("=")
    units = units.strip().lower()
    ranges: list[tuple[int, int | None]] = []
    for item in spec.split(","):
        item = item.strip()
        first, dash, last = item.partition("-")
        if not dash:
            return None
        if not first.strip():
            suffix = _digits(last)
            if not suffix:  # "-" alone, "-x" and "-0" select nothing
                return None
            ranges.append((-suffix, None))
            continue
        start = _digits(first)
        if start is None:
            return None
        if not last.strip():
            ranges.append((start, None))
            continue
        stop = _digits(last)
        if stop is None or stop < start:
            return None
        ranges.append((start, stop + 1))
    if not units or not ranges:
        return None
    return _ds.Range(units, ranges)


def parse_if_range_header(value: str | None) -> IfRange:
    """An ``If-Range`` header: a date or an entity tag (weakness dropped)."""
    if not value:
        return _ds.IfRange()
    parsed = parse_date(value)
    if parsed is not None:
        return _ds.IfRange(date=parsed)
    return _ds.IfRange(unquote_etag(value)[0])


def parse_content_range_header(value: str | None) -> ContentRange | None:
    """``"bytes 0-499/1234"`` -> a :class:`ContentRange`, ``None`` when malformed."""
    if not value:
        return None
    units, _, spec = value.strip().partition(" ")
    span, slash, length_text = spec.strip().partition("/")
    if not units or not slash:
        return None
    length = None if length_text.strip() == "*" else _digits(length_text)
    if length is None and length_text.strip() != "*":
        return None
    if span.strip() == "*":
        return _ds.ContentRange(units, None, None, length) if length is not None else None
    first, dash, last = span.partition("-")
    start, stop = _digits(first), _digits(last)
    if (
        not dash
        or start is None
        or stop is None
        or not is_byte_range_valid(start, stop + 1, length)
    ):
        return None
    return _ds.ContentRange(units, start, stop + 1, length)


def is_byte_range_valid(start: int | None, stop: int | None, length: int | None) -> bool:
    """Whether ``start``-``stop`` (exclusive) is a possible range of a ``length``-byte body."""
    if (start is None) != (stop is None):
        return False
    if start is None:
        return length is None or length >= 0
    if length is None:
        return 0 <= start < stop  # type: ignore[operator]
    return 0 <= start < stop <= length  # type: ignore[operator]


def is_resource_modified(
    environ: dict[str, t.Any],
    etag: str | None = None,
    data: bytes | None = None,
    last_modified: datetime | str | None = None,
    ignore_if_range: bool = True,
) -> bool:
    """Whether the client's copy is out of date, from ``If-None-Match``,
    ``If-Modified-Since``, ``If-Match`` and (with ``ignore_if_range=False`` and a ``Range``
    header) ``If-Range``. ``False`` means a 304 (or the range may be served)."""
    if etag is None and data is not None:
        etag = generate_etag(data)
    elif data is not None:
        raise TypeError("both data and etag given")
    if isinstance(last_modified, str):
        last_modified = parse_date(last_modified)
    if last_modified is not None:
        # HTTP dates have no microseconds; keeping them would make every file look newer.
        last_modified = _as_utc(last_modified.replace(microsecond=0))

    if_range = None
    if not ignore_if_range and "HTTP_RANGE" in environ:
        # RFC 9110 13.1.5: If-Range is ignored without a Range header.
        if_range = parse_if_range_header(environ.get("HTTP_IF_RANGE"))

    modified_since: datetime | None
    if if_range is not None and if_range.date is not None:
        modified_since = if_range.date
    else:
        modified_since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    unmodified = bool(modified_since and last_modified and last_modified <= modified_since)

    if etag:
        etag = unquote_etag(etag)[0]
        if if_range is not None and if_range.etag is not None:
            unmodified = parse_etags(if_range.etag).contains(etag)  # type: ignore[arg-type]
        else:
            if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
            if if_none_match:
                # If-None-Match uses the weak comparison (RFC 9110 13.1.2).
                unmodified = if_none_match.contains_weak(etag)  # type: ignore[arg-type]
            if_match = parse_etags(environ.get("HTTP_IF_MATCH"))
            if if_match:
                # If-Match uses the strong comparison (RFC 9110 13.1.1).
                unmodified = not if_match.is_strong(etag)  # type: ignore[arg-type]
    return not unmodified


# -- cookies ----------------------------------------------------------------------------

_cookie_pair_re = re.compile(r'\s*([^=;]*?)\s*=\s*("(?:[^\\"]|\\.)*"|[^;]*?)\s*(?:;|$)', re.S)
_cookie_unslash_re = re.compile(rb"\\([0-3][0-7]{2}|.)", re.S)


def _cookie_unslash(match: re.Match[bytes]) -> bytes:
    escaped = match.group(1)
    return escaped if len(escaped) == 1 else int(escaped, 8).to_bytes(1, "big")


def _header_text(value: str) -> str:
    """A WSGI header string (bytes as Latin-1) as text: UTF-8 when the bytes are UTF-8,
    otherwise the Latin-1 reading, so a cookie never fails to decode."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def parse_cookie(header: str | dict[str, t.Any] | None) -> ImmutableMultiDict:
    """Parse a ``Cookie`` header (or the ``HTTP_COOKIE`` of an environ).

    Lenient, like browsers: segments without ``=`` or without a name are skipped; quoted
    values are unquoted, ``\\"`` and octal ``\\073`` escapes decoded. Repeated names keep
    every value, and ``cookies[name]`` is the first (the most specific path).
    """
    if isinstance(header, dict):
        header = header.get("HTTP_COOKIE")
    if not header:
        return _ds.ImmutableMultiDict()
    text = _header_text(header)
    pairs = []
    if '"' not in text:
        for segment in text.split(";"):
            name, eq, value = segment.partition("=")
            name = name.strip()
            if eq and name:
                pairs.append((name, value.strip()))
        return _ds.ImmutableMultiDict(pairs)
    for match in _cookie_pair_re.finditer(text):
        name, value = match.groups()
        if not name or ";" in name:
            continue
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
            if "\\" in value:
                raw = _cookie_unslash_re.sub(_cookie_unslash, value.encode())
                value = raw.decode("utf-8", "replace")
        pairs.append((name, value))
    return _ds.ImmutableMultiDict(pairs)


def cookie_value(header: str | None, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, exactly as
    ``parse_cookie(header).get(name)`` gives it, without building the whole mapping.

    For reading one cookie (the session's) on a request that may never look at the others.
    """
    if not header or not name:
        return None
    text = _header_text(header)
    if '"' in text:
        # Quoted values need the full parser's unescaping.
        return parse_cookie(header).get(name)
    for segment in text.split(";"):
        key, eq, value = segment.partition("=")
        if eq and key.strip() == name:
            return value.strip()
    return None


_cookie_no_quote_re = re.compile(r"[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*", re.ASCII)
_cookie_slash_re = re.compile(rb'[\x00-\x19",;\\\x7f-\xff]')
_cookie_slash_map = {b'"': b'\\"', b"\\": b"\\\\"}
_cookie_slash_map.update(
    (bytes((byte,)), b"\\%03o" % byte) for byte in [*range(0x20), *b",;", *range(0x7F, 256)]
)
_domain_re = re.compile(r"[A-Za-z0-9.\-]+", re.ASCII)


def dump_cookie(
    key: str,
    value: str | bytes = "",
    max_age: timedelta | int | None = None,
    expires: str | datetime | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
    partitioned: bool = False,
    sync_expires: bool = True,
) -> str:
    """A ``Set-Cookie`` header value.

    The name must be an HTTP token. A value with characters cookies cannot carry is quoted
    with octal escapes (what :mod:`http.cookies` and Werkzeug do); ``parse_cookie`` reverses
    it. ``max_age`` (seconds or timedelta) also sets ``Expires`` unless ``sync_expires`` is
    off; ``partitioned`` implies ``secure``; ``samesite`` must be Strict, Lax or None.
    """
    if not key or not _TOKEN_CHARS.issuperset(key):
        raise ValueError(f"Invalid cookie name {key!r}: use letters, digits and !#$%&'*+-.^_`|~.")
    if isinstance(value, bytes):
        value = value.decode()
    elif not isinstance(value, str):
        value = str(value)
    if not _cookie_no_quote_re.fullmatch(value):
        escaped = _cookie_slash_re.sub(lambda m: _cookie_slash_map[m.group()], value.encode())
        value = '"' + escaped.decode("ascii") + '"'

    if path is not None:
        path = quote(path, safe="%!$&'()*+,/:=@")
    if domain:
        try:
            domain = domain.partition(":")[0].lstrip(".").encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise ValueError(f"Invalid cookie domain {domain!r}.") from None
        if not _domain_re.fullmatch(domain):
            raise ValueError(f"Invalid cookie domain {domain!r}.")
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    elif max_age is not None:
        max_age = int(max_age)
    if expires is not None:
        if isinstance(expires, str):
            if ";" in expires or _has_control(expires):
                raise ValueError(f"Invalid cookie expires {expires!r}.")
        else:
            expires = http_date(expires)
    elif max_age is not None and sync_expires:
        expires = http_date(datetime.now(UTC).timestamp() + max_age)
    if samesite is not None:
        samesite = samesite.title()
        if samesite not in ("Strict", "Lax", "None"):
            raise ValueError("SameSite must be 'Strict', 'Lax', or 'None'.")
    if partitioned:
        secure = True

    parts = [f"{key}={value}"]
    for name, attribute in (
        ("Domain", domain),
        ("Expires", expires),
        ("Max-Age", max_age),
        ("Secure", secure),
        ("HttpOnly", httponly),
        ("Path", path),
        ("SameSite", samesite),
        ("Partitioned", partitioned),
    ):
        if attribute is None or attribute is False:
            continue
        parts.append(name if attribute is True else f"{name}={attribute}")
    return "; ".join(parts)


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


from . import datastructures as _ds  # noqa: E402  (datastructures imports this module)
