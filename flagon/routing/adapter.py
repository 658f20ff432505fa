"""``MapAdapter``: a map bound to one request (or server name): match and build URLs.

An adapter is created per request, so creating one only stores values: the host, script
root, scheme and query string are read from the environ when something needs them
(host matching, absolute URLs, redirects).
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote, urljoin

from ..datastructures.multidict import iter_multi_items
from ..exceptions import HTTPException, MethodNotAllowed
from ..wsgi import get_host, wsgi_decode
from .environ import (
    normalize_server_name,
    query_from_environ,
    script_root_from_environ,
    subdomain_of,
    url_scheme_from_environ,
)
from .exceptions import BuildError, RequestRedirect
from .matcher import RequestPath
from .quoting import encode_query, quote_path

if t.TYPE_CHECKING:
    from .map import Map
    from .rules import Rule

_variable_re = re.compile(r"<([^>]+)>")
# Reserved characters and existing escapes survive; spaces and non-ASCII are escaped.
_QUERY_STRING_SAFE = "!$&'()*+,/:;=?@%[]~"
# Marks a value still to be read from the environ (None is a valid query_args).
_UNREAD: t.Any = object()


class MapAdapter:
    """Matches request paths to rules and builds URLs for endpoints."""

    __slots__ = (
        "_environ",
        "_query_args",
        "_script_name",
        "_server_name",
        "_url_root",
        "_url_scheme",
        "default_method",
        "map",
        "path_info",
        "subdomain",
        "websocket",
    )

    def __init__(
        self,
        map: Map,
        server_name: str,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> None:
        self.map = map
        self._environ: dict | None = None
        self._server_name: str | None = server_name
        if not script_name.endswith("/"):
            script_name += "/"
        self._script_name: str | None = script_name
        self.subdomain = subdomain
        self._url_scheme: str | None = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self._query_args = query_args
        self._url_root: str | None = None
        self.websocket = url_scheme == "ws" or url_scheme == "wss"

    @property
    def server_name(self) -> str:
        """The host (with a non-default port) URLs are built for."""
        name = self._server_name
        if name is None:
            environ = self._environ
            name = get_host(environ, scheme=self.url_scheme) if environ is not None else ""
            self._server_name = name
        return name

    @server_name.setter
    def server_name(self, value: str) -> None:
        self._server_name = value

    @property
    def script_name(self) -> str:
        """The application's root path, ending with "/"."""
        root = self._script_name
        if root is None:
            root = self._script_name = script_root_from_environ(self._environ or {})
        return root

    @script_name.setter
    def script_name(self, value: str) -> None:
        self._script_name = value if value.endswith("/") else value + "/"
        self._url_root = None

    def _root(self) -> str:
        """``script_name`` percent-encoded for URLs, without the final "/"."""
        root = self._url_root
        if root is None:
            root = self._url_root = quote_path(self.script_name[:-1])
        return root

    @property
    def url_scheme(self) -> str:
        """``http``, ``https``, ``ws`` or ``wss``."""
        scheme = self._url_scheme
        if scheme is None:
            scheme = self._url_scheme = url_scheme_from_environ(self._environ or {})
        return scheme

    @url_scheme.setter
    def url_scheme(self, value: str) -> None:
        self._url_scheme = value

    @property
    def query_args(self) -> t.Mapping[str, t.Any] | str | None:
        """The request's query, kept for redirects."""
        query = self._query_args
        if query is _UNREAD:
            query = self._query_args = query_from_environ(self._environ or {})
        return query

    @query_args.setter
    def query_args(self, value: t.Mapping[str, t.Any] | str | None) -> None:
        self._query_args = value

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
        try:
            rule, values = matcher.match(domain, path_info, method, websocket)
        except RequestPath as redirect:
            url = self.make_redirect_url(quote_path(redirect.path_info), query_args)
            raise RequestRedirect(url) from None
        if rule._redirects:
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
                    built = canonical.build({**values, **(canonical.defaults or {})})
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
            base = f"{self.url_scheme or 'http'}://{netloc}{self._root()}/"
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
            return list(error.valid_methods or ())
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
            return quote(query_args, safe=_QUERY_STRING_SAFE, errors="replace")
        return self.encode_query_args(query_args)

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        domain_part: str | None = None,
    ) -> str:
        """The absolute URL of ``path_info`` (already percent-encoded) on this site."""
        path = f"{self._root()}/{path_info.lstrip('/')}"
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
        # A value of None counts as not given (rules check for that), so a plain dict
        # is used as it is.
        if not values:
            values = {}
        elif type(values) is not dict:
            values = _flatten_values(values)
        rules = map._rules_by_endpoint.get(endpoint)
        built = None
        if rules:
            if method is None:
                built = self._build_with(rules, values, self.default_method, append_unknown)
            if built is None:
                built = self._build_with(rules, values, method, append_unknown)
        if built is None:
            given = {name: value for name, value in values.items() if value is not None}
            raise BuildError(endpoint, given, method, self)
        domain_part, path, websocket = built
        root = self._url_root
        if root is None:
            root = self._root()
        if not force_external and not websocket:
            if map.host_matching:
                if domain_part == self.server_name:
                    return root + path
            elif domain_part == self.subdomain:
                return root + path
        if url_scheme is None:
            url_scheme = self.url_scheme
        secure = url_scheme == "https" or url_scheme == "wss"
        if websocket:
            # Browsers need absolute WebSocket URLs.
            url_scheme = "wss" if secure else "ws"
        elif url_scheme:
            url_scheme = "https" if secure else "http"
        scheme = f"{url_scheme}:" if url_scheme else ""
        return f"{scheme}//{self.get_host(domain_part)}{root}{path}"

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
    return dict(values)


