"""Drive a WSGI app without a server: a cookie-keeping client and the responses it returns.

`FlagonClient` sends environs built by `flagon.environ_builder.EnvironBuilder` to the app, keeps
cookies between requests, follows redirects on request and, inside ``with client:``, leaves each
request's context on the stack so a test can read `flagon.request` after the call.
`FlagonCliRunner` invokes the app's ``flagon`` commands in-process.
"""

from __future__ import annotations

import time
import typing as t
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from io import BytesIO
from types import TracebackType
from urllib.parse import urljoin, urlsplit

from click.testing import CliRunner, Result

from .environ_builder import (
    EnvironBuilder,
    WSGIEnviron,
    create_environ,
    default_user_agent,
    encode_multipart,
    request_class_for,
    split_host,
)
from .globals import _request_ctx_stack
from .http import dump_cookie, parse_cookie, parse_date
from .wrappers import Request, Response
from .wsgi import run_wsgi_app

if t.TYPE_CHECKING:
    from .app import Flagon
    from .asgi.testing import TestWebSocket

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "EnvironBuilder",
    "FlagonCliRunner",
    "FlagonClient",
    "TestResponse",
    "create_environ",
    "encode_multipart",
]

#: Statuses the client follows when asked to; 307 and 308 keep the method and body.
REDIRECT_CODES = frozenset({301, 302, 303, 305, 307, 308})
_MAX_REDIRECTS = 30


