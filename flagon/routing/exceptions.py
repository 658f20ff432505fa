"""What routing raises: redirects the client should follow, URLs that cannot be built.

``RequestRedirect`` is an HTTP exception, so an application can return it as the response;
``BuildError`` is a ``LookupError`` that explains which values were missing and, when the
endpoint is unknown, which endpoint was probably meant.
"""

from __future__ import annotations

import difflib
import typing as t
from html import escape

from ..exceptions import BadRequest, HTTPException

if t.TYPE_CHECKING:
    from ..wrappers import Response
    from .adapter import MapAdapter
    from .rules import Rule


class RoutingException(Exception):
    """Base for the exceptions that routing raises to steer a request."""


class ValidationError(ValueError):
    """Raised by a converter's ``to_python`` (the rule does not match, the next is tried)
    or ``to_url`` (the rule cannot build this value, the next rule is tried)."""


class RequestRedirect(HTTPException, RoutingException):
    """The URL should be spelled differently: ``new_url`` is the absolute canonical URL.

    Raised for a missing trailing slash, merged slashes, a URL that spells a default
    value, an alias, and rules with ``redirect_to``.
    """

    code = 308

    def __init__(self, new_url: str) -> None:
        super().__init__(new_url)
        self.new_url = new_url

    def get_response(self, environ: dict | None = None, scope: dict | None = None) -> Response:
        """A redirect response pointing at ``new_url``."""
        from ..wrappers import Response

        location = escape(self.new_url)
        body = (
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
            "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the"
            f' target URL: <a href="{location}">{location}</a>. If not, click the link.\n'
        )
        return Response(body, self.code, [("Location", self.new_url)], mimetype="text/html")


class WebsocketMismatch(BadRequest):
    """The URL only exists for WebSocket requests and this is plain HTTP, or the reverse."""


class BuildError(RoutingException, LookupError):
    """No rule of ``endpoint`` can build a URL from ``values`` (and ``method``).

    The message names what is missing and suggests the endpoint that was probably meant.
    """

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
        self._suggested: Rule | None | bool = False

    @property
    def suggested(self) -> Rule | None:
        """The rule the caller most likely meant, or None."""
        if self._suggested is False:
            self._suggested = self.closest_rule(self.adapter)
        return self._suggested  # type: ignore[return-value]

    def closest_rule(self, adapter: MapAdapter | None) -> Rule | None:
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

