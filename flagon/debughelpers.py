"""Flask's ``flask.debughelpers`` names, for code that imports them.

flagon's debug aids live where they happen: a missing template's error names the folders
searched, ``EXPLAIN_TEMPLATE_LOADING`` logs every loader tried, and the debug page shows the
traceback. The exception classes are here so that ``except`` clauses naming them keep working;
flagon doesn't raise them.
"""

from __future__ import annotations

import typing as t

from .templating import _explain

if t.TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .app import Flagon
    from .scaffold import Scaffold


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Flask's error for unexpected text or binary data, kept for ``except`` clauses."""


class DebugFilesKeyError(KeyError, AssertionError):
    """Flask raises it in debug mode for ``request.files`` of a form that wasn't sent as
    ``multipart/form-data``. In flagon that is the usual ``BadRequestKeyError`` (a 400)."""


class FormDataRoutingRedirect(AssertionError):
    """Flask raises it in debug mode when a redirect to the URL with a slash would drop a form
    body. flagon redirects with 308, which keeps the body."""


def explain_template_loading_attempts(
    app: Flagon,
    template: str,
    attempts: list[tuple[BaseLoader, Scaffold, tuple[str, str | None, t.Any] | None]],
) -> None:
    """Log, as ``EXPLAIN_TEMPLATE_LOADING`` does, how ``template`` was looked for: ``attempts``
    are ``(loader, app_or_blueprint, get_source() result or None)``."""
    report = [(owner, loader, source) for loader, owner, source in attempts]
    app.logger.info(_explain(app, template, report))