# -- responses -------------------------------------------------------------------------------


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
    With ``asgi=True`` (or the class attribute set) each request to an app that speaks ASGI (a
    Flagon app, not a bare WSGI callable) goes through its ASGI entry point instead, on this
    thread's event loop, as an ASGI server would send it.
    """

    #: Send requests over ASGI rather than WSGI (``app.test_client(asgi=True)``).
    asgi = False

    def __init__(
        self,
        application: t.Callable[..., t.Any],
        response_wrapper: type | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
        asgi: bool | None = None,
    ) -> None:
        self.application = application
        if asgi is not None:
            self.asgi = asgi
        self.response_wrapper = response_wrapper
        self.allow_subdomain_redirects = allow_subdomain_redirects
        self.environ_base: dict[str, t.Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": default_user_agent(),
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
        self,
        key: str,
        value: str = "",
        *,
        domain: str = "localhost",
        origin_only: bool = True,
        path: str = "/",
        **kwargs: t.Any,
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
            return EnvironBuilder(self._builder_app, *args, **{**kwargs, "environ_base": base})
        if len(args) > 1 or set(kwargs) - {"method"}:
            raise TypeError(
                "A builder or environ is sent as it is; pass no other request arguments."
            )
        if isinstance(first, EnvironBuilder):
            builder = first.copy()
        else:
            assert isinstance(environ, dict)  # checked above: a builder or an environ
            builder = EnvironBuilder.from_environ(environ, app=self._builder_app)
        builder.environ_base = {**base, **builder.environ_base}
        if "method" in kwargs:
            builder.method = kwargs["method"].upper()
        return builder

    def _response_class(self) -> type:
        base = self.response_wrapper or getattr(self.application, "response_class", None)
        return _test_response_class(base or Response)

    def _send(self, builder: EnvironBuilder, buffered: bool = False) -> t.Any:
        environ = builder.get_environ()
        self._add_cookies(environ, builder)
        if self.preserve_context:
            environ["flagon._preserve_context"] = True
        # The response's request sees the environ as sent, with a body it can still read.
        request_environ = {**environ, "wsgi.input": BytesIO(builder.body or b"")}
        if self.asgi and hasattr(type(self.application), "asgi_app"):
            from .asgi.testing import run_asgi_app

            body, status, headers = run_asgi_app(self.application, environ, buffered=buffered)
        else:
            body, status, headers = run_wsgi_app(self.application, environ, buffered=buffered)
        if not buffered:
            body = _ReadOnce(body)
        self._update_cookies(builder, headers.getlist("Set-Cookie"))
        request = request_class_for(self.application, Request)(request_environ)
        return self._response_class()(body, status, headers, request=request)

    def websocket(
        self, *args: t.Any, subprotocols: t.Iterable[str] = (), timeout: float = 5, **kwargs: t.Any
    ) -> TestWebSocket:
        """A WebSocket connection to the app, over ASGI, with this client's cookies::

            with client.websocket("/chat", subprotocols=["v1"]) as ws:
                ws.send("hello")
                assert ws.receive() == "hello back"

        The arguments are those of :meth:`open` (a path, ``headers``, ``query_string``…);
        `timeout` bounds each wait for the app.
        """
        from .asgi.testing import TestWebSocket, websocket_scope

        builder = self._builder_from(args, kwargs)
        environ = builder.get_environ()
        self._add_cookies(environ, builder)
        return TestWebSocket(self.application, websocket_scope(environ, subprotocols), timeout)

    def open(
        self, *args: t.Any, buffered: bool = False, follow_redirects: bool = False, **kwargs: t.Any
    ) -> t.Any:
        """Make a request and return the `TestResponse`.

        The arguments are those of `EnvironBuilder` (without the app), or a single builder,
        environ dict or request object to send as is. As with Werkzeug's client, the body is
        read when the test reads it (``response.response`` is an iterator, ``is_streamed`` is
        true; ``get_data()`` buffers it), and the app's ``close()`` runs once it is read to the
        end or the response is closed; `buffered` reads it all and closes it before returning.
        With `follow_redirects`, redirects are followed and the final response lists the
        earlier ones in `history`.
        """
        builder = self._builder_from(args, kwargs)
        response = self._send(builder, buffered)
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
            if not buffered:
                # Read and close the redirect's body, as a browser would before moving on.
                response.make_sequence()
                response.close()
            history.append(response)
            builder = self._redirect_builder(builder, location, response.status_code)
            response = self._send(builder, buffered)
        response.history = tuple(history)
        return response

    def _redirect_builder(
        self, builder: EnvironBuilder, location: str, status: int
    ) -> EnvironBuilder:
        """The request a browser makes for a redirect to the absolute URL `location`."""
        scheme, netloc, path, query, _ = urlsplit(location)
        target, origin = split_host(netloc)[0].lower(), builder.server_name.lower()
        if target != origin:
            if not target.endswith("." + origin):
                raise RuntimeError("Following external redirects is not supported.")
            if not self.allow_subdomain_redirects:
                raise RuntimeError("Following subdomain redirects is not enabled.")
        new = builder.copy()
        new.url_scheme, new.host, new.query_string = scheme, netloc, query
        root = builder.script_root
        if path == root or path.startswith(root + "/"):
            new.path = path[len(root) :] or "/"
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
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
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
        app = t.cast("Flagon", self.application)  # sessions belong to a Flagon app
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


class _ReadOnce:
    """An unbuffered response body: read as the test reads it, and closed, as a server closes
    it, once read to the end (or when the response is closed)."""

    __slots__ = ("_close", "_iterator")

    def __init__(self, body: t.Iterable[bytes]) -> None:
        self._iterator = iter(body)
        self._close = getattr(body, "close", None)

    def __iter__(self) -> _ReadOnce:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._iterator)
        except BaseException:  # the end (StopIteration) or an error: either way it is done
            self.close()
            raise

    def close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            close()


Client = FlagonClient


class FlagonCliRunner(CliRunner):
    """A click runner for the app's commands; ``app.test_cli_runner()`` makes one."""

    def __init__(self, app: t.Any, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Run ``cli`` (default: ``app.cli``) with ``args`` in an isolated environment; unless
        ``obj`` is given, commands load this app through a :class:`flagon.cli.ScriptInfo`."""
        from .cli import ScriptInfo

        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
