"""The debug error page: an unhandled error shown in the browser of the developer who caused it.

:class:`DebuggedApplication` wraps the app served by the development server. When the app lets an
exception escape (in debug mode ``handle_exception`` re-raises instead of answering 500) and the
request came from this machine, the answer is an HTML page with the traceback, the request and
both context stacks. Anyone else gets the plain 500 page. There is no interactive console: the
page only shows, it never runs code.
"""

from __future__ import annotations

import ipaddress
import linecache
import os
import reprlib
import sys
import traceback
import typing as t
from functools import partial
from html import escape
from types import TracebackType

from .exceptions import InternalServerError
from .globals import _app_ctx_stack, _request_ctx_stack

if t.TYPE_CHECKING:
    from .ctx import AppContext, RequestContext

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

_FLAGON_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_PACKAGE_DIRS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")

_repr = reprlib.Repr()
_repr.maxstring = 300
_repr.maxother = 300
_repr.maxlevel = 3


def is_local_address(addr: str | None) -> bool:
    """Whether ``addr`` (a ``REMOTE_ADDR``) is a loopback address of this machine."""
    if not addr:
        return False
    try:
        ip = ipaddress.ip_address(addr.partition("%")[0])  # drop an IPv6 zone ("::1%lo")
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # "::ffff:127.0.0.1"
    return (mapped or ip).is_loopback


class DebuggedApplication:
    """WSGI middleware answering an unhandled error with the debug page, for local clients.

    The page is shown when the wrapped app is in debug mode (its ``debug`` attribute; an app
    without one counts as debugging) and the peer address is loopback. The address is read
    before the app runs, so middleware inside (``ProxyFix``) cannot make a remote client local.
    A request context kept on the stack for inspection is popped once the page is made.
    """

    def __init__(self, app: t.Callable[[dict, t.Callable], t.Iterable[bytes]]) -> None:
        self.app = app

    def __getattr__(self, name: str) -> t.Any:
        # Transparent for code that inspects the app it serves (``root_path``, ``debug``…).
        if name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        local = is_local_address(environ.get("REMOTE_ADDR"))
        outer = _request_ctx_stack._get(None)
        try:
            app_iter = self.app(environ, start_response)
        except Exception:
            exc_info = t.cast(
                ExcInfo, sys.exc_info()
            )  # inside ``except``: never (None, None, None)
            # The failed request's context, if the app kept it on the stack for us.
            node = _request_ctx_stack._get(None)
            kept = None
            if node is not None and node is not outer and node[0].preserved:
                kept = node[0]
            return self._respond(environ, start_response, exc_info, local, kept)
        return self._iterate(app_iter, environ, start_response, local)

    def _iterate(
        self, app_iter: t.Iterable[bytes], environ: dict, start_response: t.Callable, local: bool
    ) -> t.Iterator[bytes]:
        """The app's body, with an error raised while streaming reported as well as it can be."""
        try:
            yield from app_iter
        except Exception:
            exc_info = t.cast(
                ExcInfo, sys.exc_info()
            )  # inside ``except``: never (None, None, None)
            try:
                yield from self._respond(environ, start_response, exc_info, local, None)
            except Exception:
                # Part of the body is out: nothing can be shown any more. The traceback is in
                # the server's error stream.
                pass
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()

    def _respond(
        self,
        environ: dict,
        start_response: t.Callable,
        exc_info: ExcInfo,
        local: bool,
        kept: RequestContext | None,
    ) -> list[bytes]:
        """Log the error, then answer with the debug page or the plain 500 page."""
        errors: t.TextIO = environ.get("wsgi.errors") or sys.stderr
        traceback.print_exception(*exc_info, file=errors)
        page = None
        try:
            app = kept.app if kept is not None else self.app
            if local and getattr(app, "debug", True):
                page = render_debug_page(
                    exc_info, environ, _stack(_request_ctx_stack), _stack(_app_ctx_stack)
                )
        except Exception:
            errors.write("The debug page could not be made:\n")
            traceback.print_exc(file=errors)
        finally:
            if kept is not None:
                _pop_preserved(kept, errors)
        if page is not None:
            body = page.encode("utf-8")
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
        else:
            error = InternalServerError()
            body = error.get_body(environ).encode("utf-8")
            headers = error.get_headers(environ)
        headers.append(("Content-Length", str(len(body))))
        start_response("500 INTERNAL SERVER ERROR", headers, exc_info)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


