"""What a scenario is: a request to replay, the reply to expect, and one app per framework."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

FRAMEWORKS = ("flagon", "flask", "bottle", "falcon")
DISPLAY_NAMES = {"flagon": "flagon", "flask": "Flask", "bottle": "Bottle", "falcon": "Falcon"}

_BASE_ENVIRON: dict[str, Any] = {
    "SCRIPT_NAME": "",
    "SERVER_NAME": "localhost",
    "SERVER_PORT": "80",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "127.0.0.1",
    "HTTP_HOST": "localhost",
    "HTTP_USER_AGENT": "flagon-bench/1.0",
    "HTTP_ACCEPT": "*/*",
    "HTTP_ACCEPT_ENCODING": "gzip, deflate",
    "HTTP_CONNECTION": "keep-alive",
    "wsgi.version": (1, 0),
    "wsgi.url_scheme": "http",
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}


def environ_factory(
    method: str = "GET",
    path: str = "/",
    query: str = "",
    body: bytes = b"",
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Callable[[], dict]:
    """Return a function that builds a fresh WSGI environ (and input stream) per call.

    A server hands every request a new dict and a new stream, and frameworks cache
    parsed values inside the environ, so reusing one would flatter them. ``headers``
    adds request headers (``{"Cookie": "a=b"}`` becomes ``HTTP_COOKIE``).
    """
    base = dict(_BASE_ENVIRON, REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=query)
    for name, value in (headers or {}).items():
        base["HTTP_" + name.upper().replace("-", "_")] = value
    if body or method in ("POST", "PUT", "PATCH"):
        base["CONTENT_LENGTH"] = str(len(body))
    if content_type is not None:
        base["CONTENT_TYPE"] = content_type
    new_stream = io.BytesIO

    def make_environ() -> dict:
        environ = base.copy()
        environ["wsgi.input"] = new_stream(body)
        return environ

    return make_environ


@dataclass(slots=True)
class Reply:
    """What a WSGI app answered: status line, headers and the joined body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class CheckFailed(Exception):
    """An app answered something other than what its scenario requires."""


def expect(
    reply: Reply,
    status: int,
    body: bytes | None = None,
    content_type: str | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Raise CheckFailed unless the reply has this status, body, content type, JSON value
    and these header values."""
    if reply.status_code != status:
        raise CheckFailed(f"status {reply.status!r}, expected {status}; body {reply.body[:200]!r}")
    if body is not None and reply.body != body:
        raise CheckFailed(f"body {reply.body[:200]!r}, expected {body!r}")
    mimetype = (reply.header("Content-Type") or "").split(";")[0].strip()
    if content_type is not None and mimetype != content_type:
        raise CheckFailed(f"content type {mimetype!r}, expected {content_type!r}")
    if json_body is not None:
        try:
            value = json.loads(reply.body)
        except ValueError as error:
            raise CheckFailed(f"body is not JSON ({error}): {reply.body[:200]!r}") from None
        if value != json_body:
            raise CheckFailed(f"JSON body {str(value)[:200]}, expected {str(json_body)[:200]}")
    for name, value in (headers or {}).items():
        if reply.header(name) != value:
            raise CheckFailed(f"header {name}: {reply.header(name)!r}, expected {value!r}")


@dataclass(frozen=True, slots=True)
class Scenario:
    """One benchmark: the same behaviour written idiomatically for every framework.

    ``builders`` maps a framework key (see FRAMEWORKS) to a function returning its
    WSGI app; frameworks are imported inside the builders, so a missing or broken
    one only costs its own column.

    ``setup``, when given, runs once per built app before it is checked or timed
    (a login whose cookie later requests carry, a first download whose ETag they
    send back) and returns the environ factory for the checked and timed requests;
    without it every app gets ``make_environ``.
    """

    name: str
    description: str
    make_environ: Callable[[], dict]
    check: Callable[[Reply], None]
    builders: Mapping[str, Callable[[], WSGIApp]]
    setup: Callable[[WSGIApp], Callable[[], dict]] | None = None

    def environ_for(self, app: WSGIApp) -> Callable[[], dict]:
        """The environ factory for ``app``'s checked and timed requests."""
        return self.setup(app) if self.setup is not None else self.make_environ
