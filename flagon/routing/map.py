"""``Map``: the rules of an application and the settings they share.

Adding a rule only records it; the lookup tables are compiled on the first match or
build after a change. ``bind`` and ``bind_to_environ`` return a ``MapAdapter`` for one
request or one server name; binding to a WSGI environ does no work beyond reading it.
"""

from __future__ import annotations

import threading
import typing as t
from pprint import pformat
from types import MappingProxyType

from ..exceptions import BadHost
from .adapter import MapAdapter, host_from_environ, wsgi_decode
from .converters import DEFAULT_CONVERTERS
from .matcher import INVALID_SUBDOMAIN, Matcher

if t.TYPE_CHECKING:
    from .converters import BaseConverter
    from .rules import Rule, RuleFactory


class Map:
    """All URL rules of an application.

    ``default_subdomain`` applies to rules without one; ``strict_slashes`` makes a
    branch URL requested without its trailing slash redirect; ``merge_slashes``
    redirects "//" to "/"; ``redirect_defaults`` redirects a URL that spells a default
    to the canonical one; ``converters`` adds or replaces converters by name;
    ``sort_parameters``/``sort_key`` order built query strings; ``host_matching``
    matches rules' ``host`` against the whole host instead of subdomains.
    """

    #: The converters every map starts with.
    default_converters: t.Mapping[str, type[BaseConverter]] = MappingProxyType(
        dict(DEFAULT_CONVERTERS)
    )
    #: The lock guarding compilation.
    lock_class = threading.Lock

    def __init__(
        self,
        rules: t.Iterable[RuleFactory] | None = None,
        default_subdomain: str = "",
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        converters: t.Mapping[str, type[BaseConverter]] | None = None,
        sort_parameters: bool = False,
        sort_key: t.Callable[[t.Any], t.Any] | None = None,
        host_matching: bool = False,
    ) -> None:
        self._rules: list[Rule] = []
        self._rules_by_endpoint: dict[t.Any, list[Rule]] = {}
        self._matcher: Matcher | None = None
        self._lock = self.lock_class()
        self._merge_slashes = merge_slashes
        self.default_subdomain = default_subdomain
        self.strict_slashes = strict_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        for rulefactory in rules or ():
            self.add(rulefactory)

    @property
    def merge_slashes(self) -> bool:
        """Whether "//" in a request path redirects to "/"."""
        return self._merge_slashes

    @merge_slashes.setter
    def merge_slashes(self, value: bool) -> None:
        self._merge_slashes = value
        self._matcher = None

    def add(self, rulefactory: RuleFactory) -> None:
        """Bind and add a rule (or every rule of a factory)."""
        for rule in rulefactory.get_rules(self):
            rule.bind(self)
            self._rules.append(rule)
            self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        self._matcher = None

    def iter_rules(self, endpoint: t.Any | None = None) -> t.Iterator[Rule]:
        """All rules, or the rules of one endpoint in the order building tries them."""
        self.update()
        if endpoint is not None:
            return iter(self._rules_by_endpoint[endpoint])
        return iter(self._rules)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether some rule of ``endpoint`` takes all of ``arguments``."""
        self.update()
        wanted = set(arguments)
        return any(wanted <= rule.arguments for rule in self._rules_by_endpoint[endpoint])

    def update(self) -> Matcher:
        """Compile the rules if they changed since the last call; returns the matcher."""
        matcher = self._matcher
        if matcher is not None:
            return matcher
        with self._lock:
            if self._matcher is None:
                for rules in self._rules_by_endpoint.values():
                    rules.sort(key=lambda rule: rule.build_compare_key())
                    for position, rule in enumerate(rules):
                        rule._default_providers = tuple(
                            other for other in rules[:position] if other.provides_defaults_for(rule)
                        )
                self._matcher = Matcher(self._rules, self._merge_slashes)
            return self._matcher

    def bind(
        self,
        server_name: str,
        script_name: str | None = None,
        subdomain: str | None = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: str | None = None,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> MapAdapter:
        """An adapter for ``server_name`` (needed for absolute URLs in redirects)."""
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError("host matching enabled and a subdomain was provided")
        elif subdomain is None:
            subdomain = self.default_subdomain
        return MapAdapter(
            self,
            _normalize_server_name(server_name),
            "/" if script_name is None else script_name,
            subdomain,
            url_scheme,
            "/" if path_info is None else path_info,
            default_method,
            query_args,
        )

    def bind_to_environ(
        self,
        environ: t.Any,
        server_name: str | None = None,
        subdomain: str | None = None,
    ) -> MapAdapter:
        """An adapter for a WSGI request (an environ, or an object with ``.environ``).

        With ``server_name`` the subdomain is what the request's host adds in front of
        it; a host outside ``server_name`` gets a subdomain nothing matches (404).
        """
        env = environ if type(environ) is dict else getattr(environ, "environ", environ)
        scheme = env.get("wsgi.url_scheme", "http")
        upgrade = env.get("HTTP_UPGRADE")
        if upgrade is not None and _is_websocket_upgrade(env, upgrade):
            scheme = "wss" if scheme == "https" else "ws"
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError("host matching enabled and a subdomain was provided")
            if server_name is None:
                server_name = host_from_environ(env, scheme)
            else:
                server_name = _strip_default_port(_normalize_server_name(server_name), scheme)
        elif server_name is None:
            if subdomain is None:
                subdomain = ""
        else:
            server_name = _strip_default_port(_normalize_server_name(server_name), scheme)
            if subdomain is None:
                subdomain = _subdomain_of(host_from_environ(env, scheme), server_name)
        script_name = env.get("SCRIPT_NAME") or "/"
        if not script_name.isascii():
            script_name = wsgi_decode(script_name)
        path_info = env.get("PATH_INFO")
        if path_info is None:
            path_info = "/"
        elif not path_info.isascii():
            path_info = wsgi_decode(path_info)
        query = env.get("QUERY_STRING")
        if query is not None and not query.isascii():
            query = wsgi_decode(query)
        return MapAdapter(
            self,
            server_name,  # type: ignore[arg-type]  # None: read from the environ when needed
            script_name,
            subdomain,
            scheme,
            path_info,
            env.get("REQUEST_METHOD", "GET"),
            query,
            env,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"


def _normalize_server_name(server_name: str) -> str:
    """Lower-case, with an international name in its ASCII (IDNA) form."""
    server_name = server_name.lower()
    if server_name.isascii():
        return server_name
    name, colon, port = server_name.partition(":")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise BadHost() from error
    return f"{name}{colon}{port}"


def _strip_default_port(server_name: str, scheme: str) -> str:
    if scheme in ("http", "ws"):
        return server_name.removesuffix(":80")
    if scheme in ("https", "wss"):
        return server_name.removesuffix(":443")
    return server_name


def _subdomain_of(host: str, server_name: str) -> str:
    if host == server_name:
        return ""
    if host.endswith("." + server_name):
        return host[: -len(server_name) - 1].strip(".")
    return INVALID_SUBDOMAIN


def _is_websocket_upgrade(env: dict, upgrade: str) -> bool:
    if upgrade.strip().lower() != "websocket":
        return False
    connection = env.get("HTTP_CONNECTION", "").lower()
    return any(token.strip() == "upgrade" for token in connection.split(","))
