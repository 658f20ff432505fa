"""Build WSGI environs for tests: request arguments in, the environ a server would pass out.

`EnvironBuilder` spells a path, query, headers and body (raw, form fields, files or JSON) as the
environ a real server would hand to the app; `encode_multipart` writes the multipart bodies.
`flagon.testing` sends these environs to an app.
"""

from __future__ import annotations

import json as _json
import mimetypes
import os
import secrets
import sys
import typing as t
from base64 import b64encode
from functools import cache
from io import BytesIO
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

from .__about__ import __version__
from .wrappers.request import HTTPRequest

__all__ = ["EnvironBuilder", "create_environ", "encode_multipart"]

# Characters left alone when an IRI path or query is made into a URI (RFC 3986 reserved + "%").
_URI_SAFE = "/%:@!$&'()*+,;=~[]?#"
# Characters a decoded WSGI path may keep when spelled as a URL path again.
_PATH_SAFE = "/:@!$&'()*+,;=~"
# What browsers leave unescaped in urlencoded form values.
_FORM_SAFE = "!$'()*,/:;?@"
# Keys `from_environ` does not carry over: those `get_environ` computes, and the request object
# an earlier Request stored (it belongs to that environ only). Every other key is kept.
_REBUILT_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "REQUEST_URI",
        "RAW_URI",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "wsgi.version",
        "wsgi.url_scheme",
        "wsgi.input",
        "flagon.request",
    }
)

WSGIEnviron = dict[str, t.Any]


@cache
def default_user_agent() -> str:
    """The ``User-Agent`` test requests send: ``flagon/<version>``."""
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
            dumps = getattr(provider, "dumps", None)
            data = dumps(json) if dumps is not None else _json.dumps(json)
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
    def from_environ(
        cls, environ: WSGIEnviron, app: t.Any = None, **kwargs: t.Any
    ) -> EnvironBuilder:
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
        return split_host(self.host)[0]

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
        server_name, port = split_host(self.host)
        environ: WSGIEnviron = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": default_user_agent(),
        }
        environ.update(self.environ_base)
        request_uri = self.request_uri
        environ.update(
            {
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
            }
        )
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
        """Wrap a new environ in `cls`, the app's request class, or an `HTTPRequest`."""
        return (cls or request_class_for(self.app))(self.get_environ())


def create_environ(path: str = "/", base_url: str | None = None, **kwargs: t.Any) -> WSGIEnviron:
    """Build an environ without an app; takes the same arguments as `EnvironBuilder`."""
    return EnvironBuilder(None, path, base_url, **kwargs).get_environ()


def request_class_for(app: t.Any, default: type = HTTPRequest) -> type:
    """The app's request class, or ``default`` for any other WSGI app."""
    return getattr(app, "request_class", None) or default


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


def split_host(host: str) -> tuple[str, str]:
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
