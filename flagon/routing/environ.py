"""Reading what routing needs from a WSGI environ: script root, path, query, scheme (the
host comes from :func:`flagon.wsgi.get_host`, as for the request).

WSGI passes these as "bytes in latin-1 strings"; they are read back as UTF-8 (invalid
bytes become U+FFFD), and only when they are not plain ASCII.
"""

from __future__ import annotations

from ..exceptions import BadHost
from ..wsgi import drop_default_port, wsgi_decode

#: The subdomain of a request whose host is not under the configured server name.
INVALID_SUBDOMAIN = "<invalid>"


def script_root_from_environ(environ: dict) -> str:
    """``SCRIPT_NAME`` ending with "/" (just "/" when the application is at the root)."""
    script_name = environ.get("SCRIPT_NAME")
    if not script_name:
        return "/"
    if not script_name.isascii():
        script_name = wsgi_decode(script_name)
    return script_name if script_name.endswith("/") else script_name + "/"


def query_from_environ(environ: dict) -> str | None:
    """The raw (still percent-encoded) query string, or None."""
    query = environ.get("QUERY_STRING")
    if query and not query.isascii():
        query = wsgi_decode(query)
    return query


def url_scheme_from_environ(environ: dict) -> str:
    """``http``/``https``, or ``ws``/``wss`` for a WebSocket upgrade request."""
    scheme = environ.get("wsgi.url_scheme", "http")
    upgrade = environ.get("HTTP_UPGRADE")
    if upgrade is not None and upgrade.strip().lower() == "websocket":
        connection = environ.get("HTTP_CONNECTION", "").lower()
        if any(token.strip() == "upgrade" for token in connection.split(",")):
            return "wss" if scheme == "https" else "ws"
    return scheme


def normalize_server_name(server_name: str, scheme: str | None = None) -> str:
    """Lower-case, an international name in its ASCII (IDNA) form, without a trailing dot,
    and without the scheme's default port when ``scheme`` is given: the form
    :func:`flagon.wsgi.get_host` gives a request's host in. Raises ``BadHost`` when invalid."""
    server_name = server_name.lower()
    if server_name.endswith("."):
        server_name = server_name[:-1]
    elif ".:" in server_name:  # "example.com.:8000"
        server_name = server_name.replace(".:", ":", 1)
    if not server_name.isascii():
        name, colon, port = server_name.partition(":")
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise BadHost() from error
        server_name = f"{name}{colon}{port}"
    return server_name if scheme is None else drop_default_port(server_name, scheme)


def subdomain_of(host: str, server_name: str) -> str:
    """What ``host`` adds in front of ``server_name`` ("" for the name itself), or
    ``INVALID_SUBDOMAIN`` when the host is not under it."""
    if host == server_name:
        return ""
    if host.endswith("." + server_name):
        return host[: -len(server_name) - 1].strip(".")
    return INVALID_SUBDOMAIN
