"""``Request``, a lazy view over the WSGI environ, and ``Response``, itself a WSGI application.

Nothing in a request is parsed until it is read: the query string, form, cookies, headers and JSON
body each cost nothing on requests that never look at them.
"""

from __future__ import annotations

import io
import json as _json
import typing as t
from urllib.parse import quote

from . import json as flagon_json
from .datastructures import (
    Accept,
    Authorization,
    CombinedMultiDict,
    EnvironHeaders,
    FileStorage,
    Headers,
    ImmutableMultiDict,
    MIMEAccept,
    MultiDict,
)
from .exceptions import BadRequest, UnsupportedMediaType
from .formparser import parse_form_data, url_decode
from .globals import _app_ctx_stack
from .lazy import cached_property
from .http import (
    HTTP_STATUS_CODES,
    dump_cookie,
    parse_accept_header,
    parse_authorization_header,
    parse_cookie,
    parse_options_header,
)
from .wsgi import get_host, get_input_stream, read_body

if t.TYPE_CHECKING:
    from .routing import Rule

_missing = object()


def _wsgi_decode(value: str) -> str:
    """WSGI strings carry raw bytes as latin-1; URLs are UTF-8 (bad bytes become U+FFFD)."""
    if value.isascii():
        return value
    return value.encode("latin-1").decode("utf-8", "replace")


class UserAgent(str):
    """The ``User-Agent`` header; a ``str`` that also offers Werkzeug's ``.string``."""

    @property
    def string(self) -> str:
        return str(self)


def _config_limit(name: str, default: int | None) -> int | None:
    top = _app_ctx_stack.top
    if top is None:
        return default
    return top.app.config.get(name, default)


