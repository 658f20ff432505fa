"""``HTTPResponse``: body, status and headers; itself a WSGI application."""

from __future__ import annotations

import json as _json
import typing as t

from werkzeug import wrappers as _werkzeug

from ..closing import ClosingIterator
from ..conditional import ENTITY_HEADERS, make_conditional, strip_entity_headers
from ..datastructures import Headers
from ..http import (
    HTTP_STATUS_CODES,
    dump_cookie,
    generate_etag,
    parse_options_header,
    quote_etag,
    unquote_etag,
)
from ..wsgi import run_wsgi_app
from .caching import CacheControlHeader, ContentRangeHeader, DateHeader, SetHeader, TextHeader

_STATUS_LINES: dict[int, str] = {
    code: f"{code} {phrase.upper()}" for code, phrase in HTTP_STATUS_CODES.items()
}
_content_type_cache: dict[tuple[str, str], str] = {}


def get_content_type(mimetype: str, charset: str) -> str:
    """Add ``; charset=…`` to textual mimetypes that lack one."""
    key = (mimetype, charset)
    value = _content_type_cache.get(key)
    if value is None:
        textual = (
            mimetype.startswith("text/")
            or mimetype in ("application/xml", "application/javascript", "application/ecmascript")
            or (mimetype.startswith("application/") and mimetype.endswith("+xml"))
        )
        value = mimetype
        if textual and "charset" not in mimetype:
            value = f"{mimetype}; charset={charset}"
        if len(_content_type_cache) < 256:
            _content_type_cache[key] = value
    return value


def _parse_status(status: int | str | bytes) -> tuple[str, int]:
    if isinstance(status, int):
        line = _STATUS_LINES.get(status)
        if line is None:
            if not 100 <= status <= 999:
                raise ValueError(f"Invalid status code {status!r}: must be between 100 and 999.")
            line = f"{status} UNKNOWN"
        return line, status
    if isinstance(status, bytes):
        status = status.decode("latin-1")
    if not isinstance(status, str):
        raise TypeError(
            "Invalid status argument: expected an int or a str such as '404 Not Found'."
        )
    status = status.strip()
    if not status:
        raise ValueError("Empty status argument")
    if "\n" in status or "\r" in status or "\0" in status:
        # The status line is sent as is: a line break would let it inject headers.
        raise ValueError(f"Status must not contain CR, LF or NUL characters: {status!r}.")
    code_text, _, phrase = status.partition(" ")
    try:
        code = int(code_text)
    except ValueError:
        return f"0 {status}", 0
    if not phrase:
        return _parse_status(code)
    return status, code


