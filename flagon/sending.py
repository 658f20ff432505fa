"""Sending files: :func:`send_file`, :func:`send_from_directory` and :func:`safe_join`.

A file response answers conditional requests (304, 412) and byte ranges (206, 416) itself,
deciding before the file is opened: a revalidation costs one ``stat`` and no read.
"""

from __future__ import annotations

import io
import mimetypes
import os
import posixpath
import stat as stat_module
import typing as t
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zlib import adler32

from .conditional import (
    RangeBody,
    cached_http_date,
    evaluate_preconditions,
    file_pieces,
    http_date_now,
    partial_body,
    requested_ranges,
    strip_entity_headers,
)
from .datastructures import Headers
from .exceptions import NotFound, RequestedRangeNotSatisfiable
from .globals import _no_req_msg, _request_ctx_stack
from .http import quote_etag, quote_header_value
from .wrappers.response import get_content_type
from .wsgi import wrap_file

if t.TYPE_CHECKING:
    from .app import Flagon
    from .wrappers import Response

_CHUNK = 64 * 1024

# -- paths ---------------------------------------------------------------------------------------

_WINDOWS = os.name == "nt"
# Names Windows opens as devices in any folder, whatever the extension (the superscript digits
# are real device names too).
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{name}{n}" for name in ("COM", "LPT") for n in "123456789¹²³"}
)


def _is_windows_device(part: str) -> bool:
    for segment in part.split("/"):
        if segment.partition(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES:
            return True
    return False


def safe_join(directory: str, *pathnames: str) -> str | None:
    """Join URL path segments to a trusted ``directory``; ``None`` if the result could lie
    outside it.

    Refused, on every operating system: ``..`` escaping the directory, absolute paths, drive
    letters (``C:``), backslashes and NUL characters (and Windows device names on Windows).
    The parts are joined with ``/``; symbolic links inside the directory are followed.
    """
    if not directory:
        directory = "."  # otherwise the first untrusted part would become the trusted base
    parts = [directory]
    for part in pathnames:
        if not part:
            continue
        if "\0" in part or "\\" in part:
            return None
        if part[0] in "./" or part[-1] == "/" or "/." in part or "//" in part:
            # Only such parts can hold "." / ".." segments or start at the root.
            part = posixpath.normpath(part)
        if (
            part.startswith(("/", "../"))
            or part == ".."
            or (len(part) > 1 and part[1] == ":" and part[0].isascii() and part[0].isalpha())
            or (_WINDOWS and (os.path.isabs(part) or _is_windows_device(part)))
        ):
            return None
        parts.append(part)
    if len(parts) == 2:
        # Both parts are checked: plain concatenation is what posixpath.join would give.
        return directory + part if directory.endswith("/") else f"{directory}/{part}"
    return posixpath.join(*parts)


# -- headers -------------------------------------------------------------------------------------

_RFC5987_SAFE = "!#$&+-.^_`|~"  # attr-char punctuation (RFC 5987) kept as is in filename*


def content_disposition(download_name: str, as_attachment: bool = False) -> str:
    """The ``Content-Disposition`` value offering ``download_name``.

    A plain ASCII name is sent as ``filename``. Any other name — non-ASCII, or containing
    quotes, backslashes or control characters — is sent exactly as ``filename*=UTF-8''…``
    (RFC 5987/6266, percent-encoded) with an ASCII ``filename`` fallback for old clients; no
    name can break out of the header.
    """
    kind = "attachment" if as_attachment else "inline"
    name = download_name
    if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name:
        return f"{kind}; filename={quote_header_value(name)}"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in fallback)
    encoded = quote(name, safe=_RFC5987_SAFE, errors="replace")
    return f"{kind}; filename={quote_header_value(fallback)}; filename*=UTF-8''{encoded}"


_guess_type = getattr(mimetypes, "guess_file_type", mimetypes.guess_type)


def _cache_headers(max_age: int | None) -> list[tuple[str, str]]:
    """``Cache-Control`` (and ``Expires``): revalidate every time without a max age."""
    if max_age is None:
        return [("Cache-Control", "no-cache")]
    directives = "public" if max_age > 0 else "no-cache"
    return [
        ("Cache-Control", f"{directives}, max-age={max_age}"),
        ("Expires", http_date_now(max_age)),
    ]


