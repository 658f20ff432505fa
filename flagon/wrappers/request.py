"""``HTTPRequest``: the incoming HTTP request, a lazy view over the WSGI environ.

Nothing is parsed until it is read: the query string, form, cookies, headers and JSON body each
cost nothing on requests that never look at them.
"""

from __future__ import annotations

import functools
import io
import json
import typing as t
from urllib.parse import quote

from ..datastructures import (
    Accept,
    Authorization,
    CharsetAccept,
    CombinedMultiDict,
    EnvironHeaders,
    ImmutableMultiDict,
    LanguageAccept,
    MIMEAccept,
    MultiDict,
)
from ..exceptions import BadRequest, UnsupportedMediaType
from ..formparser import parse_form_data, url_decode
from ..http import (
    parse_accept_header,
    parse_authorization_header,
    parse_cookie,
    parse_options_header,
)
from ..lazy import cached_property
from ..wsgi import get_host, get_input_stream, read_body, wsgi_decode
from .request_headers import RequestHeadersMixin

_missing = object()


class UserAgent(str):
    """The ``User-Agent`` header: a ``str`` that also offers the attributes of Werkzeug's
    ``UserAgent``, which does no parsing either (``platform``, ``browser``… are ``None``)."""

    platform: str | None = None
    browser: str | None = None
    version: str | None = None
    language: str | None = None

    @property
    def string(self) -> str:
        return str(self)

    def to_header(self) -> str:
        return str(self)


