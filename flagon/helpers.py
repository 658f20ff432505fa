"""Functions used inside views: ``url_for``, ``redirect``, ``abort``, ``make_response``…

Each one works on the *current* application, found through the context stacks.
"""

from __future__ import annotations

import importlib
import os
import typing as t
from html import escape
from urllib.parse import quote

from .exceptions import abort as _default_abort
from .flashing import flash as flash
from .flashing import get_flashed_messages as get_flashed_messages
from .globals import _app_ctx_stack, current_app
from .sending import send_file as send_file
from .sending import send_from_directory as send_from_directory
from .streaming import stream_with_context as stream_with_context

if t.TYPE_CHECKING:
    from .wrappers import Response


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """The URL of ``endpoint`` in the current application (see :meth:`Flagon.url_for`)."""
    return current_app.url_for(
        endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
    )


_LOCATION_SAFE = "/:;?#[]@!$&'()*+,=%~"


def _make_redirect(location: str, code: int, response_class: type[Response]) -> Response:
    url = quote(location, safe=_LOCATION_SAFE)
    html_location = escape(location)
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{escape(url)}">{html_location}</a>. If not, click the link.\n'
    )
    response = response_class(body, code, mimetype="text/html")
    response.headers["Location"] = url
    return response


def redirect(location: str, code: int = 302, Response: type[Response] | None = None) -> Response:
    """A response sending the client to ``location`` (302 by default; 301, 303, 307, 308…)."""
    top = _app_ctx_stack.top
    if top is not None and Response is None:
        return top.app.redirect(location, code)
    if Response is None:
        from .wrappers import Response as default_class

        return _make_redirect(location, code, default_class)
    return _make_redirect(location, code, Response)


def abort(code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP error for ``code`` (using the current app's aborter when there is one)."""
    top = _app_ctx_stack.top
    if top is not None:
        top.app.aborter(code, *args, **kwargs)
    _default_abort(code, *args, **kwargs)


def make_response(*args: t.Any) -> Response:
    """Turn view-style return values into a response, to add headers before returning it."""
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        args = args[0]
    return current_app.make_response(args)


def import_string(import_name: str) -> t.Any:
    """Import an object by its dotted path: ``"pkg.module:obj"`` or ``"pkg.module.obj"``."""
    import_name = import_name.replace(":", ".")
    try:
        return importlib.import_module(import_name)
    except ImportError:
        if "." not in import_name:
            raise
    module_name, _, obj_name = import_name.rpartition(".")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, obj_name)
    except AttributeError as e:
        raise ImportError(f"module {module_name!r} has no attribute {obj_name!r}") from e


# -- settings from the environment ----------------------------------------------------------------


def _environ_setting(name: str) -> str | None:
    """The environment's ``FLAGON_<name>``, else ``FLASK_<name>``; an empty value counts as
    unset. Flask's variable names work as fallbacks, the flagon ones win."""
    return os.environ.get(f"FLAGON_{name}") or os.environ.get(f"FLASK_{name}") or None


def get_debug_flag() -> bool:
    """Whether ``FLAGON_DEBUG`` (else ``FLASK_DEBUG``) asks for debug mode: set, and not ``0``,
    ``false`` or ``no``."""
    value = _environ_setting("DEBUG")
    return value is not None and value.lower() not in {"0", "false", "no"}


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load the default dotenv files: ``default``, unless ``FLAGON_SKIP_DOTENV``
    (else ``FLASK_SKIP_DOTENV``) says to skip them (any value but ``0``, ``false``, ``no``)."""
    value = _environ_setting("SKIP_DOTENV")
    if value is None:
        return default
    return value.lower() in {"0", "false", "no"}
