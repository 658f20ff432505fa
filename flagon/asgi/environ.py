"""An ASGI HTTP scope as the WSGI environ flagon's request pipeline reads."""

from __future__ import annotations

import sys
import typing as t

# Request headers WSGI names without the HTTP_ prefix.
_UNPREFIXED = {b"content-type": "CONTENT_TYPE", b"content-length": "CONTENT_LENGTH"}
_header_keys: dict[bytes, str] = {}


def _key(name: bytes) -> str:
    key = _header_keys.get(name)
    if key is None:
        key = _UNPREFIXED.get(name) or "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        if len(_header_keys) < 512:  # the usual headers; odd ones aren't worth remembering
            _header_keys[name] = key
    return key


def environ_for(scope: dict[str, t.Any], body: t.IO[bytes]) -> dict[str, t.Any]:
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
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root_path.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
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
    for name, value in scope["headers"]:
        if b"_" in name:  # "X_Forwarded_For" would pass for "X-Forwarded-For": dropped, as
            continue  # Gunicorn and waitress drop it
        key = _key(name)
        text = value.decode("latin-1")
        if key in environ:  # repeated: joined as one field, as WSGI servers do
            text = environ[key] + ("; " if key == "HTTP_COOKIE" else ", ") + text
        environ[key] = text
    if "CONTENT_LENGTH" not in environ:
        environ["wsgi.input_terminated"] = True
    extra = scope.get("flagon.environ")  # from flagon's test client
    if extra:
        environ.update(extra)
    return environ