# The middleware's own frames, left out of tracebacks.
_OWN_CODE = frozenset(
    (DebuggedApplication.__call__.__code__, DebuggedApplication._iterate.__code__)
)


def _stack(stack: t.Any) -> list[t.Any]:
    """A stack's items, top first."""
    items = []
    node = stack._get(None)
    while node is not None:
        items.append(node[0])
        node = node[1]
    return items


def _pop_preserved(ctx: RequestContext, errors: t.TextIO) -> None:
    """End the request kept for the page; a failing teardown is reported, not raised."""
    try:
        ctx.pop(ctx._preserved_exc)
    except Exception:
        errors.write("Error while tearing down the failed request:\n")
        traceback.print_exc(file=errors)


# -- the page ------------------------------------------------------------------------------------


def render_debug_page(
    exc_info: ExcInfo,
    environ: dict,
    request_contexts: t.Sequence[RequestContext],
    app_contexts: t.Sequence[AppContext],
) -> str:
    """The debug page's HTML; every value shown is escaped."""
    exc = exc_info[1]
    message = _attempt(lambda: str(exc))
    title = f"{type(exc).__name__}: {message}"
    request_ctx = request_contexts[0] if request_contexts else None
    return "".join(
        (
            "<!doctype html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n",
            f"<title>{escape(_short(title))} // flagon debug</title>\n",
            f"<style>{_CSS}</style>\n</head>\n",
            "<body>\n<h1>",
            escape(type(exc).__qualname__),
            "</h1>\n",
            f"<p class=message>{escape(message)}</p>\n",
            "<h2>Traceback <small>(most recent call last)</small></h2>\n",
            _render_exception_chain(exc),
            "<h2>Request</h2>\n",
            _render_request(environ, request_ctx),
            "<h2>Context stacks <small>(top first, at the time of the error)</small></h2>\n",
            _render_contexts(request_contexts, app_contexts),
            "<p class=footer>Shown because debug mode is on and the request came from this"
            " machine. Never run a debug server where others can reach it.</p>\n</body>\n</html>\n",
        )
    )


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CAUSE_NOTE = "The above exception was the direct cause of the following exception:"
_CONTEXT_NOTE = "During handling of the above exception, another exception occurred:"


