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

from .adapter import MapAdapter, bind_to_environ, match_environ
from .converters import DEFAULT_CONVERTERS
from .environ import normalize_server_name
from .matcher import Matcher

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
                        rule._redirects = bool(
                            rule._default_providers or rule.alias or rule.redirect_to is not None
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
            normalize_server_name(server_name),
            "/" if script_name is None else script_name,
            subdomain,
            url_scheme,
            "/" if path_info is None else path_info,
            default_method,
            query_args,
        )

    #: ``bind_to_environ(environ, server_name=None, subdomain=None)``: an adapter for a
    #: WSGI request (see ``adapter.bind_to_environ``).
    bind_to_environ = bind_to_environ
    #: ``match_environ(environ, server_name=None, subdomain=None)``: the matched
    #: ``(rule, view_args)`` for a WSGI request, as its adapter's ``match`` would give.
    match_environ = match_environ

    def __repr__(self) -> str:
        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"
