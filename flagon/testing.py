"""Drive a WSGI app without a server: environ building, a cookie-keeping client, test responses.

`EnvironBuilder` turns request arguments into a WSGI environ. `FlagonClient` sends it to the app,
keeps cookies between requests, follows redirects on request and, inside ``with client:``, leaves
each request's context on the stack so a test can read `flagon.request` after the call.
"""

from __future__ import annotations

import json as _json
import mimetypes
import os
import secrets
import sys
import time
import typing as t
from base64 import b64encode
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from io import BytesIO
from types import TracebackType
from urllib.parse import quote, unquote_to_bytes, urlencode, urljoin, urlsplit

from .globals import _request_ctx_stack
from .http import dump_cookie, parse_cookie, parse_date
from .wrappers import Request, Response, run_wsgi_app

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "EnvironBuilder",
    "FlagonClient",
    "TestResponse",
    "create_environ",
    "encode_multipart",
]

#: Statuses the client follows when asked to; 307 and 308 keep the method and body.
REDIRECT_CODES = frozenset({301, 302, 303, 305, 307, 308})
_MAX_REDIRECTS = 30
# Characters left alone when an IRI path or query is made into a URI (RFC 3986 reserved + "%").
_URI_SAFE = "/%:@!$&'()*+,;=~[]?#"
# Characters a decoded WSGI path may keep when spelled as a URL path again.
_PATH_SAFE = "/:@!$&'()*+,;=~"
# What browsers leave unescaped in urlencoded form values.
_FORM_SAFE = "!$'()*,/:;?@"
# Keys `from_environ` does not carry over: those `get_environ` computes, and the request object
# an earlier Request stored (it belongs to that environ only). Every other key is kept.
_REBUILT_KEYS = frozenset({
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI",
    "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "CONTENT_TYPE", "CONTENT_LENGTH",
    "wsgi.version", "wsgi.url_scheme", "wsgi.input", "flagon.request",
})

WSGIEnviron = dict[str, t.Any]


@cache
def _user_agent() -> str:
    from . import __version__

    return f"flagon/{__version__}"


