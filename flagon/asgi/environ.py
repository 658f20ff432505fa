"""An ASGI HTTP scope as the WSGI environ flagon's request pipeline reads."""

from __future__ import annotations

import sys
import typing as t

# Request headers WSGI names without the HTTP_ prefix.
_UNPREFIXED = {b"content-type": "CONTENT_TYPE", b"content-length": "CONTENT_LENGTH"}
_header_keys: dict[bytes, str] = {}
_SERVER = ("localhost", 80)


def _key(name: bytes) -> str:
    """The environ key of a header name, or "" for a name with an underscore, which is left
    out: "X_Forwarded_For" would pass for "X-Forwarded-For" (Gunicorn and waitress drop it)."""
    if b"_" in name:
        key = ""
    else:
        key = _UNPREFIXED.get(name) or "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
    if len(_header_keys) < 512:  # the usual headers; odd ones aren't worth remembering
        _header_keys[name] = key
    return key


def _wsgi_text(text: str) -> str:
    """A decoded path as WSGI carries it: its UTF-8 bytes as latin-1 code points."""
    return text if text.isascii() else text.encode().decode("latin-1")


def environ_for(scope: dict[str, t.Any], body: t.Any) -> dict[str, t.Any]:
    """The environ of ``scope``, reading the request body from ``body``.

    ``SCRIPT_NAME`` is the scope's ``root_path``, and ``PATH_INFO`` the rest of its ``path``,
    as WSGI has it: decoded, then carried in latin-1 code points. A body without a
    ``Content-Length`` (chunked, HTTP/2) is marked ``wsgi.input_terminated``: the server
    tells its end. Header names with an underscore are left out.
    """
    root_path = scope.get("root_path", "")
    path = scope["path"]
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]
    server = scope.get("server") or _SERVER
    port = server[1]
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": _wsgi_text(root_path) if root_path else "",
        "PATH_INFO": _wsgi_text(path),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": "80" if port is None else str(port),
        "SERVER_PROTOCOL": "HTTP/" + scope.get("http_version", "1.1"),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "asgi.scope": scope,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    keys = _header_keys
    for name, value in scope["headers"]:
        key = keys.get(name)
        if key is None:
            key = _key(name)
        if not key:
            continue
        if key in environ:  # repeated: joined as one field, as WSGI servers do
            environ[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value.decode("latin-1")
        else:
            environ[key] = value.decode("latin-1")
    if "CONTENT_LENGTH" not in environ:
        environ["wsgi.input_terminated"] = True
    extra = scope.get("flagon.environ")  # from flagon's test client
    if extra:
        environ.update(extra)
    return environ