def _timestamp(value: datetime | int | float) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # naive datetimes are UTC, as in http_date
        return int(value.timestamp())
    return int(value)


def _file_extent(file: t.IO[bytes]) -> tuple[int | None, int]:
    """``(bytes from the current position to the end, that position)`` of a seekable file;
    ``(None, 0)`` when it cannot be told."""
    if isinstance(file, io.BytesIO):
        position = file.tell()
        return max(file.getbuffer().nbytes - position, 0), position
    try:
        if not file.seekable():
            return None, 0
        position = file.tell()
        file.seek(0, os.SEEK_END)
        end = file.tell()
        file.seek(position)
    except (AttributeError, OSError, ValueError):
        return None, 0
    return max(end - position, 0), position


# -- sending -------------------------------------------------------------------------------------


def _current() -> tuple[Flagon, dict[str, t.Any]]:
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(_no_req_msg)
    return ctx.app, ctx.request.environ


def send_file(
    path_or_file: os.PathLike[str] | str | t.IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | timedelta | t.Callable[[str | None], int | None] | None = None,
) -> Response:
    """A response sending a file: a path (relative to the app's root path) or a binary file
    object.

    Never pass a path that came from the client: use :func:`send_from_directory`. The
    ``mimetype`` is guessed from ``download_name`` (the file's name by default); a file object
    needs one of the two. ``as_attachment`` asks browsers to save the file. With
    ``conditional`` the response answers ``If-None-Match`` / ``If-Modified-Since`` (304),
    ``If-Match`` / ``If-Unmodified-Since`` (412) and ``Range`` / ``If-Range`` (206, 416).
    ``etag`` is generated for paths, or given as a string. ``max_age`` (seconds, or a function
    of the path) defaults to the app's :meth:`~flagon.Flagon.get_send_file_max_age`; without
    one, clients are told to revalidate every time.
    """
    app, environ = _current()
    path: str | None = None
    file: t.IO[bytes] | None = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.path.join(app.root_path, os.fspath(path_or_file))
    else:
        file = path_or_file
    return _send(
        app,
        environ,
        path,
        file,
        None,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        conditional=conditional,
        etag=etag,
        last_modified=last_modified,
        max_age=max_age,
    )


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: t.Any
) -> Response:
    """Send ``path`` from inside ``directory`` (relative to the app's root path), with the
    options of :func:`send_file`.

    ``path`` may come from the client: anything that could leave ``directory`` (see
    :func:`safe_join`), and anything that is not an existing regular file, is a 404.
    ``directory`` must not come from the client.
    """
    app, environ = _current()
    joined = safe_join(os.fspath(directory), os.fspath(path))
    if joined is None:
        raise NotFound()
    full_path = os.path.join(app.root_path, joined)
    try:
        stat = os.stat(full_path)
    except (OSError, ValueError):
        raise NotFound() from None
    if not stat_module.S_ISREG(stat.st_mode):
        raise NotFound()
    return _send(app, environ, full_path, None, stat, **kwargs)


