"""Request bodies and query strings into MultiDicts.

``application/x-www-form-urlencoded`` bodies are parsed here; ``multipart/form-data`` goes
through the ``python-multipart`` streaming parser, with file parts written to spooled
temporary files so that a large upload never sits in memory. Every client mistake becomes
a 4xx: a malformed body is a 400, a body or part over a limit a 413.
"""

from __future__ import annotations

import logging
import typing as t
from tempfile import SpooledTemporaryFile
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState

from .charsets import safe_charset
from .datastructures import FileStorage, Headers, ImmutableMultiDict
from .exceptions import BadRequest, RequestEntityTooLarge
from .http import parse_options_header
from .wsgi import get_content_length, get_input_stream

SPOOL_MAX_SIZE = 500 * 1024
"""Uploaded files larger than this move from memory to a temporary file on disk."""

_CHUNK = 64 * 1024
_dict_setdefault = dict.setdefault
_dict_setitem = dict.__setitem__
# An empty multidict without running its __init__ (which has nothing to do then).
_new_multidict = dict.__new__

# python-multipart logs a warning for every malformed body; here that is a 400 with its
# own message, and a client must not be able to flood the application's log.
_silent_logger = logging.Logger("flagon.formparser.multipart")
_silent_logger.disabled = True


class StreamFactory(t.Protocol):
    """Opens the writable binary file an uploaded file part is stored in."""

    def __call__(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> t.IO[bytes]: ...


def default_stream_factory(
    total_content_length: int | None,
    content_type: str | None,
    filename: str | None,
    content_length: int | None = None,
) -> t.IO[bytes]:
    """Where an uploaded file is written: memory up to 500 KiB, then a temporary file."""
    return t.cast(t.IO[bytes], SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE, mode="w+b"))


# -- query strings and urlencoded bodies ------------------------------------------------------


def _decode_fields(raw: bytes, errors: str, charset: str = "utf-8") -> ImmutableMultiDict:
    """``a=1&b=&c`` -> ``{"a": ["1"], "b": [""], "c": [""]}``, percent-escapes and ``+``
    decoded like ``urllib.parse.parse_qsl(keep_blank_values=True)``: an invalid escape such as
    ``%zz`` is kept literally."""
    result = ImmutableMultiDict()
    for field in raw.split(b"&"):
        if not field:
            continue
        key, _, value = field.partition(b"=")
        if b"+" in key:
            key = key.replace(b"+", b" ")
        if b"+" in value:
            value = value.replace(b"+", b" ")
        if b"%" in key:
            key = unquote_to_bytes(key)
        if b"%" in value:
            value = unquote_to_bytes(value)
        _dict_setdefault(result, key.decode(charset, errors), []).append(
            value.decode(charset, errors)
        )
    return result


def url_decode(query: str, charset: str = "utf-8") -> ImmutableMultiDict:
    """Parse a query string (``QUERY_STRING``: the raw bytes as a Latin-1 str).

    Parsed like ``urllib.parse.parse_qsl(query, keep_blank_values=True)``. Bytes that are not
    valid UTF-8 after percent-decoding become U+FFFD replacement characters instead of an
    error: a mangled link (old clients, other encodings) still reaches the page, and the
    affected parameter shows visibly wrong characters rather than a 400 or a 500.
    """
    if not query:
        return ImmutableMultiDict()
    if query.isascii() and "%" not in query and "+" not in query:
        # The common case needs no decoding at all.
        result = _new_multidict(ImmutableMultiDict)
        if "&" not in query:
            key, _, value = query.partition("=")
            _dict_setitem(result, key, [value])
            return result
        for field in query.split("&"):
            if field:
                key, _, value = field.partition("=")
                _dict_setdefault(result, key, []).append(value)
        return result
    try:
        raw = query.encode("latin-1")
    except UnicodeEncodeError:
        raw = query.encode("utf-8")  # already text, from a server that decoded it
    return _decode_fields(raw, "replace", charset)


