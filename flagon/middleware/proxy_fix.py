"""``ProxyFix``: believe the ``X-Forwarded-*`` headers set by the proxies in front of the app.

Behind a reverse proxy the server sees the proxy, not the client: the peer address, scheme, host
and port are the proxy's. Proxies report the originals in ``X-Forwarded-For``, ``-Proto``,
``-Host``, ``-Port`` and ``-Prefix``, each appending its own value on the right. Clients can send
these headers too, so only the values added by the configured number of trusted proxies — counted
from the right — are believed; everything to their left may be forged.
"""

from __future__ import annotations

import ipaddress
import operator
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

    What each combination of forwarded values (with the request's ``Host``) means is worked out
    once and remembered (up to 1024 combinations), so a client's later requests cost one lookup;
    set the counts before serving.
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

        # What each combination of the trusted headers and the values they replace comes to:
        # a client's requests after its first one are one lookup and two dict copies. Only
        # the trusted headers count: a client varying the others gains nothing.
        self._seen: dict[tuple[str | None, ...], tuple[dict[str, str], dict[str, t.Any]]] = {}
        counts = (x_for, x_proto, x_host, x_port, x_prefix)
        trusted = (name for name, count in zip(_FORWARDED, counts, strict=True) if count)
        self._key_names = (*_REPLACED, *trusted)
        # One C call when the server sets them all, as servers behind a proxy do.
        self._key_of = operator.itemgetter(*self._key_names)

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        try:
            key = self._key_of(environ)
        except KeyError:
            key = tuple(map(environ.get, self._key_names))
        seen = self._seen.get(key)
        if seen is None:
            seen = (self._changes(environ.get), dict(zip(_REPLACED, key, strict=False)))
            if len(self._seen) >= _REMEMBERED:
                self._seen.clear()
            if sum(len(value) for value in key if type(value) is str) <= _REMEMBERED_LENGTH:
                self._seen[key] = seen
        changes, orig = seen
        environ[ORIG_KEY] = orig.copy()
        if changes:
            environ.update(changes)
        return self.app(environ, start_response)

    def _changes(self, get: t.Callable[[str], t.Any]) -> dict[str, str]:
        """The environ values the trusted forwarded headers replace (``get`` reads the environ)."""
        changes = {}
        addr = _client_address(trusted_value(self.x_for, get("HTTP_X_FORWARDED_FOR")))
        if addr is not None:
            changes["REMOTE_ADDR"] = addr

        proto = trusted_value(self.x_proto, get("HTTP_X_FORWARDED_PROTO"))
        scheme = _SCHEMES.get(proto.lower()) if proto else None
        if scheme is not None:
            changes["wsgi.url_scheme"] = scheme

        host = get("HTTP_HOST")
        forwarded = trusted_value(self.x_host, get("HTTP_X_FORWARDED_HOST"))
        if forwarded and host_is_trusted(forwarded):  # well-formed, as the request will read it
            changes["HTTP_HOST"] = host = forwarded
            name, port = _split_port(forwarded)
            changes["SERVER_NAME"] = name
            if port is not None:
                changes["SERVER_PORT"] = port

        port = trusted_value(self.x_port, get("HTTP_X_FORWARDED_PORT"))
        if port and _PORT.fullmatch(port) and 0 < int(port) < 65536:
            if host:
                changes["HTTP_HOST"] = f"{_split_port(host)[0]}:{port}"
            changes["SERVER_PORT"] = port

        prefix = trusted_value(self.x_prefix, get("HTTP_X_FORWARDED_PREFIX"))
        if prefix and prefix.startswith("/") and "\\" not in prefix:
            # "/app/" and "/app" name the same mount point; a trailing slash would double up
            # in every URL built under it.
            changes["SCRIPT_NAME"] = prefix.rstrip("/")
        return changes


#: What ProxyFix may replace, kept as they were in ``environ["flagon.proxy_fix.orig"]``.
_REPLACED = (
    "REMOTE_ADDR",
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
)
_FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)
#: How many combinations of forwarded values a ProxyFix remembers (then it starts afresh), and
#: how long their values may be, together, to be remembered.
_REMEMBERED = 1024
_REMEMBERED_LENGTH = 512


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
