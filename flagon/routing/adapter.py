"""``MapAdapter``: a map bound to one request (or server name): match and build URLs.

An adapter is created per request, so creating one only stores values; the host is
read from the environ only when something needs it (host matching, absolute URLs).
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote, urljoin

from ..exceptions import HTTPException, MethodNotAllowed, NotFound
from .exceptions import BuildError, NoMatch, RequestRedirect, WebsocketMismatch
from .matcher import ANY_METHOD, RequestPath
from .quoting import encode_query, iter_multi_items, quote_path

if t.TYPE_CHECKING:
    from .map import Map
    from .rules import Rule

_variable_re = re.compile(r"<([^>]+)>")
_valid_host = re.compile(r"(?:[a-z0-9._-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]+)?").fullmatch
# Reserved characters and existing escapes survive; spaces and non-ASCII are escaped.
_QUERY_STRING_SAFE = "!$&'()*+,/:;=?@%[]~"


class MapAdapter:
    """Matches request paths to rules and builds URLs for endpoints."""

    __slots__ = (
        "map",
        "_server_name",
        "_environ",
        "script_name",
        "subdomain",
        "url_scheme",
        "path_info",
        "default_method",
        "query_args",
        "websocket",
    )

    def __init__(
        self,
        map: Map,
        server_name: str | None,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        environ: dict | None = None,
    ) -> None:
        self.map = map
        self._server_name = server_name
        self._environ = environ
        if script_name[-1:] != "/":
            script_name += "/"
        self.script_name = script_name
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args
        self.websocket = url_scheme == "ws" or url_scheme == "wss"

    @property
    def server_name(self) -> str:
        """The host (with a non-default port) URLs are built for."""
        name = self._server_name
        if name is None:
            environ = self._environ
            name = host_from_environ(environ, self.url_scheme) if environ is not None else ""
            self._server_name = name
        return name

    @server_name.setter
    def server_name(self, value: str) -> None:
        self._server_name = value

    # -- matching --------------------------------------------------------------------

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, dict[str, t.Any]]:
        """``(endpoint, view_args)`` for the path (``(rule, view_args)`` with
        ``return_rule``).

        Raises ``NotFound``, ``MethodNotAllowed`` (the path exists for other methods),
        or ``RequestRedirect`` when the URL should be spelled differently.
        """
        map = self.map
        matcher = map._matcher
        if matcher is None:
            matcher = map.update()
        if path_info is None:
            path_info = self.path_info
        method = method.upper() if method else self.default_method.upper()
        if websocket is None:
            websocket = self.websocket
        domain = self.subdomain
        if domain is None or map.host_matching:
            domain = self.server_name
        if not websocket:
            # Most requests name a rule without variables: three dict lookups.
            paths = matcher.fast.get(domain)
            if paths is not None:
                methods = paths.get(path_info)
                if methods is not None:
                    rule = methods.get(method) or methods.get(ANY_METHOD)
                    if rule is not None:
                        values = dict(rule.defaults) if rule.defaults else {}
                        return (rule if return_rule else rule.endpoint), values
        if path_info[:1] != "/" or path_info[1:2] == "/":
            path_info = "/" + path_info.lstrip("/") if path_info else ""
        try:
            rule, values = matcher.match(domain, path_info, method, websocket)
        except RequestPath as redirect:
            url = self.make_redirect_url(quote_path(redirect.path_info), query_args)
            raise RequestRedirect(url) from None
        except NoMatch as failure:
            if failure.allowed_methods:
                raise MethodNotAllowed(valid_methods=list(failure.allowed_methods)) from None
            if failure.websocket_mismatch:
                raise WebsocketMismatch() from None
            raise NotFound() from None
        if rule._default_providers or rule.alias or rule.redirect_to is not None:
            self._redirect_if_needed(rule, values, method, query_args)
        if return_rule:
            return rule, values
        return rule.endpoint, values

    def _redirect_if_needed(
        self,
        rule: Rule,
        values: dict[str, t.Any],
        method: str,
        query_args: t.Mapping[str, t.Any] | str | None,
    ) -> None:
        if self.map.redirect_defaults:
            if rule.alias:
                url = self.build(
                    rule.endpoint, values, method, append_unknown=False, force_external=True
                )
                query = self._query_string(query_args)
                raise RequestRedirect(f"{url}?{query}" if query else url)
            for canonical in rule._default_providers:
                if canonical.suitable_for(values, method):
                    built = canonical.build({**values, **canonical.defaults})  # type: ignore[arg-type]
                    if built is not None:
                        domain_part, path = built
                        url = self.make_redirect_url(path, query_args, domain_part)
                        raise RequestRedirect(url)
        if rule.redirect_to is not None:
            if isinstance(rule.redirect_to, str):

                def substitute(found: re.Match[str]) -> str:
                    name = found.group(1)
                    return rule._converters[name].to_url(values[name])

                target = _variable_re.sub(substitute, rule.redirect_to)
            else:
                target = rule.redirect_to(self, **values)
            if self.subdomain:
                netloc = f"{self.subdomain}.{self.server_name}"
            else:
                netloc = self.server_name
            base = f"{self.url_scheme or 'http'}://{netloc}{self.script_name}"
            raise RequestRedirect(urljoin(base, target))

    def test(self, path_info: str | None = None, method: str | None = None) -> bool:
        """Whether the path matches a rule (a redirect counts as a match)."""
        try:
            self.match(path_info, method)
        except RequestRedirect:
            pass
        except HTTPException:
            return False
        return True

    def allowed_methods(self, path_info: str | None = None) -> list[str]:
        """The methods the path accepts (what an OPTIONS response lists)."""
        try:
            self.match(path_info, method="--")
        except MethodNotAllowed as error:
            return error.valid_methods or []
        except HTTPException:
            pass
        return []

    def dispatch(
        self,
        view_func: t.Callable[[t.Any, dict[str, t.Any]], t.Any],
        path_info: str | None = None,
        method: str | None = None,
        catch_http_exceptions: bool = False,
    ) -> t.Any:
        """Match, then call ``view_func(endpoint, view_args)`` and return its result."""
        try:
            try:
                endpoint, values = self.match(path_info, method)
            except RequestRedirect as redirect:
                return redirect
            return view_func(endpoint, values)
        except HTTPException as error:
            if catch_http_exceptions:
                return error
            raise

    # -- URLs ------------------------------------------------------------------------

    def get_host(self, domain_part: str | None) -> str:
        """The full host for a subdomain (or, with host matching, a host)."""
        if self.map.host_matching:
            return self.server_name if domain_part is None else domain_part
        subdomain = self.subdomain if domain_part is None else domain_part
        return f"{subdomain}.{self.server_name}" if subdomain else self.server_name

    def encode_query_args(self, query_args: t.Mapping[str, t.Any] | str) -> str:
        """A query string for a mapping (strings are returned unchanged)."""
        if isinstance(query_args, str):
            return query_args
        return encode_query(iter_multi_items(query_args))

    def _query_string(self, query_args: t.Mapping[str, t.Any] | str | None) -> str:
        if query_args is None:
            query_args = self.query_args
        if not query_args:
            return ""
        if isinstance(query_args, str):
            return quote(query_args, safe=_QUERY_STRING_SAFE)
        return self.encode_query_args(query_args)

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        domain_part: str | None = None,
    ) -> str:
        """The absolute URL of ``path_info`` (already percent-encoded) on this site."""
        root = self.script_name.strip("/")
        path = path_info.lstrip("/")
        path = f"/{root}/{path}" if root else f"/{path}"
        query = self._query_string(query_args)
        url = f"{self.url_scheme or 'http'}://{self.get_host(domain_part)}{path}"
        return f"{url}?{query}" if query else url

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """The URL for ``endpoint`` with ``values`` filled in.

        Values that are not rule arguments go to the query string (lists and MultiDict
        values repeat the key; None is left out). The URL is relative unless
        ``force_external`` or the rule lives on another subdomain or host. Raises
        ``BuildError`` when no rule of the endpoint can use the values.
        """
        map = self.map
        if map._matcher is None:
            map.update()
        if not values:
            values = {}
        elif type(values) is dict:
            values = {name: value for name, value in values.items() if value is not None}
        else:
            values = _flatten_values(values)
        rules = map._rules_by_endpoint.get(endpoint)
        built = None
        if rules:
            if method is None:
                built = self._build_with(rules, values, self.default_method, append_unknown)
            if built is None:
                built = self._build_with(rules, values, method, append_unknown)
        if built is None:
            raise BuildError(endpoint, values, method, self)
        domain_part, path, websocket = built
        if url_scheme is None:
            url_scheme = self.url_scheme
        if websocket:
            force_external = True
            url_scheme = "wss" if url_scheme in ("https", "wss") else "ws"
        if not force_external:
            if map.host_matching:
                if domain_part == self.server_name:
                    return self.script_name[:-1] + path
            elif domain_part == self.subdomain:
                return self.script_name[:-1] + path
        if url_scheme and not websocket:
            url_scheme = "https" if url_scheme in ("https", "wss") else "http"
        scheme = f"{url_scheme}:" if url_scheme else ""
        return f"{scheme}//{self.get_host(domain_part)}{self.script_name[:-1]}{path}"

    def _build_with(
        self,
        rules: list[Rule],
        values: dict[str, t.Any],
        method: str | None,
        append_unknown: bool,
    ) -> tuple[str, str, bool] | None:
        first = None
        for rule in rules:
            if rule.suitable_for(values, method):
                built = rule.build(values, append_unknown)
                if built is None:
                    continue
                if not self.map.host_matching or built[0] == self.server_name:
                    return built[0], built[1], rule.websocket
                if first is None:
                    # Prefer a rule on the current host; else the first that builds.
                    first = built[0], built[1], rule.websocket
        return first

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.url_scheme}://{self.get_host(None)}"
            f"{self.script_name} {self.default_method} {self.path_info!r}>"
        )


def _flatten_values(values: t.Any) -> dict[str, t.Any]:
    """A MultiDict or mapping as a plain dict: one value, or a list when repeated."""
    if hasattr(values, "getlist") and hasattr(values, "lists"):
        flat = {}
        for name, items in values.lists():
            items = [item for item in items if item is not None]
            if items:
                flat[name] = items[0] if len(items) == 1 else items
        return flat
    return {name: value for name, value in values.items() if value is not None}


def wsgi_decode(value: str) -> str:
    """A WSGI string (bytes as latin-1) read as UTF-8; invalid bytes become U+FFFD."""
    try:
        return value.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # not a WSGI string: already text
        return value


def host_from_environ(environ: dict, scheme: str) -> str:
    """The request's ``host[:port]`` (lower-case, default port dropped), or "" if invalid."""
    host = environ.get("HTTP_HOST")
    if host is None:
        name = environ.get("SERVER_NAME")
        port = environ.get("SERVER_PORT")
        if not name or not port:
            return ""
        if ":" in name and name[0] != "[":
            name = f"[{name}]"
        host = f"{name}:{port}"
    host = host.strip().lower()
    if scheme == "http" or scheme == "ws":
        host = host.removesuffix(":80")
    elif scheme == "https" or scheme == "wss":
        host = host.removesuffix(":443")
    return host if _valid_host(host) else ""