def _read_at_most(stream: t.IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, across the short reads a server's stream may return."""
    chunks = []
    while size > 0:
        data = stream.read(min(size, _CHUNK))
        if not data:
            break
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


def _parse_urlencoded(
    stream: t.IO[bytes], content_length: int | None, max_form_memory_size: int | None, charset: str
) -> ImmutableMultiDict:
    """An urlencoded body. Unlike the query string, invalid UTF-8 here is a 400 ("Invalid UTF-8
    in form data"): the client sent the body itself, and silently storing replacement
    characters in the application's data would be worse than refusing it."""
    if max_form_memory_size is not None:
        if content_length is not None and content_length > max_form_memory_size:
            raise RequestEntityTooLarge("The form data is larger than the limit for form fields.")
        raw = _read_at_most(stream, max_form_memory_size + 1)
        if len(raw) > max_form_memory_size:
            raise RequestEntityTooLarge("The form data is larger than the limit for form fields.")
    else:
        raw = stream.read()
    try:
        return _decode_fields(raw, "strict", charset)
    except UnicodeDecodeError:
        raise BadRequest("Invalid UTF-8 in form data.") from None


# -- multipart -------------------------------------------------------------------------------


def _header_text(raw: bytes) -> str:
    # Part headers are UTF-8 from every current browser; older clients send Latin-1.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class _MultipartReader:
    """Collects fields and files from python-multipart's callbacks, enforcing the limits."""

    def __init__(
        self,
        boundary: bytes,
        content_length: int | None,
        max_form_memory_size: int | None,
        max_form_parts: int | None,
        charset: str,
        stream_factory: StreamFactory,
    ) -> None:
        self.content_length = content_length
        self.max_form_memory_size = max_form_memory_size
        self.max_form_parts = max_form_parts
        self.charset = charset
        self.stream_factory = stream_factory
        self.fields: list[tuple[str, str]] = []
        self.files: list[tuple[str, FileStorage]] = []
        self.parts = 0
        self._headers: list[tuple[str, str]] = []
        self._field_name = bytearray()
        self._field_value = bytearray()
        self._name = ""
        self._filename: str | None = None
        self._part_headers: Headers | None = None
        self._text: bytearray | None = None
        self._file: t.IO[bytes] | None = None
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self.on_part_begin,
                "on_header_field": self.on_header_field,
                "on_header_value": self.on_header_value,
                "on_header_end": self.on_header_end,
                "on_headers_finished": self.on_headers_finished,
                "on_part_data": self.on_part_data,
                "on_part_end": self.on_part_end,
            },
        )
        self.parser.logger = _silent_logger

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.max_form_parts is not None and self.parts > self.max_form_parts:
            raise RequestEntityTooLarge(f"The form has more than {self.max_form_parts} parts.")
        self._headers = []

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._field_value += data[start:end]

    def on_header_end(self) -> None:
        name = _header_text(bytes(self._field_name)).strip()
        value = _header_text(bytes(self._field_value)).strip()
        self._field_name.clear()
        self._field_value.clear()
        if "\0" in value or "\n" in value or "\r" in value:
            raise BadRequest("Invalid character in a multipart part header.")
        self._headers.append((name, value))

    def on_headers_finished(self) -> None:
        headers = Headers()
        headers._list = self._headers  # parsed from CRLF-delimited lines: no CR/LF inside
        disposition, options = parse_options_header(headers.get("Content-Disposition"))
        if disposition.lower() != "form-data" or "name" not in options:
            raise BadRequest(
                "A multipart part lacks a 'Content-Disposition: form-data; name=…' header."
            )
        self._name = options["name"]
        self._filename = options.get("filename")
        self._part_headers = headers
        if self._filename is None:
            self._text = bytearray()
            self._file = None
        else:
            self._text = None
            self._file = self.stream_factory(
                total_content_length=self.content_length,
                content_type=headers.get("Content-Type"),
                filename=self._filename,
                content_length=headers.get("Content-Length", type=int),
            )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
            return
        text = self._text
        if text is None:
            raise BadRequest("Malformed multipart body.")
        text += data[start:end]
        if self.max_form_memory_size is not None and len(text) > self.max_form_memory_size:
            raise RequestEntityTooLarge(f"The form field {self._name!r} is larger than the limit.")

    def on_part_end(self) -> None:
        headers = self._part_headers
        if headers is None:
            raise BadRequest("Malformed multipart body.")
        if self._file is not None:
            self._file.seek(0)
            self.files.append(
                (self._name, FileStorage(self._file, self._filename, self._name, headers=headers))
            )
            self._file = None
        else:
            try:
                value = bytes(self._text or b"").decode(self._part_charset(headers))
            except UnicodeDecodeError:
                raise BadRequest(f"Invalid UTF-8 in form field {self._name!r}.") from None
            self.fields.append((self._name, value))
            self._text = None
        self._part_headers = None

    def _part_charset(self, headers: Headers) -> str:
        content_type = headers.get("Content-Type")
        if content_type:
            charset = safe_charset(parse_options_header(content_type)[1].get("charset"))
            if charset is not None:
                return charset
        return self.charset

    def close_files(self) -> None:
        if self._file is not None:
            self._file.close()
        for _name, storage in self.files:
            storage.close()