def bind_to_environ(
    map: Map,
    environ: t.Any,
    server_name: str | None = None,
    subdomain: str | None = None,
) -> MapAdapter:
    """An adapter for a WSGI request (an environ, or an object with ``.environ``).

    Without ``server_name`` the request's host is taken as it comes. With it, the
    subdomain is what the host adds in front of it, and a host outside it gets a
    subdomain nothing matches (404). ``Map.bind_to_environ`` is this function; it
    builds the adapter itself because it runs for every request.
    """
    env = environ if type(environ) is dict else getattr(environ, "environ", environ)
    scheme = None  # read from the environ when needed, unless it is a WebSocket upgrade
    if "HTTP_UPGRADE" in env:
        scheme = url_scheme_from_environ(env)
    if map.host_matching:
        if subdomain is not None:
            raise RuntimeError("host matching enabled and a subdomain was provided")
        scheme = scheme or url_scheme_from_environ(env)
        if server_name is None:
            server_name = get_host(env, scheme=scheme)
        else:
            server_name = normalize_server_name(server_name, scheme)
    elif server_name is None:
        if subdomain is None:
            subdomain = ""
    else:
        scheme = scheme or url_scheme_from_environ(env)
        server_name = normalize_server_name(server_name, scheme)
        if subdomain is None:
            subdomain = subdomain_of(get_host(env, scheme=scheme), server_name)
    path_info = env.get("PATH_INFO")
    if path_info is None:
        path_info = "/"
    elif not path_info.isascii():
        path_info = wsgi_decode(path_info)
    adapter = _new_adapter(MapAdapter)
    adapter.map = map
    adapter._environ = env
    adapter._server_name = server_name  # None: read from the environ when needed
    adapter._script_name = None
    adapter.subdomain = subdomain
    adapter._url_scheme = scheme
    adapter.path_info = path_info
    adapter.default_method = env.get("REQUEST_METHOD", "GET")
    adapter._query_args = _UNREAD
    adapter._url_root = None
    adapter.websocket = scheme == "ws" or scheme == "wss"
    return adapter


_new_adapter = MapAdapter.__new__


def match_environ(
    map: Map,
    environ: dict,
    server_name: str | None = None,
    subdomain: str | None = None,
    method: str | None = None,
) -> tuple[Rule, dict[str, t.Any]]:
    """``bind_to_environ(environ, server_name, subdomain).match(return_rule=True)``, without
    building the adapter when the answer needs none.

    Requests to an application without host or subdomain matching (the common setup) are
    matched straight against the compiled rules; redirects, WebSocket upgrades and
    everything else go through a real adapter. ``method`` saves reading the request
    method again when the caller has it (upper-cased). ``Map.match_environ`` is this function.
    """
    matcher = map._matcher
    if (
        matcher is not None
        and server_name is None
        and subdomain is not None
        and not map.host_matching
        and "HTTP_UPGRADE" not in environ
    ):
        path = environ.get("PATH_INFO")
        if path is None:
            path = "/"
        if path.isascii():
            try:
                if method is None:
                    method = environ.get("REQUEST_METHOD", "GET").upper()
                rule, values = matcher.match(subdomain, path, method, False)
            except RequestPath:
                pass  # the redirect needs the adapter to build its URL
            else:
                if not rule._redirects:
                    return rule, values
    return bind_to_environ(map, environ, server_name, subdomain).match(return_rule=True)