class HTTPResponse(_werkzeug.Response):
    """An HTTP response: body, status and headers; call it as a WSGI application to send it.

    ``response`` may be a str, bytes, or any iterable of str/bytes (a generator streams).
    """

    default_status = 200
    direct_passthrough = False
    # Class-level defaults: most responses never set them, so __init__ doesn't either.
    _status = _STATUS_LINES[200]
    _status_code = 200
    # A tuple, unlike Werkzeug's list: the shared class default can't be appended to.
    _on_close: tuple[t.Callable[[], t.Any], ...] = ()  # type: ignore[assignment]
    # The body's items, str or bytes (str is encoded when sent); Werkzeug's stub has one kind.
    response: t.Iterable[bytes | str]  # type: ignore[assignment]
    default_mimetype: str | None = "text/html"
    charset = "utf-8"
    automatically_set_content_length = True
    #: Whether ``get_data`` may buffer a streamed body; ``False`` makes it raise instead.
    implicit_sequence_conversion = True

    #: Browsers drop cookies larger than this; ``set_cookie`` warns beyond it (0: never).
    max_cookie_size = 4093
    json_module: t.Any = _json

    def __init__(
        self,
        response: t.Iterable[str | bytes] | str | bytes | bytearray | None = None,
        status: int | str | None = None,
        headers: t.Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if direct_passthrough:
            self.direct_passthrough = True
        if status is not None:
            self._status, self._status_code = _parse_status(status)
        elif self.default_status != 200:
            self._status, self._status_code = _parse_status(self.default_status)

        if headers is None:
            # The common case, kept short: the header list is built here, already valid.
            if content_type is None:
                if mimetype is None:
                    mimetype = self.default_mimetype
                if mimetype:
                    content_type = _content_type_cache.get((mimetype, self.charset))
                    if content_type is None:
                        content_type = get_content_type(mimetype, self.charset)
            items = [("Content-Type", content_type)] if content_type else []
            # Values built here are known to be safe, so skip Headers' validation.
            self.headers = headers = Headers.__new__(Headers)
            headers._list = items
            if type(response) is str or type(response) is bytes:
                data = response.encode(self.charset) if type(response) is str else response
                self.response = [data]
                if self.automatically_set_content_length:
                    items.append(("Content-Length", str(len(data))))
                return
        else:
            self.headers = headers if isinstance(headers, Headers) else Headers(headers)
            if content_type is None:
                if mimetype is None and "Content-Type" not in self.headers:
                    mimetype = self.default_mimetype
                if mimetype is not None:
                    content_type = get_content_type(mimetype, self.charset)
            if content_type is not None:
                self.headers["Content-Type"] = content_type

        if response is None:
            self.response = []
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = response

    def __repr__(self) -> str:
        if self.is_sequence:
            body = f"{sum(len(x) for x in self.iter_encoded())} bytes"
        else:
            body = "streamed" if self.is_streamed else "likely-streamed"
        return f"<{type(self).__name__} {body} [{self.status}]>"

    # -- status ------------------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """The status line, e.g. ``"404 NOT FOUND"``; assign an int or a str."""
        return self._status

    @status.setter
    def status(self, value: int | str | bytes) -> None:
        self._status, self._status_code = _parse_status(value)

    @property
    def status_code(self) -> int:
        """The status as a number."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self._status, self._status_code = _parse_status(code)

    # -- headers -----------------------------------------------------------------------------------

    content_type = TextHeader("Content-Type")

    @property
    def mimetype(self) -> str | None:
        """The content type without parameters; assigning adds the charset for text types."""
        ct = self.headers.get("Content-Type")
        return ct.split(";", 1)[0].strip().lower() if ct else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers["Content-Type"] = get_content_type(value, self.charset)

    @property
    def mimetype_params(self) -> dict[str, str]:
        return parse_options_header(self.headers.get("Content-Type", ""))[1]

    # Werkzeug's stub says int; its value is None without the header too.
    @property  # type: ignore[override]
    def content_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self.headers.remove("Content-Length")
        else:
            self.headers["Content-Length"] = str(value)

    @content_length.deleter
    def content_length(self) -> None:
        self.headers.remove("Content-Length")

    location = TextHeader("Location")
    vary = SetHeader("Vary")
    allow = SetHeader("Allow")
    content_language = SetHeader("Content-Language")

    # -- caching and conditional requests ----------------------------------------------------------

    cache_control = CacheControlHeader()
    last_modified = DateHeader("Last-Modified")
    expires = DateHeader("Expires")
    date = DateHeader("Date")
    accept_ranges = TextHeader("Accept-Ranges")
    content_range = ContentRangeHeader()

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """``(etag, is_weak)`` from the ``ETag`` header, ``(None, None)`` without one."""
        return unquote_etag(self.headers.get("ETag"))

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ``ETag`` header (quoted here; a tag containing ``"`` is refused)."""
        self.headers["ETag"] = quote_etag(etag, weak)

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ``ETag`` from the body's SHA-1 digest, unless one is set already."""
        if overwrite or "ETag" not in self.headers:
            self.set_etag(generate_etag(self.get_data()), weak)

    def make_conditional(
        self,
        request_or_environ: t.Any,
        accept_ranges: bool | str = False,
        complete_length: int | None = None,
    ) -> t.Self:
        """Answer a GET or HEAD request's conditional headers, changing this response in place.

        With the ``ETag`` / ``Last-Modified`` set on it, the response becomes a bodiless 304
        (the client's copy is current) or 412 (``If-Match`` / ``If-Unmodified-Since`` failed).
        With ``accept_ranges`` and the body's ``complete_length`` it answers ``Range`` with 206
        (several ranges as ``multipart/byteranges``) and raises
        :class:`~flagon.exceptions.RequestedRangeNotSatisfiable` for a range it cannot meet.
        """
        environ = getattr(request_or_environ, "environ", request_or_environ)
        make_conditional(self, environ, accept_ranges, complete_length)
        return self

    # -- body --------------------------------------------------------------------------------------

    @property
    def is_streamed(self) -> bool:
        """Whether the body is an iterable of unknown length (e.g. a generator)."""
        try:
            len(self.response)  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return True
        return False

    @property
    def is_sequence(self) -> bool:
        """Whether the body is a list or tuple, so it can be read more than once."""
        return isinstance(self.response, (tuple, list))

    def iter_encoded(self) -> t.Iterator[bytes]:
        """The body as bytes chunks; str items are encoded with the charset.

        The body is taken when this is called, not when iteration starts, so
        ``response.response = wrap(response.iter_encoded())`` (Flask-Compress) does not
        iterate itself.
        """
        return _iter_encoded(self.response, self.charset)

    def _ensure_sequence(self, mutable: bool = False) -> None:
        """Buffer a streamed body (refused when ``implicit_sequence_conversion`` is off);
        ``mutable`` also turns a tuple into a list."""
        if self.is_sequence:
            if mutable and not isinstance(self.response, list):
                self.response = list(self.response)
            return
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "The response body is streamed and implicit_sequence_conversion is off;"
                " call make_sequence() first."
            )
        self.make_sequence()

    def make_sequence(self) -> None:
        """Buffer a streamed body into a list so it can be read more than once."""
        if not self.is_sequence:
            close = getattr(self.response, "close", None)
            self.response = list(self.iter_encoded())
            if close is not None:
                self.call_on_close(close)

    @t.overload
    def get_data(self, as_text: t.Literal[False] = False) -> bytes: ...
    @t.overload
    def get_data(self, as_text: t.Literal[True]) -> str: ...
    def get_data(self, as_text: bool = False) -> bytes | str:
        """The whole body (a streamed body is buffered first)."""
        self._ensure_sequence()
        data = b"".join(self.iter_encoded())
        return data.decode(self.charset) if as_text else data

    def set_data(self, value: str | bytes | bytearray) -> None:
        """Replace the body, updating ``Content-Length``."""
        if isinstance(value, str):
            value = value.encode(self.charset)
        else:
            value = bytes(value)
        self.response = [value]
        if self.automatically_set_content_length:
            self.headers["Content-Length"] = str(len(value))

    data = property(get_data, set_data, doc="The body as bytes.")

    @property
    def text(self) -> str:
        """The body decoded with the charset."""
        return self.get_data(as_text=True)

    @property
    def is_json(self) -> bool:
        mt = self.mimetype or ""
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    @property
    def json(self) -> t.Any:
        """The body parsed as JSON (``None`` if the mimetype isn't JSON)."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any:
        if not (force or self.is_json):
            return None
        try:
            return _json.loads(self.get_data())
        except ValueError:
            if silent:
                return None
            raise

    def freeze(self) -> None:
        """Buffer the body, even a direct-passthrough one, and set ``Content-Length``: the
        response can then be pickled or cached (Flask-Caching does)."""
        body = self.response
        self.response = list(self.iter_encoded())
        close = None if isinstance(body, (list, tuple)) else getattr(body, "close", None)
        if close is not None:
            close()  # read to the end: release what produced it, as a server would
        self.headers["Content-Length"] = str(sum(map(len, self.response)))

    def calculate_content_length(self) -> int | None:
        """The body's length when it is a sequence, else ``None``."""
        if not self.is_sequence:
            return None
        return sum(len(x) for x in self.iter_encoded())

    # -- cookies -----------------------------------------------------------------------------------

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: t.Any = None,
        expires: t.Any = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header; a value larger than browsers keep gives a warning."""
        header = dump_cookie(
            key,
            value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )
        if self.max_cookie_size and len(header) > self.max_cookie_size:
            import warnings

            warnings.warn(
                f"The {key!r} cookie is too large: the value was {len(value)} bytes but the header"
                f" required {len(header) - len(value)} extra bytes; the final size was"
                f" {len(header)} bytes but the limit is {self.max_cookie_size} bytes. Browsers may"
                " silently ignore cookies larger than this.",
                stacklevel=2,
            )
        self.headers.add("Set-Cookie", header)

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Tell the client to drop a cookie (empty value, expired)."""
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- WSGI --------------------------------------------------------------------------------------

    def call_on_close(self, func: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Run ``func`` when the server closes the response."""
        self._on_close = (*self._on_close, func)
        return func

    def close(self) -> None:
        """Close the body iterable and run the ``call_on_close`` functions."""
        close = getattr(self.response, "close", None)
        if close is not None:
            close()
        for func in self._on_close:
            func()

    def __enter__(self) -> t.Self:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def get_wsgi_headers(self, environ: dict) -> Headers:
        """The headers to send; a sequence body gets a ``Content-Length`` if it lacks one.

        A bodiless status sends no header about a body: 1xx and 204 no ``Content-Length``
        (RFC 9110 8.6), 304 none of the entity headers (as Werkzeug does). The response's own
        headers are left as they are.
        """
        headers = self.headers
        if type(headers) is not Headers and not isinstance(headers, Headers):
            # Replaced by other code (Flask-CORS assigns a Werkzeug MultiDict): adopt a copy.
            headers = self.headers = Headers(headers)
        status = self._status_code
        if status < 200 or status == 204 or status == 304:
            # Set from a body that is never sent (``return {...}, 304``, ``"", 204``). A 304
            # from make_conditional has none left: look before copying.
            if status != 304:
                if "Content-Length" in headers:
                    headers = headers.copy()
                    headers.remove("Content-Length")
            else:
                for key, _ in headers._list:
                    if key.lower() in ENTITY_HEADERS:
                        headers = headers.copy()
                        strip_entity_headers(headers)
                        break
        elif self.automatically_set_content_length and type(self.response) in (list, tuple):
            items = headers._list
            # Bodies set from str/bytes end with their Content-Length: skip the search then.
            if not (items and items[-1][0] == "Content-Length") and "Content-Length" not in headers:
                headers = headers.copy()
                headers["Content-Length"] = str(sum(len(x) for x in self.iter_encoded()))
        return headers

    def get_app_iter(self, environ: dict) -> t.Iterable[bytes]:
        """The body to send: nothing for HEAD and bodiless statuses."""
        status = self._status_code
        if environ.get("REQUEST_METHOD") == "HEAD" or status < 200 or status in (204, 304):
            return ClosingIterator((), self.close)
        response = self.response
        if self.direct_passthrough:
            return response  # type: ignore[return-value]
        if type(response) is list:
            for item in response:
                if type(item) is not bytes:
                    break
            else:
                # A list has nothing to close; hand it over as it is unless callbacks wait.
                return ClosingIterator(response, self.close) if self._on_close else response
        return ClosingIterator(self.iter_encoded(), self.close)

    def get_wsgi_response(self, environ: dict) -> tuple[t.Iterable[bytes], str, list]:
        """``(app_iter, status, headers)`` for the server."""
        headers = self.get_wsgi_headers(environ)
        return self.get_app_iter(environ), self._status, headers.to_wsgi_list()

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        headers = self.get_wsgi_headers(environ)
        app_iter = self.get_app_iter(environ)
        start_response(
            self._status, headers._list if type(headers) is Headers else headers.to_wsgi_list()
        )
        return app_iter

    @classmethod
    def force_type(cls, response: t.Any, environ: dict | None = None) -> t.Self:
        """Turn any response object or WSGI application into this class."""
        if not isinstance(response, HTTPResponse):
            if isinstance(response, _werkzeug.Response):
                return cls._from_werkzeug(response)
            if environ is None:
                raise TypeError(
                    "cannot convert WSGI application into response objects without an environ"
                )
            response = HTTPResponse(*run_wsgi_app(response, environ))
        response.__class__ = cls
        return response

    @classmethod
    def _from_werkzeug(cls, response: _werkzeug.Response) -> t.Self:
        """A copy of a response made by Werkzeug-based code (an extension's, an exception's)."""
        converted = cls(response.response, response.status, Headers(response.headers))
        converted.direct_passthrough = response.direct_passthrough
        for func in response._on_close:
            converted.call_on_close(func)
        return converted

    @classmethod
    def from_app(cls, app: t.Callable, environ: dict, buffered: bool = False) -> t.Self:
        """Call a WSGI application and wrap what it returns."""
        return cls(*run_wsgi_app(app, environ, buffered))


def _iter_encoded(body: t.Iterable[str | bytes], charset: str) -> t.Iterator[bytes]:
    if getattr(body, "is_async", False) is True:
        return _EncodedStream(body, charset)
    return _encoded(body, charset)


def _encoded(body: t.Iterable[str | bytes], charset: str) -> t.Iterator[bytes]:
    for item in body:
        yield item.encode(charset) if isinstance(item, str) else bytes(item)


class _EncodedStream:
    """An asynchronous stream's chunks (``stream_with_context`` of an async generator) as
    bytes, still saying it is asynchronous, so that an ASGI server awaits them on its loop."""

    __slots__ = ("_charset", "_chunks")
    is_async = True

    def __init__(self, body: t.Iterable[str | bytes], charset: str) -> None:
        self._chunks = iter(body)
        self._charset = charset

    def __iter__(self) -> _EncodedStream:
        return self

    def __next__(self) -> bytes:
        item = next(self._chunks)
        return item.encode(self._charset) if isinstance(item, str) else bytes(item)