class Request:
    """The incoming request, read lazily from ``environ``.

    Size limits default to the current app's ``MAX_CONTENT_LENGTH``, ``MAX_FORM_MEMORY_SIZE`` and
    ``MAX_FORM_PARTS``; assign to ``request.max_content_length`` (etc.) to change them for one request.
    """

    charset = "utf-8"
    json_module: t.Any = flagon_json

    #: A shallow request refuses to read the body (for code that must not consume it).
    shallow = False
    #: Set when the request context matches the URL.
    url_rule: Rule | None = None
    view_args: dict[str, t.Any] | None = None
    routing_exception: Exception | None = None

    def __init__(self, environ: dict, populate_request: bool = True, shallow: bool = False) -> None:
        self.environ = environ
        if shallow:
            self.shallow = True
        elif populate_request:
            environ["flagon.request"] = self
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()

    def __repr__(self) -> str:
        try:
            url = self.url
        except Exception as e:  # a repr must never fail
            url = f"(invalid URL: {e})"
        return f"<{type(self).__name__} {url!r} [{self.method}]>"

    # -- limits ----------------------------------------------------------------------------------

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted (413 beyond it); ``None`` for no limit."""
        value = self.__dict__.get("_max_content_length", _missing)
        return _config_limit("MAX_CONTENT_LENGTH", None) if value is _missing else value

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self.__dict__["_max_content_length"] = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field accepted in memory."""
        value = self.__dict__.get("_max_form_memory_size", _missing)
        return _config_limit("MAX_FORM_MEMORY_SIZE", 500_000) if value is _missing else value

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self.__dict__["_max_form_memory_size"] = value

    @property
    def max_form_parts(self) -> int | None:
        """The largest number of multipart parts accepted."""
        value = self.__dict__.get("_max_form_parts", _missing)
        return _config_limit("MAX_FORM_PARTS", 1000) if value is _missing else value

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self.__dict__["_max_form_parts"] = value

    # -- URL ---------------------------------------------------------------------------------------

    @cached_property
    def path(self) -> str:
        """The path below the application root, always starting with ``/``."""
        return "/" + _wsgi_decode(self.environ.get("PATH_INFO") or "").lstrip("/")

    @cached_property
    def script_root(self) -> str:
        """Where the application is mounted (``SCRIPT_NAME``), without a trailing slash."""
        return _wsgi_decode(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    root_path = script_root

    @cached_property
    def query_string(self) -> bytes:
        """The raw query string."""
        return self.environ.get("QUERY_STRING", "").encode("latin-1")

    @cached_property
    def full_path(self) -> str:
        """Path and query string: ``/page?x=1`` (``/page?`` with no query)."""
        return f"{self.path}?{_wsgi_decode(self.environ.get('QUERY_STRING', ''))}"

    @cached_property
    def scheme(self) -> str:
        """``http`` or ``https`` as the server saw it (see ProxyFix behind a proxy)."""
        return self.environ.get("wsgi.url_scheme", "http")

    @property
    def is_secure(self) -> bool:
        """Whether the request came over TLS."""
        return self.scheme in ("https", "wss")

    @cached_property
    def host(self) -> str:
        """The host the client asked for, with the port unless it is the scheme's default."""
        return get_host(self.environ)

    @cached_property
    def host_url(self) -> str:
        """``scheme://host/``."""
        return f"{self.scheme}://{self.host}/"

    @cached_property
    def url_root(self) -> str:
        """``scheme://host/script_root/``."""
        return f"{self.scheme}://{self.host}{_quote_path(self.script_root)}/"

    @cached_property
    def base_url(self) -> str:
        """The URL without the query string."""
        return f"{self.scheme}://{self.host}{_quote_path(self.script_root + self.path)}"

    @cached_property
    def url(self) -> str:
        """The full URL the client asked for, percent-encoded."""
        query = self.environ.get("QUERY_STRING", "")
        if not query:
            return self.base_url
        return f"{self.base_url}?{quote(_wsgi_decode(query), safe=_QUERY_SAFE)}"

    @cached_property
    def args(self) -> MultiDict:
        """The parsed query string."""
        return url_decode(self.environ.get("QUERY_STRING", ""))

    # -- routing -----------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        """The endpoint that matched, or ``None``."""
        rule = self.url_rule
        return rule.endpoint if rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint whose route matched, or ``None``."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The matched blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    # -- headers -----------------------------------------------------------------------------------

    @cached_property
    def headers(self) -> EnvironHeaders:
        """The request headers (read-only, case-insensitive)."""
        return EnvironHeaders(self.environ)

    @cached_property
    def cookies(self) -> ImmutableMultiDict:
        """The cookies the client sent."""
        return parse_cookie(self.environ.get("HTTP_COOKIE"))

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header, or an empty string."""
        return self.environ.get("CONTENT_TYPE", "")

    @cached_property
    def _parsed_content_type(self) -> tuple[str, dict[str, str]]:
        return parse_options_header(self.content_type)

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased: ``application/json``."""
        return self._parsed_content_type[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """Parameters of the content type, e.g. ``{"charset": "utf-8"}``."""
        return self._parsed_content_type[1]

    @cached_property
    def content_length(self) -> int | None:
        """The declared body length, or ``None`` when absent or invalid."""
        value = self.environ.get("CONTENT_LENGTH")
        if value:
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
        return None

    @property
    def remote_addr(self) -> str | None:
        """The client's address as the server saw it."""
        return self.environ.get("REMOTE_ADDR")

    @cached_property
    def access_route(self) -> list[str]:
        """``X-Forwarded-For`` addresses (client first), else the remote address."""
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            return [part.strip() for part in forwarded.split(",") if part.strip()]
        addr = self.environ.get("REMOTE_ADDR")
        return [addr] if addr else []

    @cached_property
    def user_agent(self) -> UserAgent:
        """The ``User-Agent`` header as a string."""
        return UserAgent(self.environ.get("HTTP_USER_AGENT", ""))

    @cached_property
    def authorization(self) -> Authorization | None:
        """Credentials from the ``Authorization`` header (Basic or Bearer)."""
        return parse_authorization_header(self.environ.get("HTTP_AUTHORIZATION"))

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        """The ``Accept`` header, best quality first."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT"), MIMEAccept)

    @cached_property
    def accept_charsets(self) -> Accept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_CHARSET"))

    @cached_property
    def accept_encodings(self) -> Accept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_ENCODING"))

    @cached_property
    def accept_languages(self) -> Accept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_LANGUAGE"))

    # -- body --------------------------------------------------------------------------------------

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body as a stream that never reads past ``Content-Length`` or the size limit."""
        return get_input_stream(self.environ, max_content_length=self.max_content_length)

    input_stream = stream

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        if self.shallow:
            raise RuntimeError(
                "A shallow request tried to consume form data; create the request without"
                " shallow=True to read its body."
            )
        environ = self.environ
        cached = self.__dict__.get("_cached_data")
        if cached is not None:
            # get_data() already consumed the body: parse the bytes it kept.
            environ = {**environ, "wsgi.input": io.BytesIO(cached), "CONTENT_LENGTH": str(len(cached))}
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        stream, form, files = parse_form_data(
            environ,
            max_content_length=self.max_content_length,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
        )
        d = self.__dict__
        d["stream"], d["form"], d["files"] = stream, form, files

    @property
    def form(self) -> MultiDict:
        """Fields of a urlencoded or multipart body."""
        self._load_form_data()
        return self.__dict__["form"]

    @property
    def files(self) -> MultiDict[str, FileStorage]:
        """Uploaded files of a multipart body."""
        self._load_form_data()
        return self.__dict__["files"]

    @cached_property
    def values(self) -> CombinedMultiDict:
        """``args`` and, except for GET, ``form`` together."""
        sources = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return CombinedMultiDict(sources)

    @property
    def want_form_data_parsed(self) -> bool:
        """Whether the body is a form (urlencoded or multipart)."""
        return self.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        """The raw body; with ``parse_form_data`` a form body is parsed instead and ``b""`` returned."""
        data = self.__dict__.get("_cached_data")
        if data is None:
            if parse_form_data and self.want_form_data_parsed:
                self._load_form_data()
            if "stream" in self.__dict__:
                data = self.stream.read()
            else:
                # Nothing has read the body yet: take it whole, then leave an empty stream.
                data = read_body(self.environ, self.max_content_length)
                self.__dict__["stream"] = io.BytesIO()
            if cache:
                self.__dict__["_cached_data"] = data
        if as_text:
            return data.decode(self.charset, "replace")
        return data

    @property
    def data(self) -> bytes:
        """The raw body (empty for form bodies, which go to ``form`` and ``files``)."""
        return self.get_data(parse_form_data=True)  # type: ignore[return-value]

    @property
    def is_json(self) -> bool:
        """Whether the content type is JSON (``application/json`` or ``application/*+json``)."""
        content_type = self.environ.get("CONTENT_TYPE", "")
        if content_type == "application/json":
            return True
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    @property
    def json(self) -> t.Any:
        """The parsed JSON body; 415 if the content type isn't JSON, 400 if it doesn't parse."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> t.Any:
        """Parse the body as JSON.

        ``force`` ignores the content type; ``silent`` returns ``None`` instead of raising.
        """
        cached = self.__dict__.get("_cached_json")
        # A silent failure caches only the silent result: a later strict call must still raise.
        if cached is not None and cached[silent] is not _missing:
            return cached[silent]
        if not (force or self.is_json):
            if not silent:
                return self.on_json_loading_failed(None)
            return None
        data = self.get_data(cache=cache)
        if data[:1] in _JSON_STARTS and 0 not in data[:4]:
            # Plain UTF-8 (no BOM, no UTF-16/32 NULs): decode here, skipping json's detection.
            try:
                data = data.decode()
            except UnicodeDecodeError:
                pass
        try:
            rv = self.json_module.loads(data)
        except (ValueError, RecursionError) as e:  # deep nesting exhausts the C parser's stack
            if silent:
                rv = None
                if cache:
                    normal = self.__dict__.get("_cached_json", (_missing, None))[0]
                    self.__dict__["_cached_json"] = (normal, rv)
            else:
                rv = self.on_json_loading_failed(e)
                if cache:
                    self.__dict__["_cached_json"] = (rv, rv)
        else:
            if cache:
                self.__dict__["_cached_json"] = (rv, rv)
        return rv

    def on_json_loading_failed(self, e: ValueError | RecursionError | None) -> t.Any:
        """Called when the body isn't JSON; raises 400 (bad JSON) or 415 (wrong content type)."""
        if e is not None:
            raise BadRequest(f"Failed to decode JSON object: {e}")
        raise UnsupportedMediaType(
            "Did not attempt to load JSON data because the request Content-Type was not"
            " 'application/json'."
        )

    def close(self) -> None:
        """Close uploaded files; runs when the request context is popped."""
        files = self.__dict__.get("files")
        if files:
            for _key, value in files.items(multi=True):
                value.close()

    def __enter__(self) -> Request:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()


_QUERY_SAFE = "!$&'()*+,/:;=?@%~"
_JSON_STARTS = frozenset(bytes([c]) for c in b'{["-0123456789tfn \t\r\n')
# No "%": the path is already decoded, so a percent sign in it is data and is escaped again.
_PATH_SAFE = "/!$&'()*+,:;=@~"


def _quote_path(path: str) -> str:
    return quote(path, safe=_PATH_SAFE)


# -- Response ------------------------------------------------------------------------------------

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
        raise TypeError("Invalid status argument: expected an int or a str such as '404 Not Found'.")
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


class Response:
    """An HTTP response: body, status and headers; call it as a WSGI application to send it.

    ``response`` may be a str, bytes, or any iterable of str/bytes (a generator streams).
    """

    default_status = 200
    direct_passthrough = False
    # Class-level defaults: most responses never set them, so __init__ doesn't either.
    _status = _STATUS_LINES[200]
    _status_code = 200
    _on_close: tuple[t.Callable[[], t.Any], ...] = ()
    default_mimetype: str | None = "text/html"
    charset = "utf-8"
    automatically_set_content_length = True
    @property
    def max_cookie_size(self) -> int:
        """Browsers drop cookies larger than this; ``set_cookie`` warns beyond it.

        The current app's ``MAX_COOKIE_SIZE`` (4093 outside an app); 0 turns the warning off.
        """
        value = self.__dict__.get("_max_cookie_size")
        if value is not None:
            return value
        return _config_limit("MAX_COOKIE_SIZE", 4093) or 0

    @max_cookie_size.setter
    def max_cookie_size(self, value: int) -> None:
        self.__dict__["_max_cookie_size"] = value
    json_module: t.Any = flagon_json

    def __init__(
        self,
        response: t.Iterable[str | bytes] | str | bytes | None = None,
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
            self.response: t.Iterable[bytes | str] = []
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

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        if value is None:
            self.headers.remove("Content-Type")
        else:
            self.headers["Content-Type"] = value

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

    @property
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

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    @location.setter
    def location(self, value: str | None) -> None:
        if value is None:
            self.headers.remove("Location")
        else:
            self.headers["Location"] = value

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
        """The body as bytes chunks; str items are encoded with the charset."""
        charset = self.charset
        for item in self.response:
            yield item.encode(charset) if isinstance(item, str) else bytes(item)

    def make_sequence(self) -> None:
        """Buffer a streamed body into a list so it can be read more than once."""
        if not self.is_sequence:
            close = getattr(self.response, "close", None)
            self.response = list(self.iter_encoded())
            if close is not None:
                self.call_on_close(close)

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The whole body (a streamed body is buffered first)."""
        self.make_sequence()
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
        return self.get_data(as_text=True)  # type: ignore[return-value]

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

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def get_wsgi_headers(self, environ: dict) -> Headers:
        """The headers to send; a sequence body gets a ``Content-Length`` if it lacks one."""
        headers = self.headers
        status = self._status_code
        if (
            self.automatically_set_content_length
            and type(self.response) in (list, tuple)
            and status >= 200
            and status != 204
            and status != 304
        ):
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
            return _ClosingIterator((), self.close)
        response = self.response
        if self.direct_passthrough:
            return response  # type: ignore[return-value]
        if type(response) is list:
            for item in response:
                if type(item) is not bytes:
                    break
            else:
                # A list has nothing to close; hand it over as it is unless callbacks wait.
                return _ClosingIterator(response, self.close) if self._on_close else response
        return _ClosingIterator(self.iter_encoded(), self.close)

    def get_wsgi_response(self, environ: dict) -> tuple[t.Iterable[bytes], str, list]:
        """``(app_iter, status, headers)`` for the server."""
        headers = self.get_wsgi_headers(environ)
        return self.get_app_iter(environ), self._status, headers.to_wsgi_list()

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        headers = self.get_wsgi_headers(environ)
        app_iter = self.get_app_iter(environ)
        start_response(self._status, headers._list if type(headers) is Headers else headers.to_wsgi_list())
        return app_iter

    @classmethod
    def force_type(cls, response: t.Any, environ: dict | None = None) -> Response:
        """Turn any response object or WSGI application into this class."""
        if not isinstance(response, Response):
            if environ is None:
                raise TypeError(
                    "cannot convert WSGI application into response objects without an environ"
                )
            response = Response(*run_wsgi_app(response, environ))
        response.__class__ = cls
        return response

    @classmethod
    def from_app(cls, app: t.Callable, environ: dict, buffered: bool = False) -> Response:
        """Call a WSGI application and wrap what it returns."""
        return cls(*run_wsgi_app(app, environ, buffered))


def send_text(text: str, environ: dict, start_response: t.Callable) -> list[bytes]:
    """Send ``text`` exactly as ``Response(text)(environ, start_response)`` would.

    For the request pipeline, when nothing else would ever see the response object.
    """
    cls = Response
    status = cls.default_status
    status_line = _STATUS_LINES[status] if status == 200 else _parse_status(status)[0]
    charset = cls.charset
    data = text.encode(charset)
    mimetype = cls.default_mimetype
    headers = []
    if mimetype:
        content_type = _content_type_cache.get((mimetype, charset))
        if content_type is None:
            content_type = get_content_type(mimetype, charset)
        headers.append(("Content-Type", content_type))
    if cls.automatically_set_content_length:
        headers.append(("Content-Length", str(len(data))))
    start_response(status_line, headers)
    if environ.get("REQUEST_METHOD") == "HEAD" or status < 200 or status in (204, 304):
        return []
    return [data]


class _ClosingIterator:
    """Iterates a body and runs ``close`` when the server closes it (PEP 3333)."""

    __slots__ = ("_iterable", "_close")

    def __init__(self, iterable: t.Iterable[bytes], close: t.Callable[[], t.Any]) -> None:
        self._iterable = iterable
        self._close = close

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self._iterable)

    def close(self) -> None:
        self._close()


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
        chunks = _ClosingIterator(body(), close or (lambda: None))
    return chunks, response[0], Headers(response[1])