def _parse_multipart(
    stream: t.IO[bytes],
    options: dict[str, str],
    content_length: int | None,
    max_form_memory_size: int | None,
    max_form_parts: int | None,
    charset: str,
    stream_factory: StreamFactory,
) -> tuple[ImmutableMultiDict, ImmutableMultiDict]:
    boundary = options.get("boundary", "")
    if not boundary or len(boundary) > 200 or not boundary.isascii():
        raise BadRequest("Invalid or missing multipart boundary in the Content-Type header.")
    try:
        reader = _MultipartReader(
            boundary.encode("ascii"),
            content_length,
            max_form_memory_size,
            max_form_parts,
            charset,
            stream_factory,
        )
    except FormParserError:
        raise BadRequest("Invalid multipart boundary in the Content-Type header.") from None
    received = 0
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            received += len(chunk)
            reader.parser.write(chunk)
    except FormParserError as error:
        reader.close_files()
        raise BadRequest(f"Malformed multipart body: {error}") from None
    except BaseException:
        reader.close_files()
        raise
    if received and reader.parser.state != MultipartState.END:
        reader.close_files()
        raise BadRequest("Malformed multipart body: it ends before the closing boundary.")
    return ImmutableMultiDict(reader.fields), ImmutableMultiDict(reader.files)


def parse_form_data(
    environ: dict[str, t.Any],
    *,
    max_content_length: int | None = None,
    max_form_memory_size: int | None = None,
    max_form_parts: int | None = None,
    charset: str = "utf-8",
    stream_factory: StreamFactory | None = None,
) -> tuple[t.IO[bytes], ImmutableMultiDict, ImmutableMultiDict]:
    """Parse the request body into ``(stream, form, files)``.

    Urlencoded and multipart bodies fill ``form`` (and ``files`` with
    :class:`FileStorage` objects); the stream returned has been read. Any other content type
    leaves ``form`` and ``files`` empty and the stream unread, for the application to use.

    Limits: a body over ``max_content_length`` or a text field (or whole urlencoded body)
    over ``max_form_memory_size`` raises :class:`RequestEntityTooLarge`, as do more than
    ``max_form_parts`` multipart parts; a malformed body raises :class:`BadRequest`. An
    empty multipart body is an empty form.
    """
    stream = get_input_stream(environ, max_content_length=max_content_length)
    mimetype, options = parse_options_header(environ.get("CONTENT_TYPE"))
    mimetype = mimetype.lower()
    if mimetype == "application/x-www-form-urlencoded":
        form = _parse_urlencoded(
            stream,
            get_content_length(environ),
            max_form_memory_size,
            safe_charset(options.get("charset")) or charset,
        )
        return stream, form, ImmutableMultiDict()
    if mimetype == "multipart/form-data":
        form, files = _parse_multipart(
            stream,
            options,
            get_content_length(environ),
            max_form_memory_size,
            max_form_parts,
            charset,
            stream_factory or default_stream_factory,
        )
        return stream, form, files
    return stream, ImmutableMultiDict(), ImmutableMultiDict()
