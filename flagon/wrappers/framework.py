"""The application's ``Request`` and ``Response``: the HTTP ones plus what the framework adds,
as ``flask.wrappers`` adds to Werkzeug's: what routing matched, size limits from the current
app's config, and the app's JSON provider; and ``send_text``, the request pipeline's way of
sending a text response without making the object."""

from __future__ import annotations

import typing as t

from .. import json as flagon_json
from ..globals import _app_ctx_stack
from .request import HTTPRequest
from .response import (
    _STATUS_LINES,
    HTTPResponse,
    _content_type_cache,
    _parse_status,
    get_content_type,
)

if t.TYPE_CHECKING:
    from ..routing import Rule

_missing = object()


def _config_limit(name: str, default: int | None) -> int | None:
    top = _app_ctx_stack.top
    if top is None:
        return default
    return top.app.config.get(name, default)


class Request(HTTPRequest):
    """The request object of an application (``flagon.request``).

    Size limits default to the current app's ``MAX_CONTENT_LENGTH``, ``MAX_FORM_MEMORY_SIZE`` and
    ``MAX_FORM_PARTS``; assign to ``request.max_content_length`` (etc.) to change them for one request.
    """

    json_module: t.Any = flagon_json
    #: Set when the request context matches the URL.
    url_rule: Rule | None = None
    view_args: dict[str, t.Any] | None = None
    routing_exception: Exception | None = None

    # -- limits ----------------------------------------------------------------------------------

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted (413 beyond it); ``None`` for no limit."""
        value = self.__dict__.get("_max_content_length", _missing)
        return _config_limit("MAX_CONTENT_LENGTH", None) if value is _missing else value

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self.__dict__["_max_content_length"] = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field accepted in memory."""
        value = self.__dict__.get("_max_form_memory_size", _missing)
        return _config_limit("MAX_FORM_MEMORY_SIZE", 500_000) if value is _missing else value

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self.__dict__["_max_form_memory_size"] = value

    @property
    def max_form_parts(self) -> int | None:
        """The largest number of multipart parts accepted."""
        value = self.__dict__.get("_max_form_parts", _missing)
        return _config_limit("MAX_FORM_PARTS", 1000) if value is _missing else value

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self.__dict__["_max_form_parts"] = value

    # -- routing -----------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        """The endpoint that matched, or ``None``."""
        rule = self.url_rule
        return rule.endpoint if rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint whose route matched, or ``None``."""
        rule = self.url_rule
        return None if rule is None else _scopes_of(rule.endpoint)[0]

    @property
    def blueprints(self) -> list[str]:
        """The matched blueprint and its parents, innermost first."""
        return list(t.cast("tuple[str, ...]", self._scopes[:-1]))  # the last is the app's None

    @property
    def _scopes(self) -> tuple[str | None, ...]:
        """Where hooks and handlers for this request are registered, innermost first: the
        blueprints, then ``None`` for the app."""
        rule = self.url_rule
        return _APP_ONLY if rule is None else _scopes_of(rule.endpoint)[1]


_APP_ONLY: tuple[str | None, ...] = (None,)
# endpoint -> (its blueprint, the hook scopes innermost first): endpoints are few and fixed, so
# each is split once rather than on every request that consults its blueprints.
_endpoint_scopes: dict[str, tuple[str | None, tuple[str | None, ...]]] = {}


def _scopes_of(endpoint: str) -> tuple[str | None, tuple[str | None, ...]]:
    found = _endpoint_scopes.get(endpoint)
    if found is None:
        if "." not in endpoint:
            found = (None, _APP_ONLY)
        else:
            name = endpoint.rpartition(".")[0]
            parts = name.split(".")
            chain = tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))
            found = (name, (*chain, None))
        _endpoint_scopes[endpoint] = found
    return found


class Response(HTTPResponse):
    """The response class of an application (``app.response_class``)."""

    json_module: t.Any = flagon_json

    @property
    def max_cookie_size(self) -> int:
        """Browsers drop cookies larger than this; ``set_cookie`` warns beyond it.

        The current app's ``MAX_COOKIE_SIZE`` (4093 outside an app); 0 turns the warning off.
        """
        value = self.__dict__.get("_max_cookie_size")
        if value is not None:
            return value
        return _config_limit("MAX_COOKIE_SIZE", 4093) or 0

    @max_cookie_size.setter
    def max_cookie_size(self, value: int) -> None:
        self.__dict__["_max_cookie_size"] = value


def send_text(
    text: str,
    environ: dict,
    start_response: t.Callable,
    extra_headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    """Send ``text`` exactly as ``Response(text)(environ, start_response)`` would, with
    ``extra_headers`` added after its own as ``response.headers.add`` would add them.

    For the request pipeline, when the app's response class is this :class:`Response` and
    nothing else would ever see the response object.
    """
    cls = Response
    status = cls.default_status
    status_line = _STATUS_LINES[status] if status == 200 else _parse_status(status)[0]
    charset = cls.charset
    data = text.encode(charset)
    mimetype = cls.default_mimetype
    headers = []
    if mimetype:
        content_type = _content_type_cache.get((mimetype, charset))
        if content_type is None:
            content_type = get_content_type(mimetype, charset)
        headers.append(("Content-Type", content_type))
    if cls.automatically_set_content_length:
        headers.append(("Content-Length", str(len(data))))
    if extra_headers:
        headers.extend(extra_headers)
    start_response(status_line, headers)
    if environ.get("REQUEST_METHOD") == "HEAD" or status < 200 or status in (204, 304):
        return []
    return [data]
