"""``ProxyFix``: believe the ``X-Forwarded-*`` headers set by the proxies in front of the app.

Behind a reverse proxy the server sees the proxy, not the client: the peer address, scheme, host
and port are the proxy's. Proxies report the originals in ``X-Forwarded-For``, ``-Proto``,
``-Host``, ``-Port`` and ``-Prefix``, each appending its own value on the right. Clients can send
these headers too, so only the values added by the configured number of trusted proxies — counted
from the right — are believed; everything to their left may be forged.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

from ..wsgi import host_is_trusted

#: The environ key holding the values ProxyFix replaced.
ORIG_KEY = "flagon.proxy_fix.orig"

_PORT = re.compile(r"[0-9]{1,5}")
_SCHEMES = {"http": "http", "https": "https"}


class ProxyFix:
    """WSGI middleware applying ``X-Forwarded-*`` headers from ``x_for`` … ``x_prefix`` trusted
    proxies to the environ.

    Each argument is the number of proxies that set that header (0 ignores it):

    - ``X-Forwarded-For`` → ``REMOTE_ADDR``
    - ``X-Forwarded-Proto`` → ``wsgi.url_scheme``
    - ``X-Forwarded-Host`` → ``HTTP_HOST``, ``SERVER_NAME``, ``SERVER_PORT``
    - ``X-Forwarded-Port`` → ``HTTP_HOST``'s port and ``SERVER_PORT``
    - ``X-Forwarded-Prefix`` → ``SCRIPT_NAME``

    A header with fewer values than its proxy count was not (entirely) set by the proxies and is
    ignored, as is a trusted value that is malformed. The replaced values are kept in
    ``environ["flagon.proxy_fix.orig"]``.
    """

    def __init__(
        self,
        app: t.Callable[[dict, t.Callable], t.Iterable[bytes]],
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        for name, value in (
            ("x_for", x_for),
            ("x_proto", x_proto),
            ("x_host", x_host),
            ("x_port", x_port),
            ("x_prefix", x_prefix),
        ):
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a proxy count (an int >= 0), not {value!r}.")
        self.app = app
        self.x_for = x_for
        self.x_proto = x_proto
        self.x_host = x_host
        self.x_port = x_port
        self.x_prefix = x_prefix

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        get = environ.get
        environ[ORIG_KEY] = {
            "REMOTE_ADDR": get("REMOTE_ADDR"),
            "wsgi.url_scheme": get("wsgi.url_scheme"),
            "HTTP_HOST": get("HTTP_HOST"),
            "SERVER_NAME": get("SERVER_NAME"),
            "SERVER_PORT": get("SERVER_PORT"),
            "SCRIPT_NAME": get("SCRIPT_NAME"),
        }

        addr = _client_address(trusted_value(self.x_for, get("HTTP_X_FORWARDED_FOR")))
        if addr is not None:
            environ["REMOTE_ADDR"] = addr

        proto = trusted_value(self.x_proto, get("HTTP_X_FORWARDED_PROTO"))
        scheme = _SCHEMES.get(proto.lower()) if proto else None
        if scheme is not None:
            environ["wsgi.url_scheme"] = scheme

        host = trusted_value(self.x_host, get("HTTP_X_FORWARDED_HOST"))
        if host and host_is_trusted(host):  # well-formed, as the request will read it
            environ["HTTP_HOST"] = host
            name, port = _split_port(host)
            environ["SERVER_NAME"] = name
            if port is not None:
                environ["SERVER_PORT"] = port

        port = trusted_value(self.x_port, get("HTTP_X_FORWARDED_PORT"))
        if port and _PORT.fullmatch(port) and 0 < int(port) < 65536:
            host = get("HTTP_HOST")
            if host:
                environ["HTTP_HOST"] = f"{_split_port(host)[0]}:{port}"
            environ["SERVER_PORT"] = port

        prefix = trusted_value(self.x_prefix, get("HTTP_X_FORWARDED_PREFIX"))
        if prefix and prefix.startswith("/") and "\\" not in prefix:
            # "/app/" and "/app" name the same mount point; a trailing slash would double up
            # in every URL built under it.
            environ["SCRIPT_NAME"] = prefix.rstrip("/")

        return self.app(environ, start_response)


def trusted_value(trusted: int, header: str | None) -> str | None:
    """The value the ``trusted``-th proxy from the right added to a comma-separated header, or
    ``None`` when the header has fewer values than that (so some trusted proxy did not add one).
    """
    if not trusted or not header:
        return None
    values = header.split(",")
    if len(values) < trusted:
        return None
    return values[-trusted].strip() or None


def _split_port(host: str) -> tuple[str, str | None]:
    """``"example.com:8080"`` → ``("example.com", "8080")``; IPv6 literals keep their brackets."""
    if host.endswith("]") or ":" not in host:
        return host, None
    name, _, port = host.rpartition(":")
    return name, port


def _client_address(value: str | None) -> str | None:
    """The IP address in a forwarded-for value (a port some proxies add is dropped), or
    ``None`` for anything else, such as ``unknown`` or an obfuscated identifier."""
    if not value:
        return None
    if value.startswith("["):  # "[2001:db8::1]:4711"
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # "192.0.2.1:4711"
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
