"""What routing raises: redirects the client should follow, URLs that cannot be built.

The classes are Werkzeug's routing exceptions or subclasses of them, so code catching
``werkzeug.routing.BuildError`` or raising ``werkzeug.routing.ValidationError`` from a
converter works unchanged. ``RequestRedirect`` is an HTTP exception, so an application can
return it as the response; ``BuildError`` is a ``LookupError`` that explains which values
were missing and, when the endpoint is unknown, which endpoint was probably meant.
"""

from __future__ import annotations

import difflib
import typing as t
from html import escape

from werkzeug.routing import exceptions as _werkzeug
from werkzeug.routing.converters import ValidationError
from werkzeug.routing.exceptions import RoutingException, WebsocketMismatch

if t.TYPE_CHECKING:
    from ..wrappers.response import HTTPResponse
    from .adapter import MapAdapter
    from .rules import Rule

__all__ = [
    "BuildError",
    "RequestRedirect",
    "RoutingException",
    "ValidationError",
    "WebsocketMismatch",
]


class RequestRedirect(_werkzeug.RequestRedirect):
    """The URL should be spelled differently: ``new_url`` is the absolute canonical URL.

    Raised for a missing trailing slash, merged slashes, a URL that spells a default
    value, an alias, and rules with ``redirect_to``.
    """

    code = 308

    def get_response(self, environ: t.Any = None, scope: dict | None = None) -> HTTPResponse:
        """A redirect response pointing at ``new_url``."""
        from ..wrappers.response import HTTPResponse

        location = escape(self.new_url)
        body = (
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
            "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the"
            f' target URL: <a href="{location}">{location}</a>. If not, click the link.\n'
        )
        return HTTPResponse(body, self.code, [("Location", self.new_url)], mimetype="text/html")


class BuildError(_werkzeug.BuildError):
    """No rule of ``endpoint`` can build a URL from ``values`` (and ``method``).

    The message names what is missing and suggests the endpoint that was probably meant.
    """

    # flagon's own MapAdapter and Rule, not Werkzeug's: other classes with the same API, so the
    # attribute and the two methods below are typed apart from Werkzeug's.
    adapter: MapAdapter | None  # type: ignore[assignment]

    def __init__(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str | None,
        adapter: MapAdapter | None = None,
    ) -> None:
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values = values
        self.method = method
        self.adapter = adapter
        self._suggested: Rule | bool | None = False

    @property
    def suggested(self) -> Rule | None:  # type: ignore[override]
        """The rule the caller most likely meant, or None."""
        if self._suggested is False:
            self._suggested = self.closest_rule(self.adapter)
        return self._suggested  # type: ignore[return-value]

    def closest_rule(self, adapter: MapAdapter | None) -> Rule | None:  # type: ignore[override]
        """The endpoint's own best rule, else the rule whose endpoint name is closest."""
        if adapter is None:
            return None
        rules = adapter.map._rules
        if not rules:
            return None
        given = set(self.values or ())

        def fit(rule: Rule) -> tuple[bool, bool]:
            method_ok = bool(rule.methods and self.method in rule.methods)
            return given.issubset(rule.arguments), method_ok

        same = [rule for rule in rules if rule.endpoint == self.endpoint]
        if same:
            return max(same, key=fit)
        wanted = str(self.endpoint)

        def similarity(rule: Rule) -> float:
            return difflib.SequenceMatcher(None, str(rule.endpoint), wanted).ratio()

        best = max(rules, key=lambda rule: (similarity(rule), fit(rule)))
        # A far-fetched suggestion is worse than none.
        return best if similarity(best) >= 0.6 else None

    def __str__(self) -> str:
        message = [f"Could not build url for endpoint {self.endpoint!r}"]
        if self.method:
            message.append(f" ({self.method!r})")
        if self.values:
            message.append(f" with values {sorted(self.values)!r}")
        message.append(".")
        suggested = self.suggested
        if suggested is None:
            return "".join(message)
        if suggested.endpoint != self.endpoint:
            message.append(f" Did you mean {suggested.endpoint!r} instead?")
            return "".join(message)
        if self.method and suggested.methods is not None and self.method not in suggested.methods:
            message.append(f" Did you mean to use methods {sorted(suggested.methods)!r}?")
        missing = (suggested.arguments | set(suggested.defaults or ())) - set(self.values or ())
        if missing:
            message.append(f" Did you forget to specify values {sorted(missing)!r}?")
        return "".join(message)
