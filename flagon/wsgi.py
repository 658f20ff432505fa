"""WSGI helpers: a safe request body stream, the request's host and URL, iterables for
sending files, and calling a WSGI application as a server would."""

from __future__ import annotations

import io
import re
import sys
import typing as t

from .closing import ClosingIterator as ClosingIterator
from .datastructures import Headers
from .exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge, SecurityError
from .http import MAX_DIGITS

_CHUNK = 64 * 1024


class LineReader:
    """``readinto``, ``readlines`` and iteration by lines for a request body stream, made of
    its own ``read`` and ``readline``."""

    __slots__ = ()

    def read(self, size: int | None = -1) -> bytes:
        raise NotImplementedError

    def readline(self, size: int | None = -1) -> bytes:
        raise NotImplementedError

    def readinto(self, buffer: t.Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines: list[bytes] = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self) -> t.Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class LimitedStream(LineReader, io.RawIOBase):
    """Read at most ``limit`` bytes of ``stream``.

    With a ``Content-Length`` limit, the client promised that many bytes: a stream that ends
    early means it went away, and :class:`ClientDisconnected` (400) is raised rather than
    handing the application a silently truncated body. With ``is_max=True`` the limit is a
    maximum (``max_content_length`` on a stream the server terminates): an early end is
    simply the end of the body, and finding data past the limit raises
    :class:`RequestEntityTooLarge` (413).
    """

    def __init__(self, stream: t.IO[bytes], limit: int, is_max: bool = False) -> None:
        self._stream = stream
        self._pos = 0
        self.limit = limit
        self._is_max = is_max

    @property
    def is_exhausted(self) -> bool:
        """Whether every byte up to the limit has been read."""
        return self._pos >= self.limit

    def _at_limit(self) -> bytes:
        # A maximum is only exceeded if the body really goes on: peek one byte to find out.
        if self._is_max and self._raw_read(self._stream.read, 1, at_limit=True):
            raise RequestEntityTooLarge()
        return b""

    def _raw_read(self, read: t.Callable[[int], bytes], size: int, at_limit: bool = False) -> bytes:
        try:
            data = read(size)
        except Exception as error:
            raise _read_failed(error) from error
        if not data and not self._is_max and not at_limit:
            raise ClientDisconnected()
        return data

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes (everything left when ``size`` is -1 or None); fewer only at the
        end of the body, even when the server's stream returns short reads."""
        if size == 0:
            return b""
        remaining = self.limit - self._pos
        if remaining <= 0:
            return self._at_limit()
        if size is None or size < 0:
            return self._read_rest()
        wanted = min(size, remaining)
        data = self._raw_read(self._stream.read, wanted)
        self._pos += len(data)
        if 0 < len(data) < wanted:
            chunks = [data]
            wanted -= len(data)
            while wanted:
                data = self._raw_read(self._stream.read, wanted)
                if not data:  # only a maximum-limited stream may end here
                    break
                self._pos += len(data)
                wanted -= len(data)
                chunks.append(data)
            data = b"".join(chunks)
        return data

    def _read_rest(self) -> bytes:
        chunks: list[bytes] = []
        while self._pos < self.limit:
            data = self._raw_read(self._stream.read, min(_CHUNK, self.limit - self._pos))
            if not data:
                return b"".join(chunks)
            self._pos += len(data)
            chunks.append(data)
        chunks.append(self._at_limit())
        return b"".join(chunks)

    readall = _read_rest

    def readline(self, size: int | None = -1) -> bytes:
        """One line, ``b"\\n"`` included, never reading past the limit."""
        remaining = self.limit - self._pos
        if size == 0:
            return b""
        if remaining <= 0:
            return self._at_limit()
        if size is not None and 0 < size < remaining:
            remaining = size
        data = self._raw_read(self._stream.readline, remaining)
        self._pos += len(data)
        return data

    def exhaust(self) -> None:
        """Read and discard the rest of the body, so the connection can serve the next request."""
        while self._pos < self.limit:
            if not self.read(_CHUNK):
                return

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True