class HTTPRequest(RequestHeadersMixin):
    """The incoming HTTP request, read lazily from ``environ``: what Werkzeug's ``Request``
    offers. The application's :class:`flagon.Request` adds routing and the app's limits.

    Assign to ``request.max_content_length`` (etc.) to change a limit for one request.
    """

    charset = "utf-8"
    json_module: t.Any = json
    #: The class of :attr:`user_agent`; a subclass may parse the string.
    user_agent_class: type[t.Any] = UserAgent
    #: Host names :attr:`host` accepts (``.example.com`` takes subdomains too); ``None``
    #: accepts any. The app sets it from ``TRUSTED_HOSTS``.
    trusted_hosts: list[str] | None = None
    #: The largest body accepted (413 beyond it); ``None`` for no limit.
    max_content_length: int | None = None
    #: The largest non-file form field accepted in memory.
    max_form_memory_size: int | None = 500_000
    #: The largest number of multipart parts accepted.
    max_form_parts: int | None = 1000

    #: A shallow request refuses to read the body (for code that must not consume it).
    shallow = False
    #: Set once the body was parsed as a form (uploaded files then need closing).
    _form_loaded = False

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

    @classmethod
    def from_values(cls, *args: t.Any, **kwargs: t.Any) -> t.Self:
        """A request built from :class:`~flagon.testing.EnvironBuilder` arguments
        (``HTTPRequest.from_values("/path?a=1", method="POST", data=...)``), for scripts."""
        from ..environ_builder import EnvironBuilder

        return EnvironBuilder(None, *args, **kwargs).get_request(cls)

    @classmethod
    def application(cls, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Decorate ``f(request) -> response`` into a WSGI application; the request is
        closed afterwards and an HTTP exception raised by ``f`` becomes its response."""
        from ..exceptions import HTTPException

        @functools.wraps(f)
        def application(*args: t.Any) -> t.Iterable[bytes]:
            # The environ and start_response come last, so this also decorates methods.
            environ, start_response = args[-2:]
            with cls(environ) as request:
                try:
                    response = f(*args[:-2], request)
                except HTTPException as e:
                    response = e.get_response(environ)
                return response(environ, start_response)

        return application

    # -- URL ---------------------------------------------------------------------------------------

    @cached_property
    def path(self) -> str:
        """The path below the application root, always starting with ``/``."""
        return "/" + wsgi_decode(self.environ.get("PATH_INFO") or "").lstrip("/")

    @cached_property
    def script_root(self) -> str:
        """Where the application is mounted (``SCRIPT_NAME``), without a trailing slash."""
        return wsgi_decode(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @property
    def root_path(self) -> str:
        """The same as :attr:`script_root`."""
        return self.script_root

    @cached_property
    def query_string(self) -> bytes:
        """The raw query string."""
        return self.environ.get("QUERY_STRING", "").encode("latin-1")

    @cached_property
    def full_path(self) -> str:
        """Path and query string: ``/page?x=1`` (``/page?`` with no query)."""
        return f"{self.path}?{wsgi_decode(self.environ.get('QUERY_STRING', ''))}"

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
        """The host the client asked for, with the port unless it is the scheme's default.

        Raises :class:`~flagon.exceptions.SecurityError` (a 400) when :attr:`trusted_hosts`
        is set and does not include it."""
        return get_host(self.environ, self.trusted_hosts)

    @cached_property
    def server(self) -> tuple[str, int | None] | None:
        """``(SERVER_NAME, SERVER_PORT)`` as the server gave them (port ``None`` on a socket)."""
        name = self.environ.get("SERVER_NAME")
        if name is None:
            return None
        try:
            return name, int(self.environ.get("SERVER_PORT"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return name, None

    @cached_property
    def host_url(self) -> str:
        """``scheme://host/``."""
        return f"{self.scheme}://{self.host}/"

    @cached_property
    def root_url(self) -> str:
        """``scheme://host/script_root/``: where the application is served from."""
        return f"{self.scheme}://{self.host}{_quote_path(self.script_root)}/"

    @property
    def url_root(self) -> str:
        """The same as :attr:`root_url`."""
        return self.root_url

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
        return f"{self.base_url}?{quote(wsgi_decode(query), safe=_QUERY_SAFE)}"

    @cached_property
    def args(self) -> MultiDict:
        """The parsed query string."""
        return url_decode(self.environ.get("QUERY_STRING", ""))

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
        """The ``User-Agent`` header as a :attr:`user_agent_class` (a string by default)."""
        return self.user_agent_class(self.environ.get("HTTP_USER_AGENT", ""))

    @cached_property
    def authorization(self) -> Authorization | None:
        """Credentials from the ``Authorization`` header (Basic or Bearer)."""
        return parse_authorization_header(self.environ.get("HTTP_AUTHORIZATION"))

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        """The ``Accept`` header, best quality first."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT"), MIMEAccept)

    @cached_property
    def accept_charsets(self) -> CharsetAccept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_CHARSET"), CharsetAccept)

    @cached_property
    def accept_encodings(self) -> Accept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_ENCODING"))

    @cached_property
    def accept_languages(self) -> LanguageAccept:
        """The ``Accept-Language`` header; ``best_match`` lets ``en-US`` and ``en`` meet."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)

    # -- body --------------------------------------------------------------------------------------

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body as a stream that never reads past ``Content-Length`` or the size limit."""
        return get_input_stream(self.environ, max_content_length=self.max_content_length)

    @property
    def input_stream(self) -> t.IO[bytes]:
        """The raw ``wsgi.input``, as in Werkzeug: nothing stops it reading past
        ``Content-Length`` or the size limit, so prefer :attr:`stream`."""
        return self.environ["wsgi.input"]

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        if not self.want_form_data_parsed:
            d = self.__dict__
            d["form"], d["files"] = ImmutableMultiDict(), ImmutableMultiDict()
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
            environ = {
                **environ,
                "wsgi.input": io.BytesIO(cached),
                "CONTENT_LENGTH": str(len(cached)),
            }
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
        self._form_loaded = True

    @property
    def form(self) -> MultiDict:
        """Fields of a urlencoded or multipart body."""
        self._load_form_data()
        return self.__dict__["form"]

    @property
    def files(self) -> MultiDict:
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
        """Whether ``form`` and ``files`` may read the body: when a ``Content-Type`` was
        sent (as in Werkzeug). A subclass returning ``False`` leaves every body unparsed."""
        return bool(self.environ.get("CONTENT_TYPE"))

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        """The raw body; with ``parse_form_data`` a form body is parsed instead and ``b""`` returned."""
        data = self.__dict__.get("_cached_data")
        if data is None:
            if parse_form_data and self.mimetype in _FORM_MIMETYPES:
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
        raw = t.cast(bytes, self.get_data(cache=cache))  # as_text is False: bytes
        data: bytes | str = raw
        if raw[:1] in _JSON_STARTS and 0 not in raw[:4]:
            # Plain UTF-8 (no BOM, no UTF-16/32 NULs): decode here, skipping json's detection.
            try:
                data = raw.decode()
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

    def __enter__(self) -> t.Self:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()


_FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_QUERY_SAFE = "!$&'()*+,/:;=?@%~"
_JSON_STARTS = frozenset(bytes([c]) for c in b'{["-0123456789tfn \t\r\n')
# No "%": the path is already decoded, so a percent sign in it is data and is escaped again.
_PATH_SAFE = "/!$&'()*+,:;=@~"


def _quote_path(path: str) -> str:
    return quote(path, safe=_PATH_SAFE)
