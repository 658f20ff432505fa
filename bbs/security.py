"""Response headers that keep browsers strict: no inline scripts, no framing, no sniffing."""

from __future__ import annotations

import typing as t

from flagon import abort, request

from .i18n import gettext

if t.TYPE_CHECKING:
    from flagon import Flagon, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# Browsers remember it for a year: only sent when the site is configured as HTTPS-only.
STRICT_TRANSPORT_SECURITY = ("Strict-Transport-Security", "max-age=31536000")


def _contains_nul(pairs: t.Iterable[tuple[str, t.Any]]) -> bool:
    return any(
        "\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in pairs
    )


def refuse_nul_characters() -> None:
    """A NUL character is never meaningful in a forum request, and PostgreSQL can't store one:
    refuse it (400) in the path, the query string and form fields before any view sees it."""
    if (
        "\x00" in request.path
        or _contains_nul(request.args.items(multi=True))
        or (request.want_form_data_parsed and _contains_nul(request.form.items(multi=True)))
    ):
        abort(400, gettext("The request contains a NUL character."))


def init_app(app: Flagon) -> None:
    headers = HEADERS + ((STRICT_TRANSPORT_SECURITY,) if app.config["HTTPS"] else ())
    app.before_request(refuse_nul_characters)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        return response