def _render_exception_chain(exc: BaseException) -> str:
    """Each exception of the chain, the earliest first, as Python prints them."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    note = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, note))
        if current.__cause__ is not None:
            current, note = current.__cause__, _CAUSE_NOTE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, note = current.__context__, _CONTEXT_NOTE
        else:
            current = None
    parts = []
    for error, note in reversed(chain):
        parts.append(_render_traceback(error))
        if note:
            parts.append(f"<p class=chain>{escape(note)}</p>\n")
    return "".join(parts)


def _render_traceback(exc: BaseException) -> str:
    frames = []
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code in _OWN_CODE:
            continue
        filename = frame.f_code.co_filename
        # Frames of flagon and installed packages are dimmed: the user's code stands out.
        library = filename.startswith(_FLAGON_DIR) or any(d in filename for d in _PACKAGE_DIRS)
        frames.append(
            f'<div class="frame{" library" if library else ""}">\n'
            f"<h4>File <cite>{escape(filename)}</cite>, line <em>{lineno}</em>,"
            f" in <code>{escape(frame.f_code.co_name)}</code></h4>\n"
            f"{_render_source(filename, lineno, frame.f_globals)}</div>\n"
        )
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return (
        f"<div class=traceback>\n{''.join(frames)}"
        f"<pre class=exception>{escape(message)}</pre>\n</div>\n"
    )


def _render_source(filename: str, lineno: int, module_globals: dict, context: int = 3) -> str:
    """The lines around ``lineno``, the current one marked."""
    linecache.checkcache(filename)
    first = max(1, lineno - context)
    rows = []
    for number in range(first, lineno + 2):
        line = linecache.getline(filename, number, module_globals)
        if not line:
            continue
        current = ' class="current"' if number == lineno else ""
        rows.append(f"<span{current}><b>{number:>5}</b> {escape(line.rstrip())}</span>")
    if not rows:
        return "<pre class=source><i>source not available</i></pre>\n"
    return "<pre class=source>" + "".join(rows) + "</pre>\n"


def _render_request(environ: dict, ctx: RequestContext | None) -> str:
    request = ctx.request if ctx is not None else None
    if request is None:
        from .wrappers import Request

        request = Request(environ, populate_request=False)
    rows = [
        ("Method", request.method),
        ("URL", _attempt(lambda: request.url)),
        ("Remote address", environ.get("REMOTE_ADDR", "")),
    ]
    if ctx is not None:
        rows.append(("Endpoint", _repr.repr(request.endpoint)))
        rows.append(("View arguments", _repr.repr(request.view_args)))
    parts = [_table(rows)]
    parts.append("<h3>Headers</h3>\n")
    parts.append(_attempt(lambda: _table(list(request.headers.items())), html=True))
    parts.append("<h3>Query arguments</h3>\n")
    parts.append(_attempt(lambda: _table(list(request.args.items(multi=True))), html=True))
    if request.method not in ("GET", "HEAD") or request.content_length:
        parts.append("<h3>Form</h3>\n")
        parts.append(_attempt(lambda: _form_table(request), html=True))
    return "".join(parts)


def _form_table(request: t.Any) -> str:
    rows = [(key, _repr.repr(value)) for key, value in request.form.items(multi=True)]
    rows += [(key, repr(value)) for key, value in request.files.items(multi=True)]
    return _table(rows)


def _render_contexts(
    request_contexts: t.Sequence[RequestContext], app_contexts: t.Sequence[AppContext]
) -> str:
    parts = ["<h3>Request contexts</h3>\n"]
    if not request_contexts:
        parts.append("<p class=empty>empty</p>\n")
    for ctx in request_contexts:
        rows = [("Context", _attempt(partial(repr, ctx))), ("Preserved", str(ctx.preserved))]
        session = ctx._session
        if session is not None:
            rows.append(("Session", _attempt(partial(_mapping_repr, session))))
        if ctx.flashes:
            rows.append(("Flashes", _repr.repr(ctx.flashes)))
        parts.append(_table(rows))
    parts.append("<h3>Application contexts</h3>\n")
    if not app_contexts:
        parts.append("<p class=empty>empty</p>\n")
    for app_ctx in app_contexts:
        rows = [("Context", _attempt(partial(repr, app_ctx))), ("Application", app_ctx.app.name)]
        g = app_ctx.__dict__.get("g")  # never create g just to show it
        if g is not None:
            rows += [
                (f"g.{name}", _attempt(partial(_repr.repr, value)))
                for name, value in vars(g).items()
            ]
        parts.append(_table(rows))
    return "".join(parts)


def _table(rows: t.Sequence[tuple[str, str]]) -> str:
    if not rows:
        return "<p class=empty>none</p>\n"
    body = "".join(
        f"<tr><th>{escape(str(key))}</th><td>{escape(str(value))}</td></tr>\n"
        for key, value in rows
    )
    return f"<table>\n{body}</table>\n"


def _mapping_repr(mapping: t.Mapping[t.Any, t.Any]) -> str:
    return _repr.repr(dict(mapping))


def _attempt(make: t.Callable[[], str], html: bool = False) -> str:
    """``make()``, or a note of why it failed: a broken request must not break the page."""
    try:
        return make()
    except Exception as e:
        note = f"could not be read: {type(e).__name__}: {e}"
        return f"<p class=empty>{escape(note)}</p>\n" if html else note


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em;
       color: #222; }
h1 { color: #a00; margin-bottom: .2em; }
.message { font: 16px monospace; white-space: pre-wrap; background: #fee; padding: .6em; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
small { color: #777; font-weight: normal; }
.frame { margin: .8em 0; }
.frame h4 { margin: 0; font-weight: normal; }
.frame.library { opacity: .55; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; margin: .3em 0; }
pre span { display: block; }
pre .current { background: #ffd; }
pre b { color: #999; font-weight: normal; }
.exception { background: #fee; font-weight: bold; }
.chain { font-style: italic; color: #555; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: .2em .8em .2em 0;
         font-family: monospace; white-space: pre-wrap; word-break: break-all; }
th { color: #555; white-space: nowrap; }
.empty { color: #777; font-style: italic; }
.footer { margin-top: 3em; color: #777; font-size: 12px; }
"""
