"""Response headers that keep browsers strict: no inline scripts, no framing, no sniffing."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flagon import Flagon, Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# Browsers remember it for a year: only sent when the site is configured as HTTPS-only.
STRICT_TRANSPORT_SECURITY = ("Strict-Transport-Security", "max-age=31536000")


def init_app(app: Flagon) -> None:
    headers = HEADERS + ((STRICT_TRANSPORT_SECURITY,) if app.config["HTTPS"] else ())

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        return response
