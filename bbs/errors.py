"""Error pages in the site's layout: 400, 403, 404, 405, 413, 429, 500 and the rest; 503 when the
database is unreachable (see :mod:`bbs.outage`)."""

from __future__ import annotations

import typing as t

from jinja2 import Template, TemplateNotFound

from flagon import render_template
from flagon.exceptions import HTTPException, InternalServerError, SecurityError

from . import outage
from .db import EXTENSION_KEY as DATABASE_KEY
from .db import db

if t.TYPE_CHECKING:
    from flagon import Flagon

# Shown when even the error page fails (the database is down, say): no template, no session.
BARE_500 = (
    "<!doctype html><title>Server error</title><h1>Something went wrong</h1>"
    "<p>The error has been logged. Please try again later.</p>"
)
# For a request naming a host the site doesn't serve (TRUSTED_HOSTS): no page of the site can
# be built for it, since every link would name that host.
BARE_UNKNOWN_HOST = (
    "<!doctype html><title>Unknown host</title><h1>Bad request</h1>"
    "<p>This server does not serve that host name.</p>"
)


def http_error(error: HTTPException) -> t.Any:
    """Render ``errors/<code>.html`` (or ``errors/error.html``) with the error's status."""
    if isinstance(error, SecurityError):
        return BARE_UNKNOWN_HOST, 400, {"Content-Type": "text/html; charset=utf-8"}
    names: list[str | Template] = [f"errors/{error.code}.html", "errors/error.html"]
    try:
        # A view's own words (abort(403, "…")) replace the page's general ones.
        own = error.description if error.description != type(error).description else None
        body = render_template(names, error=error, own_message=own)
    except TemplateNotFound:
        return error
    except outage.OUTAGE_ERRORS as unreachable:  # the layout reads the user from the database
        return outage.unavailable(unreachable)
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, error.code, headers


def server_error(error: InternalServerError) -> t.Any:
    """The 500 page; the failed transaction is rolled back first, so the page can still
    read the logged-in user."""
    try:
        db.session.rollback()
        return render_template("errors/500.html", error=error), 500
    except outage.OUTAGE_ERRORS as unreachable:
        return outage.unavailable(unreachable)
    except Exception:
        return BARE_500, 500


def init_app(app: Flagon) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    outage.init_app(app, app.extensions[DATABASE_KEY].engine)