class EnvironBuilder:
    """Build a WSGI environ from request arguments, taking URL defaults from a flagon app.

    `path` may carry a query (``"/a?b=1"``) or be an absolute URL whose scheme and host are used
    when no `base_url` is given. `data` is raw body text/bytes, a file object, or a mapping of
    form fields (urlencoded, or multipart when a value is a file, a ``(file, filename[,
    content_type])`` tuple or a FileStorage); `json` is serialized as an ``application/json`` body.
    """

    server_protocol = "HTTP/1.1"

    def __init__(
        self,
        app: t.Any = None,
        path: str = "/",
        base_url: str | None = None,
        query_string: str | t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
        method: str = "GET",
        headers: t.Any = None,
        data: t.Any = None,
        json: t.Any = None,
        content_type: str | None = None,
        environ_base: t.Mapping[str, t.Any] | None = None,
        environ_overrides: t.Mapping[str, t.Any] | None = None,
        url_scheme: str | None = None,
        subdomain: str | None = None,
        charset: str = "utf-8",
        auth: t.Any = None,
    ) -> None:
        if isinstance(app, str):
            raise TypeError("The first argument is the app (or None); pass the URL as 'path='.")
        self.app = app
        self.charset = charset
        self.method = method.upper()
        self.environ_base = dict(environ_base) if environ_base else {}
        self.environ_overrides = dict(environ_overrides) if environ_overrides else {}
        self.headers = _header_pairs(headers)
        header_content_type = _pop_header(self.headers, "content-type")
        #: Only sent when there is no body; a body always sends its own length.
        self.content_length = _pop_header(self.headers, "content-length")
        self.content_type = content_type if content_type is not None else header_content_type
        if auth is not None:
            self.headers.append(("Authorization", _auth_header(auth)))

        path, has_query, query = path.partition("#")[0].partition("?")
        if has_query:
            if query_string is not None:
                raise ValueError("The query string is given both in the path and as an argument.")
            query_string = query
        self.query_string = _encode_query(query_string, charset)

        origin = None
        if "://" in path:
            scheme, netloc, path, _, _ = urlsplit(path)
            origin, path = (scheme, netloc), path or "/"
        if base_url is not None:
            if subdomain or url_scheme:
                raise ValueError("Cannot pass 'subdomain' or 'url_scheme' with 'base_url'.")
            scheme, netloc, root, base_query, fragment = urlsplit(base_url)
            if base_query or fragment:
                raise ValueError("The base URL must not contain a query string or fragment.")
        else:
            scheme, netloc, root = self._default_base(url_scheme, subdomain)
            if origin is not None:
                scheme, netloc = origin
        self.url_scheme = scheme or "http"
        self.host = netloc or "localhost"
        self.script_root = root.rstrip("/")
        #: Kept as the URL spelling (percent-escapes allowed); decoded in `get_environ`.
        self.path = path
        self.body = self._encode_body(data, json)

    def _default_base(self, url_scheme: str | None, subdomain: str | None) -> tuple[str, str, str]:
        """Scheme, host and root the app would generate URLs for (Flask's defaults without an app)."""
        config = getattr(self.app, "config", None) or {}
        host = config.get("SERVER_NAME") or "localhost"
        if subdomain:
            host = f"{subdomain}.{host}"
        scheme = url_scheme or config.get("PREFERRED_URL_SCHEME") or "http"
        return scheme, host, config.get("APPLICATION_ROOT") or "/"

    def _encode_body(self, data: t.Any, json: t.Any) -> bytes | None:
        if json is not None:
            if data is not None:
                raise TypeError("Pass either 'data' or 'json', not both.")
            provider = getattr(self.app, "json", None)
            data = provider.dumps(json) if hasattr(provider, "dumps") else _json.dumps(json)
            if self.content_type is None:
                self.content_type = "application/json"
        if not data:
            return None
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            return data.encode(self.charset)
        if isinstance(data, (bytes, bytearray, memoryview)):
            return bytes(data)
        fields = [(key, value) for key, value in _iter_pairs(data) if value is not None]
        mimetype = (self.content_type or "").partition(";")[0].strip().lower()
        if mimetype == "multipart/form-data" or any(_is_file(value) for _, value in fields):
            boundary, body = encode_multipart(fields, charset=self.charset)
            self.content_type = f"multipart/form-data; boundary={boundary}"
            return body
        if self.content_type is None:
            self.content_type = "application/x-www-form-urlencoded"
        pairs = [(key, str(value)) for key, value in fields]
        return urlencode(pairs, safe=_FORM_SAFE, encoding=self.charset).encode("ascii")

    @classmethod
    def from_environ(cls, environ: WSGIEnviron, app: t.Any = None, **kwargs: t.Any) -> EnvironBuilder:
        """Rebuild a builder from an environ (reading its body), so it can be sent again or changed."""
        headers, base = [], {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                if key != "HTTP_HOST":
                    headers.append((key[5:].replace("_", "-").title(), value))
            elif key not in _REBUILT_KEYS:
                base[key] = value
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or _join_host(environ, scheme)
        script = quote(environ.get("SCRIPT_NAME", "").encode("latin-1"), safe=_PATH_SAFE)
        query = quote(environ.get("QUERY_STRING", "").encode("latin-1"), safe=_URI_SAFE)
        stream = environ.get("wsgi.input")
        out = {
            "path": quote(environ.get("PATH_INFO", "").encode("latin-1"), safe=_PATH_SAFE) or "/",
            "base_url": f"{scheme}://{host}{script}",
            "query_string": query,
            "method": environ.get("REQUEST_METHOD", "GET"),
            "headers": headers,
            "data": stream.read() if stream is not None else None,
            "content_type": environ.get("CONTENT_TYPE"),
            "environ_base": base,
        }
        out.update(kwargs)
        return cls(app, **out)

    def copy(self) -> EnvironBuilder:
        """A builder that can be changed without touching this one."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.headers = list(self.headers)
        new.environ_base = dict(self.environ_base)
        new.environ_overrides = dict(self.environ_overrides)
        return new

    @property
    def server_name(self) -> str:
        return _split_host(self.host)[0]

    @property
    def request_uri(self) -> str:
        """Path and query as they appear on the request line (non-ASCII percent-encoded)."""
        uri = quote(self.script_root + self.path, safe=_URI_SAFE, encoding=self.charset)
        if self.query_string:
            uri += "?" + quote(self.query_string, safe=_URI_SAFE, encoding=self.charset)
        return uri

    @property
    def url(self) -> str:
        """The full URL of the request."""
        return f"{self.url_scheme}://{self.host}{self.request_uri}"

    def _wsgi_string(self, text: str) -> str:
        """Percent-decode to bytes and spell them as a WSGI (latin-1) string, as a server would."""
        return unquote_to_bytes(text.encode(self.charset)).decode("latin-1")

    def get_environ(self) -> WSGIEnviron:
        """Return a new, complete WSGI environ for this request."""
        server_name, port = _split_host(self.host)
        environ: WSGIEnviron = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": _user_agent()}
        environ.update(self.environ_base)
        request_uri = self.request_uri
        environ.update({
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": self._wsgi_string(self.script_root),
            "PATH_INFO": self._wsgi_string(self.path),
            "QUERY_STRING": self.query_string.encode(self.charset).decode("latin-1"),
            # Not in PEP 3333, but servers (mod_wsgi, uWSGI, gunicorn) provide the raw target.
            "REQUEST_URI": request_uri,
            "RAW_URI": request_uri,
            "SERVER_NAME": server_name,
            "SERVER_PORT": port or ("443" if self.url_scheme == "https" else "80"),
            "HTTP_HOST": self.host,
            "SERVER_PROTOCOL": self.server_protocol,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.url_scheme,
            "wsgi.input": BytesIO(self.body or b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        })
        if self.content_type is not None:
            environ["CONTENT_TYPE"] = self.content_type
        if self.body is not None:
            environ["CONTENT_LENGTH"] = str(len(self.body))
        elif self.content_length is not None:
            environ["CONTENT_LENGTH"] = str(self.content_length)
        environ.update(_headers_to_environ(self.headers))
        environ.update(self.environ_overrides)
        return environ

    def get_request(self, cls: type | None = None) -> t.Any:
        """Wrap a new environ in `cls`, the app's request class, or flagon's Request."""
        return (cls or _request_class(self.app))(self.get_environ())


def create_environ(path: str = "/", base_url: str | None = None, **kwargs: t.Any) -> WSGIEnviron:
    """Build an environ without an app; takes the same arguments as `EnvironBuilder`."""
    return EnvironBuilder(None, path, base_url, **kwargs).get_environ()


def _header_pairs(headers: t.Any) -> list[tuple[str, t.Any]]:
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(name), value) for name, value in items]


def _pop_header(pairs: list[tuple[str, t.Any]], lower_name: str) -> t.Any:
    """Remove every header called `lower_name`; return the last value, or None if absent."""
    values = [value for name, value in pairs if name.lower() == lower_name]
    pairs[:] = [(name, value) for name, value in pairs if name.lower() != lower_name]
    return values[-1] if values else None


def _headers_to_environ(pairs: list[tuple[str, t.Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        key = "HTTP_" + name.upper().replace("-", "_")
        value = str(value)
        if key in out:  # repeated headers fold into one line, as a server folds them
            value = out[key] + ("; " if key == "HTTP_COOKIE" else ", ") + value
        out[key] = value
    return out


def _auth_header(auth: t.Any) -> str:
    if isinstance(auth, tuple):
        username, password = auth
        return "Basic " + b64encode(f"{username}:{password}".encode()).decode("ascii")
    return auth.to_header() if hasattr(auth, "to_header") else str(auth)


def _split_host(host: str) -> tuple[str, str]:
    """``"name:port"`` → (name, port or ""), keeping IPv6 brackets."""
    if host.startswith("["):
        end = host.find("]") + 1
        port = host[end:]
        return host[:end], port[1:] if port.startswith(":") else ""
    name, _, port = host.partition(":")
    return name, port


def _join_host(environ: WSGIEnviron, scheme: str) -> str:
    name, port = environ.get("SERVER_NAME", "localhost"), environ.get("SERVER_PORT", "")
    default = "443" if scheme == "https" else "80"
    return name if not port or port == default else f"{name}:{port}"


def _iter_pairs(data: t.Any) -> t.Iterator[tuple[str, t.Any]]:
    """(key, value) pairs of a MultiDict, a dict (list values repeat the key) or a pair list."""
    if hasattr(data, "lists"):
        for key, values in data.lists():
            for value in values:
                yield key, value
        return
    for key, value in data.items() if hasattr(data, "items") else data:
        if isinstance(value, list):
            for item in value:
                yield key, item
        else:
            yield key, value


def _encode_query(query: t.Any, charset: str) -> str:
    if query is None:
        return ""
    if isinstance(query, str):
        return query
    pairs = [(key, str(value)) for key, value in _iter_pairs(query) if value is not None]
    return urlencode(pairs, safe=_FORM_SAFE, encoding=charset)


# -- multipart ---------------------------------------------------------------------------------


def _is_file(value: t.Any) -> bool:
    return isinstance(value, tuple) or hasattr(value, "read")


def encode_multipart(
    fields: t.Iterable[tuple[str, t.Any]], boundary: str | None = None, charset: str = "utf-8"
) -> tuple[str, bytes]:
    """Encode (name, value) pairs as a multipart/form-data body; return (boundary, body).

    A file object, FileStorage or ``(file or path, filename[, content_type])`` tuple becomes a file
    part; a file without a filename is sent as a plain part carrying its content type.
    """
    boundary = boundary or f"----FlagonFormBoundary{secrets.token_hex(16)}"
    delimiter = b"--" + boundary.encode("ascii")
    out = bytearray()
    for name, value in fields:
        disposition = f'form-data; name="{_quote_param(name)}"'
        content_type = None
        if _is_file(value):
            payload, filename, content_type = _read_file(value, charset)
            if filename is not None:
                disposition += f'; filename="{_quote_param(filename)}"'
        else:
            payload = str(value).encode(charset)
        out += delimiter + b"\r\nContent-Disposition: " + disposition.encode(charset) + b"\r\n"
        if content_type is not None:
            out += b"Content-Type: " + content_type.encode(charset) + b"\r\n"
        out += b"\r\n" + payload + b"\r\n"
    out += delimiter + b"--\r\n"
    return boundary, bytes(out)


def _quote_param(value: str) -> str:
    # The HTML form encoding rule: these three cannot appear raw in a quoted parameter.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _read_file(value: t.Any, charset: str) -> tuple[bytes, str | None, str]:
    """Contents, filename and content type of one file value."""
    if isinstance(value, tuple):
        source, *rest = value
        filename = rest[0] if rest else None
        content_type = rest[1] if len(rest) > 1 else None
    else:
        source, filename, content_type = value, None, None
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            payload = file.read()
        if filename is None:
            filename = os.path.basename(os.fspath(source))
    else:
        payload = source.read()
        if filename is None:
            filename = _stream_filename(source)
        if content_type is None:
            content_type = getattr(source, "content_type", None)
    if isinstance(payload, str):
        payload = payload.encode(charset)
    if content_type is None:
        guessed = mimetypes.guess_type(filename)[0] if filename else None
        content_type = guessed or "application/octet-stream"
    return payload, filename, content_type


def _stream_filename(stream: t.Any) -> str | None:
    if hasattr(stream, "filename"):  # FileStorage: its `.name` is the form field, not the file
        return stream.filename
    name = getattr(stream, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or (name.startswith("<") and name.endswith(">")):
        return None  # no name, or a placeholder such as "<stdin>"
    return os.path.basename(name)


# -- responses -------------------------------------------------------------------------------


def _request_class(app: t.Any) -> type:
    return getattr(app, "request_class", None) or Request


class TestResponse:
    """Mixed into the app's response class for what the client returns.

    Adds `request` (the request that produced the response) and `history` (the redirects
    followed to reach it); ``isinstance(response, app.response_class)`` still holds.
    """

    __test__ = False  # not a pytest test class
    default_mimetype = None  # report the app's Content-Type, never assume one

    def __init__(
        self,
        response: t.Any,
        status: str,
        headers: t.Any,
        request: t.Any = None,
        history: tuple[TestResponse, ...] = (),
        **kwargs: t.Any,
    ) -> None:
        super().__init__(response, status=status, headers=headers, **kwargs)  # type: ignore[call-arg]
        self.request = request
        self.history = history


@cache
def _test_response_class(base: type) -> type:
    if issubclass(base, TestResponse):
        return base
    return type("TestResponse", (TestResponse, base), {"__module__": __name__})


class ClientRedirectError(Exception):
    """Following redirects went round in a loop or did not end."""


# -- cookies ------------------------------------------------------------------------------------


@dataclass
class Cookie:
    """A cookie in the client's jar. `value` is as sent on the wire; `decoded_value` as the app sees it."""

    key: str
    value: str
    domain: str
    path: str = "/"
    origin_only: bool = True
    expires: datetime | None = None
    max_age: int | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    created: float = field(default_factory=time.time, repr=False, compare=False)

    @property
    def decoded_value(self) -> str:
        return parse_cookie(f"{self.key}={self.value}").get(self.key, self.value)

    def is_expired(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        if self.max_age is not None:  # Max-Age wins over Expires (RFC 6265 5.3)
            return now >= self.created + self.max_age
        return self.expires is not None and now >= self.expires.timestamp()

    def matches(self, server_name: str, path: str) -> bool:
        """Whether a request to `server_name` and `path` carries this cookie (RFC 6265 5.1.3-4)."""
        if server_name != self.domain and (
            self.origin_only or not server_name.endswith("." + self.domain)
        ):
            return False
        if path == self.path:
            return True
        # A prefix counts only at a segment boundary: "/a" covers "/a/b", not "/ab".
        return path.startswith(self.path) and (
            self.path.endswith("/") or path[len(self.path)] == "/"
        )

    @classmethod
    def from_set_cookie(cls, header: str, server_name: str, request_path: str) -> Cookie:
        """Parse a Set-Cookie value received for a request to `server_name` and `request_path`."""
        pair, _, attributes = header.partition(";")
        key, _, value = pair.partition("=")
        params: dict[str, str | None] = {}
        for item in attributes.split(";"):
            name, has_value, param = item.partition("=")
            params[name.strip().lower()] = param.strip() if has_value else None
        domain = (params.get("domain") or "").lstrip(".").lower()
        path = params.get("path") or ""
        if not path.startswith("/"):  # the default path is the request path's directory
            path = request_path.rpartition("/")[0] or "/"
        return cls(
            key=key.strip(),
            value=value.strip(),
            domain=domain or server_name,
            path=path,
            origin_only=not domain,
            expires=parse_date(params.get("expires")),
            max_age=_parse_int(params.get("max-age")),
            secure="secure" in params,
            http_only="httponly" in params,
            same_site=params.get("samesite"),
        )


def _parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# -- the client ---------------------------------------------------------------------------------


def _shortcut(method: str) -> t.Callable[..., t.Any]:
    def send(self: FlagonClient, *args: t.Any, **kwargs: t.Any) -> t.Any:
        kwargs["method"] = method
        return self.open(*args, **kwargs)

    send.__name__ = send.__qualname__ = method.lower()
    send.__doc__ = f"Send a {method} request; takes the arguments of :meth:`open`."
    return send


class FlagonClient:
    """Send requests to a WSGI app in-process, as a browser would, and wrap the answers.

    Cookies set by responses are stored and sent back on matching requests (``use_cookies=False``
    turns that off). ``with client:`` keeps each request's context on the stack until the next
    request or the end of the block. `environ_base` holds values every request starts from.
    """

    def __init__(
        self,
        application: t.Callable[..., t.Any],
        response_wrapper: type | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
    ) -> None:
        self.application = application
        self.response_wrapper = response_wrapper
        self.allow_subdomain_redirects = allow_subdomain_redirects
        self.environ_base: dict[str, t.Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": _user_agent(),
        }
        self.preserve_context = False
        self._cookies: dict[tuple[str, str, str], Cookie] | None = {} if use_cookies else None
        # Only a flagon app has config to take URL defaults from; any other WSGI app gets none.
        self._builder_app = application if hasattr(application, "config") else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r}>"

    # -- cookie jar ---------------------------------------------------------------------------

    def _jar(self) -> dict[tuple[str, str, str], Cookie]:
        if self._cookies is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        return self._cookies

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Cookie | None:
        """The stored cookie called `key` for exactly this domain and path, or None."""
        return self._jar().get((domain, path, key))

    def set_cookie(
        self, key: str, value: str = "", *, domain: str = "localhost", origin_only: bool = True,
        path: str = "/", **kwargs: t.Any,
    ) -> None:
        """Store a cookie as if a response had set it; `kwargs` go to `flagon.http.dump_cookie`."""
        header = dump_cookie(key, value, domain=domain, path=path, **kwargs)
        cookie = Cookie.from_set_cookie(header, domain, path)
        cookie.origin_only = origin_only
        self._store(self._jar(), cookie)

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        """Forget the cookie called `key` for this domain and path, if stored."""
        self._jar().pop((domain, path, key), None)

    @staticmethod
    def _store(jar: dict[tuple[str, str, str], Cookie], cookie: Cookie) -> None:
        storage_key = (cookie.domain, cookie.path, cookie.key)
        if cookie.is_expired():  # how a server deletes a cookie: Max-Age=0 or a past Expires
            jar.pop(storage_key, None)
        else:
            jar[storage_key] = cookie

    def _cookie_target(self, builder: EnvironBuilder) -> tuple[str, str]:
        # Browsers match cookie paths against the path as written in the URL (percent-encoded).
        return builder.server_name.lower(), builder.request_uri.partition("?")[0] or "/"

    def _add_cookies(self, environ: WSGIEnviron, builder: EnvironBuilder) -> None:
        if not self._cookies:
            return
        server_name, path = self._cookie_target(builder)
        now = time.time()
        for storage_key in [k for k, c in self._cookies.items() if c.is_expired(now)]:
            del self._cookies[storage_key]
        matching = [c for c in self._cookies.values() if c.matches(server_name, path)]
        if not matching:
            return
        matching.sort(key=lambda cookie: -len(cookie.path))  # most specific path first
        value = "; ".join(f"{cookie.key}={cookie.value}" for cookie in matching)
        given = environ.get("HTTP_COOKIE")
        environ["HTTP_COOKIE"] = f"{given}; {value}" if given else value

    def _update_cookies(self, builder: EnvironBuilder, set_cookies: t.Iterable[str]) -> None:
        if self._cookies is None:
            return
        server_name, path = self._cookie_target(builder)
        for header in set_cookies:
            self._store(self._cookies, Cookie.from_set_cookie(header, server_name, path))

    # -- requests -----------------------------------------------------------------------------

    def _builder_from(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> EnvironBuilder:
        base = {**self.environ_base, **(kwargs.pop("environ_base", None) or {})}
        first = args[0] if args else None
        environ = first if isinstance(first, dict) else getattr(first, "environ", None)
        if not isinstance(first, EnvironBuilder) and not isinstance(environ, dict):
            return EnvironBuilder(self._builder_app, *args, environ_base=base, **kwargs)
        if len(args) > 1 or set(kwargs) - {"method"}:
            raise TypeError("A builder or environ is sent as it is; pass no other request arguments.")
        if isinstance(first, EnvironBuilder):
            builder = first.copy()
        else:
            builder = EnvironBuilder.from_environ(environ, app=self._builder_app)
        builder.environ_base = {**base, **builder.environ_base}
        if "method" in kwargs:
            builder.method = kwargs["method"].upper()
        return builder

    def _response_class(self) -> type:
        base = self.response_wrapper or getattr(self.application, "response_class", None)
        return _test_response_class(base or Response)

    def _send(self, builder: EnvironBuilder) -> t.Any:
        environ = builder.get_environ()
        self._add_cookies(environ, builder)
        if self.preserve_context:
            environ["flagon._preserve_context"] = True
        # The response's request sees the environ as sent, with a body it can still read.
        request_environ = {**environ, "wsgi.input": BytesIO(builder.body or b"")}
        body, status, headers = run_wsgi_app(self.application, environ, buffered=True)
        self._update_cookies(builder, headers.getlist("Set-Cookie"))
        request = _request_class(self.application)(request_environ)
        return self._response_class()(body, status, headers, request=request)

    def open(
        self, *args: t.Any, buffered: bool = False, follow_redirects: bool = False, **kwargs: t.Any
    ) -> t.Any:
        """Make a request and return the `TestResponse`.

        The arguments are those of `EnvironBuilder` (without the app), or a single builder,
        environ dict or request object to send as is. The app's body is always read in full and
        its ``close()`` called, so `buffered` changes nothing. With `follow_redirects`, redirects
        are followed and the final response lists the earlier ones in `history`.
        """
        builder = self._builder_from(args, kwargs)
        response = self._send(builder)
        if not follow_redirects:
            return response
        history: list[t.Any] = []
        seen: set[tuple[str, int]] = set()
        while response.status_code in REDIRECT_CODES and response.headers.get("Location"):
            location = urljoin(builder.url, response.headers["Location"])
            if (location, response.status_code) in seen:
                raise ClientRedirectError(
                    f"Loop detected: a {response.status_code} redirect to {location}"
                    " was already made."
                )
            if len(history) >= _MAX_REDIRECTS:
                raise ClientRedirectError(f"More than {_MAX_REDIRECTS} redirects in a row.")
            seen.add((location, response.status_code))
            response.history = tuple(history)
            history.append(response)
            builder = self._redirect_builder(builder, location, response.status_code)
            response = self._send(builder)
        response.history = tuple(history)
        return response

    def _redirect_builder(self, builder: EnvironBuilder, location: str, status: int) -> EnvironBuilder:
        """The request a browser makes for a redirect to the absolute URL `location`."""
        scheme, netloc, path, query, _ = urlsplit(location)
        target, origin = _split_host(netloc)[0].lower(), builder.server_name.lower()
        if target != origin:
            if not target.endswith("." + origin):
                raise RuntimeError("Following external redirects is not supported.")
            if not self.allow_subdomain_redirects:
                raise RuntimeError("Following subdomain redirects is not enabled.")
        new = builder.copy()
        new.url_scheme, new.host, new.query_string = scheme, netloc, query
        root = builder.script_root
        if path == root or path.startswith(root + "/"):
            new.path = path[len(root):] or "/"
        else:  # outside the app's root: the whole path is the app path now
            new.script_root, new.path = "", path or "/"
        if status not in (307, 308):  # only these two resend the method and body
            if new.method != "HEAD":
                new.method = "GET"
            new.body = new.content_type = new.content_length = None
            new.headers = [(k, v) for k, v in new.headers if k.lower() != "transfer-encoding"]
        return new

    get = _shortcut("GET")
    post = _shortcut("POST")
    put = _shortcut("PUT")
    patch = _shortcut("PATCH")
    delete = _shortcut("DELETE")
    head = _shortcut("HEAD")
    options = _shortcut("OPTIONS")
    trace = _shortcut("TRACE")

    # -- contexts and sessions ----------------------------------------------------------------

    def __enter__(self) -> FlagonClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations.")
        self.preserve_context = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.preserve_context = False
        while (top := _request_ctx_stack.top) is not None and top.preserved:
            top.pop()

    @contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
        """Open the session the next request would see; changes are saved back to the cookie jar.

        The arguments describe the request (as for `open`), in case the session depends on it.
        """
        self._jar()  # refuses when cookies are disabled
        app = self.application
        interface = app.session_interface
        builder = self._builder_from(args, kwargs)
        environ = builder.get_environ()
        self._add_cookies(environ, builder)
        ctx = app.request_context(environ)
        with ctx:
            session = interface.open_session(app, ctx.request)
        if session is None:
            raise RuntimeError("The session backend did not open a session.")
        yield session
        if interface.is_null_session(session):
            return
        response = app.response_class()
        with ctx:
            interface.save_session(app, session, response)
        self._update_cookies(builder, response.headers.getlist("Set-Cookie"))


Client = FlagonClient