def _read_failed(error: Exception) -> BadRequest:
    """The client error for a body the server's stream could not deliver: the connection
    failed, or the server's own parser refused the framing (Gunicorn's ``InvalidChunkSize``…)."""
    if isinstance(error, BadRequest):
        return error
    if isinstance(error, OSError):
        return ClientDisconnected()
    return BadRequest(f"The request body could not be read: {error or type(error).__name__}.")


def wsgi_decode(value: str) -> str:
    """A WSGI string (bytes carried as Latin-1) read as UTF-8, as URLs are; bytes that are
    not UTF-8 become U+FFFD. Text a server already decoded is returned as it is."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return value


def get_content_length(environ: dict[str, t.Any]) -> int | None:
    """The declared body length; ``None`` when not given or the body is chunked.

    A value that is not a non-negative integer raises :class:`BadRequest`: guessing a length
    for a body whose framing is unclear is how request smuggling starts.
    """
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    value = environ.get("CONTENT_LENGTH")
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not (value.isdigit() and value.isascii()):
        raise BadRequest("Invalid Content-Length header: expected a non-negative integer.")
    if len(value) > MAX_DIGITS:
        raise RequestEntityTooLarge()
    return int(value)


def get_input_stream(
    environ: dict[str, t.Any], max_content_length: int | None = None
) -> t.IO[bytes]:
    """The request body as a stream that is safe to read to the end.

    A declared length over ``max_content_length`` raises 413 before anything is read. A body
    with a ``Content-Length`` is read to exactly that length, whatever the server says of its
    stream: one that ends early is a 400, never a silently truncated body. A body without one
    (chunked) is read to its end when the server terminates the stream
    (``wsgi.input_terminated``), capped at ``max_content_length``; otherwise it is empty, since
    reading an unterminated stream could block the worker forever. Any error the server's
    stream raises is a 400.
    """
    stream = environ["wsgi.input"]
    content_length = get_content_length(environ)
    if content_length is not None:
        if max_content_length is not None and content_length > max_content_length:
            raise RequestEntityTooLarge()
        return t.cast(t.IO[bytes], LimitedStream(stream, content_length))
    if environ.get("wsgi.input_terminated"):
        limit = sys.maxsize if max_content_length is None else max_content_length
        return t.cast(t.IO[bytes], LimitedStream(stream, limit, is_max=True))
    return io.BytesIO()


def read_body(environ: dict[str, t.Any], max_content_length: int | None = None) -> bytes:
    """The whole request body, with the same limits and errors as :func:`get_input_stream`.

    The common case — a declared length within the limit — is read without building a
    stream object: reading a JSON or form body is on many requests' path.
    """
    content_length = get_content_length(environ)
    if content_length is None:
        return get_input_stream(environ, max_content_length).read()
    if max_content_length is not None and content_length > max_content_length:
        raise RequestEntityTooLarge()
    read = environ["wsgi.input"].read
    try:
        data = read(content_length) if content_length else b""
        if len(data) < content_length:  # servers may return short reads: keep reading
            chunks = [data]
            missing = content_length - len(data)
            while missing:
                data = read(min(missing, _CHUNK))
                if not data:
                    raise ClientDisconnected()
                chunks.append(data)
                missing -= len(data)
            data = b"".join(chunks)
    except Exception as error:
        raise _read_failed(error) from error
    return data


# A domain name or IPv4 address (underscores allowed, as in container service names) or a
# bracketed IPv6 literal, then an optional port from 1 to 65535 (checked in ``_split_host``).
_host_re = re.compile(
    r"([a-z0-9._-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([1-9][0-9]{0,4}))?", re.ASCII | re.IGNORECASE
)
_DEFAULT_PORTS = {"http": "80", "ws": "80", "https": "443", "wss": "443"}


def _split_host(host: str) -> tuple[str, str | None] | None:
    """``(name, port)`` of a well-formed ``host[:port]``, else ``None``."""
    match = _host_re.fullmatch(host)
    if match is None:
        return None
    name, port = match.groups()
    if port is not None and int(port) > 65535:
        return None
    return name, port


def _trusted_name(name: str) -> str:
    """A host name in the form hosts are compared in: lower-case, IDNA, no trailing dot."""
    name = name.lower()
    if not name.isascii():
        name = name.encode("idna").decode("ascii")
    return name[:-1] if name.endswith(".") else name


def host_is_trusted(
    hostname: str | None, trusted_list: t.Iterable[str] | str | None = None
) -> bool:
    """Whether ``hostname`` (``host[:port]``) is well-formed and, when ``trusted_list`` is
    given, one of those names (a name starting with ``.`` also accepts its subdomains). The
    port is not compared; neither is case or a trailing dot."""
    split = _split_host(hostname) if hostname else None
    if split is None:
        return False
    if not trusted_list:
        return True
    if isinstance(trusted_list, str):
        trusted_list = [trusted_list]
    name = _trusted_name(split[0])
    for ref in trusted_list:
        suffix = ref.startswith(".")
        try:
            ref = _trusted_name(ref.lstrip(".").partition(":")[0])
        except UnicodeError:
            continue
        if name == ref or (suffix and name.endswith("." + ref)):
            return True
    return False


def get_host(
    environ: dict[str, t.Any],
    trusted_hosts: t.Iterable[str] | None = None,
    scheme: str | None = None,
) -> str:
    """The request's ``host[:port]``, in the one form request attributes, routing and URL
    building share.

    It is the ``Host`` header, else ``SERVER_NAME:SERVER_PORT`` (nothing for a Unix socket),
    without surrounding white space (which HTTP does not count as part of a header value),
    lower-cased (host names are case-insensitive), without a trailing dot (``example.com.`` is
    ``example.com``) and without the default port of ``scheme`` (the environ's by default).
    As in Werkzeug, a malformed host gives ``""``, so host routing and external URLs have no
    host to go by; with ``trusted_hosts``, a host that is malformed or not among them raises
    :class:`SecurityError` (400).
    """
    host = environ.get("HTTP_HOST")
    if host is None:
        name, port = environ.get("SERVER_NAME"), environ.get("SERVER_PORT")
        if not name or not port or not str(port).isdigit():
            return ""  # no Host header and a Unix socket: there is no useful host
        if ":" in name and name[0] != "[":
            name = f"[{name}]"
        host = f"{name}:{port}"
    split = _split_host(host.strip(" \t").lower())
    if split is None:
        if trusted_hosts:
            raise SecurityError(f"Host {host!r} is not trusted.")
        return ""
    name, port = split
    if name.endswith(".") and len(name) > 1:
        name = name[:-1]
    if port is not None:
        name = drop_default_port(f"{name}:{port}", scheme or environ.get("wsgi.url_scheme"))
    if trusted_hosts and not host_is_trusted(name, trusted_hosts):
        raise SecurityError(f"Host {host!r} is not trusted.")
    return name


def drop_default_port(host: str, scheme: str | None) -> str:
    """``host`` without the default port of ``scheme``: ``:80`` for http and ws, ``:443`` for
    https and wss."""
    port = _DEFAULT_PORTS.get(scheme or "http")
    if port is not None and host.endswith(":" + port):
        return host[: -len(port) - 1]
    return host


# Characters that must stay percent-encoded in an IRI, plus the surrogates that stand for
# bytes which are not UTF-8. In a path "%" itself is data (the server already decoded it).
_path_unsafe_re = re.compile('[\x00-\x20"#%<>?\\\\^`{|}\x7f\udc80-\udcff]')
_query_unsafe_re = re.compile('[\x00-\x20"#<>\\\\^`{|}\x7f\udc80-\udcff]')


def _percent(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "%%%02X" % (code - 0xDC00 if code >= 0xDC80 else code)


def _iri_part(value: str, unsafe: re.Pattern[str]) -> str:
    """A WSGI string (bytes as Latin-1) as IRI text: UTF-8 shown as characters, anything
    else percent-encoded."""
    if not value.isascii():
        try:
            value = value.encode("latin-1").decode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            pass  # already text: the server decoded it
    return unsafe.sub(_percent, value)


def get_current_url(
    environ: dict[str, t.Any],
    root_only: bool = False,
    strip_querystring: bool = False,
    host_only: bool = False,
    trusted_hosts: t.Iterable[str] | None = None,
) -> str:
    """The URL of the request as an IRI (``http://example.com/caf\u00e9?q=1``): ``host_only``
    stops after the host, ``root_only`` after the application root (``SCRIPT_NAME``),
    ``strip_querystring`` before the ``?``."""
    parts = [environ.get("wsgi.url_scheme", "http"), "://", get_host(environ, trusted_hosts)]
    if "xn--" in parts[2]:
        try:
            parts[2] = parts[2].encode("ascii").decode("idna")
        except UnicodeError:
            pass
    if host_only:
        return "".join(parts) + "/"
    parts.append(_iri_part(environ.get("SCRIPT_NAME", "").rstrip("/"), _path_unsafe_re))
    parts.append("/")
    if root_only:
        return "".join(parts)
    parts.append(_iri_part(environ.get("PATH_INFO", "").lstrip("/"), _path_unsafe_re))
    query = environ.get("QUERY_STRING")
    if query and not strip_querystring:
        parts.append("?")
        parts.append(_iri_part(query, _query_unsafe_re))
    return "".join(parts)


class FileWrapper:
    """Iterate over a file in ``buffer_size`` blocks (servers may offer a faster
    ``wsgi.file_wrapper``; see :func:`wrap_file`)."""

    def __init__(self, file: t.IO[bytes], buffer_size: int = 8192) -> None:
        self.file = file
        self.buffer_size = buffer_size

    def close(self) -> None:
        close = getattr(self.file, "close", None)
        if close is not None:
            close()

    def seekable(self) -> bool:
        seekable = getattr(self.file, "seekable", None)
        return seekable() if seekable is not None else hasattr(self.file, "seek")

    def seek(self, *args: t.Any) -> None:
        if hasattr(self.file, "seek"):
            self.file.seek(*args)

    def tell(self) -> int | None:
        return self.file.tell() if hasattr(self.file, "tell") else None

    def __iter__(self) -> FileWrapper:
        return self

    def __next__(self) -> bytes:
        data = self.file.read(self.buffer_size)
        if data:
            return data
        raise StopIteration


def wrap_file(
    environ: dict[str, t.Any], file: t.IO[bytes], buffer_size: int = 8192
) -> t.Iterable[bytes]:
    """The server's ``wsgi.file_wrapper`` around ``file`` if it has one, else a
    :class:`FileWrapper`."""
    return environ.get("wsgi.file_wrapper", FileWrapper)(file, buffer_size)


def run_wsgi_app(
    app: t.Callable, environ: dict, buffered: bool = False
) -> tuple[t.Iterable[bytes], str, Headers]:
    """Call a WSGI application; return ``(body, status, headers)``.

    The body keeps the application's ``close``; ``buffered`` reads it all first.
    """
    response: list[t.Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list, exc_info: t.Any = None) -> t.Callable:
        if exc_info is not None and response:
            raise exc_info[1].with_traceback(exc_info[2])
        response[:] = [status, headers]
        return written.append

    app_rv = app(environ, start_response)
    close = getattr(app_rv, "close", None)
    iterator = iter(app_rv)
    # Some apps call start_response only when iterated: pull the first chunk to get the status.
    first: list[bytes] = []
    while not response:
        try:
            first.append(next(iterator))
        except StopIteration:
            break
    if not response:
        raise RuntimeError("The WSGI application did not call start_response.")

    def body() -> t.Iterator[bytes]:
        yield from written
        yield from first
        yield from iterator

    if buffered:
        try:
            chunks: t.Any = list(body())
        finally:
            if close is not None:
                close()
    else:
        chunks = ClosingIterator(body(), close)
    return chunks, response[0], Headers(response[1])