def _send(
    app: Flagon,
    environ: dict[str, t.Any],
    path: str | None,
    file: t.IO[bytes] | None,
    stat: os.stat_result | None,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | timedelta | t.Callable[[str | None], int | None] | None = None,
) -> Response:
    """The file response: ``path`` (absolute, ``stat`` given if known) or ``file``."""
    if path is not None:
        if stat is None:
            stat = os.stat(path)
        size: int | None = stat.st_size
        offset = 0
    else:
        assert file is not None, "a path or a file"
        if isinstance(file, io.TextIOBase):
            raise ValueError("Files must be opened in binary mode or use BytesIO.")
        if mimetype is None and download_name is None:
            raise TypeError(
                "Unable to detect the MIME type because a file name is not available. Either"
                " set 'download_name', pass a path instead of a file, or set 'mimetype'."
            )
        if as_attachment and download_name is None:
            raise TypeError(
                "No name provided for attachment. Either set 'download_name' or pass a path"
                " instead of a file."
            )
        size, offset = _file_extent(file)

    etag_value, modified = _validators(path, stat, etag, last_modified)
    if max_age is None:
        max_age = app.get_send_file_max_age
    if callable(max_age):
        max_age = max_age(path)
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())

    headers = _cache_headers(max_age)
    if etag_value is not None:
        headers.append(("ETag", etag_value))
    method = environ.get("REQUEST_METHOD")
    conditional = conditional and method in ("GET", "HEAD")
    if conditional:
        headers.append(("Date", http_date_now()))
        status = evaluate_preconditions(environ, etag_value, modified)
        if status != 200:
            if file is not None:
                file.close()
            response = app.response_class(None, status)
            strip_entity_headers(response.headers)  # the default Content-Type it was given
            # Every value was made here (a given ETag was checked above): no need to re-check.
            response.headers._list.extend(headers)
            return response

    use_x_sendfile = path is not None and app.config["USE_X_SENDFILE"]
    spans = None
    if conditional and size is not None and not use_x_sendfile:
        headers.append(("Accept-Ranges", "bytes"))
        try:
            spans = requested_ranges(environ, size, etag_value, modified)
        except RequestedRangeNotSatisfiable:
            if file is not None:
                file.close()
            raise

    if download_name is None and path is not None:
        download_name = os.path.basename(path)
    if mimetype is None:
        mimetype, encoding = _guess_type(download_name)  # type: ignore[arg-type]
        if mimetype is None:
            mimetype = "application/octet-stream"
        # An encoded attachment is saved as is: decoding it would corrupt e.g. a .tar.gz.
        if encoding is not None and not as_attachment:
            headers.append(("Content-Encoding", encoding))
    content_type = get_content_type(mimetype, app.response_class.charset)
    if download_name is not None:
        headers.append(("Content-Disposition", content_disposition(download_name, as_attachment)))
    if modified is not None:
        headers.append(("Last-Modified", cached_http_date(modified)))

    body: t.Any = None
    status = 200
    if use_x_sendfile:
        headers.append(("X-Sendfile", path))  # type: ignore[arg-type]
    elif file is None and method != "HEAD":  # a HEAD response reads nothing: don't open the file
        file = open(path, "rb")  # type: ignore[arg-type]
    try:
        if spans is None:
            if file is not None:
                body = wrap_file(environ, file, _CHUNK)
        else:  # ranges are only read for GET, so the file is open
            assert file is not None and size is not None
            status = 206
            body, size, content_type, content_range = _partial_body(
                environ,
                file,
                offset,
                spans,
                size,
                content_type,
            )
            if content_range is not None:
                headers.append(("Content-Range", content_range))
        headers.append(("Content-Type", content_type))
        if size is not None:
            headers.append(("Content-Length", str(size)))
        return app.response_class(body, status, headers=Headers(headers), direct_passthrough=True)
    except BaseException:
        if file is not None:
            file.close()
        raise


def _validators(
    path: str | None,
    stat: os.stat_result | None,
    etag: bool | str,
    last_modified: datetime | int | float | None,
) -> tuple[str | None, int | None]:
    """The ``ETag`` header value and the last-modified time in whole seconds, if any."""
    if last_modified is None and stat is not None:
        last_modified = stat.st_mtime
    modified = None if last_modified is None else _timestamp(last_modified)
    if isinstance(etag, str):
        if not etag.isprintable():
            raise ValueError(f"Invalid ETag {etag!r}: control characters are not allowed.")
        return quote_etag(etag), modified
    if etag and stat is not None:
        check = adler32(os.fsencode(path)) & 0xFFFFFFFF  # type: ignore[arg-type]
        return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-{check:x}"', modified
    return None, modified


def _partial_body(
    environ: dict[str, t.Any],
    file: t.IO[bytes],
    offset: int,
    spans: list[tuple[int, int]],
    length: int,
    content_type: str,
) -> tuple[t.Iterable[bytes], int, str, str | None]:
    """The 206 body sending ``spans`` of the file's ``length`` bytes from ``offset``, with its
    length, content type and ``Content-Range``."""
    chunks, size, ranges_type, content_range = partial_body(
        file_pieces(file, spans, offset), spans, length, content_type
    )
    content_type = ranges_type or content_type  # given a type, partial_body gives one back
    if content_range is not None and spans[0][1] == length and "wsgi.file_wrapper" in environ:
        # One range running to the end of the file: the server's wrapper can send it.
        file.seek(offset + spans[0][0])
        return wrap_file(environ, file, _CHUNK), size, content_type, content_range
    return RangeBody(chunks, file.close), size, content_type, content_range
