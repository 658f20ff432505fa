"""``Rule``: one URL pattern, its endpoint and options, and how to build its URLs.

A rule is inert until a ``Map`` binds it: binding resolves the map's defaults (strict
slashes, subdomain…), creates the converters and prepares the URL builder. Matching is
the ``Matcher``'s job; it reads what binding prepared here.
"""

from __future__ import annotations

import re
import typing as t

from .exceptions import ValidationError
from .parser import Token, Variable, parse_rule
from .patterns import group_count
from .quoting import encode_query, quote_path

if t.TYPE_CHECKING:
    from .converters import BaseConverter
    from .map import Map

_repeated_slashes = re.compile("/{2,}")

#: One step of a URL builder: literal text, or (variable name, converter.to_url).
BuildStep = str | tuple[str, t.Callable[[t.Any], str]]


class RuleFactory:
    """Something that contributes rules to a map (a rule, or a group of rules)."""

    def get_rules(self, map: Map) -> t.Iterable[Rule]:
        """The rules to add to ``map``."""
        raise NotImplementedError()


class Rule(RuleFactory):
    """One URL pattern: ``Rule('/user/<int:id>', endpoint='user', methods=['GET'])``.

    ``string`` is a path starting with "/" whose ``<converter(args):name>`` parts are
    variables. A rule ending in "/" is a branch: requested without the slash it
    redirects (unless ``strict_slashes`` is False). ``methods`` limits the HTTP methods
    (``HEAD`` comes with ``GET``; None allows any). ``defaults`` supplies view arguments
    the URL does not carry. ``subdomain``/``host`` restrict the rule to a subdomain or,
    with host matching, a host pattern. ``build_only`` rules never match;
    ``redirect_to`` (a rule-like string or a callable) makes the URL redirect;
    ``alias`` rules redirect to the endpoint's canonical rule.
    """

    #: Whether the framework answers OPTIONS for this rule itself.
    provide_automatic_options: bool = False

    def __init__(
        self,
        string: str,
        defaults: t.Mapping[str, t.Any] | None = None,
        subdomain: str | None = None,
        methods: t.Iterable[str] | None = None,
        build_only: bool = False,
        endpoint: t.Any | None = None,
        strict_slashes: bool | None = None,
        merge_slashes: bool | None = None,
        redirect_to: str | t.Callable[..., str] | None = None,
        alias: bool = False,
        host: str | None = None,
        websocket: bool = False,
    ) -> None:
        if not isinstance(string, str) or not string.startswith("/"):
            raise ValueError(f"URL rule {string!r} must start with a slash.")
        self.rule = string
        self.is_leaf = not string.endswith("/")
        self.is_branch = string.endswith("/")
        self.map: Map = None  # type: ignore[assignment]
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.subdomain = subdomain
        self.host = host
        self.defaults = defaults
        self.build_only = build_only
        self.alias = alias
        self.websocket = websocket
        if methods is not None:
            if isinstance(methods, str):
                raise TypeError("'methods' should be a list of strings, not a string.")
            methods = {method.upper() for method in methods}
            if "GET" in methods:
                methods.add("HEAD")
            if websocket and methods - {"GET", "HEAD", "OPTIONS"}:
                raise ValueError(
                    "WebSocket rules can only use 'GET', 'HEAD', and 'OPTIONS' methods."
                )
        self.methods: set[str] | None = methods
        self.endpoint: t.Any = endpoint
        self.redirect_to = redirect_to
        self.arguments: set[str] = set(map(str, defaults)) if defaults else set()
        self._converters: dict[str, BaseConverter] = {}
        self._trace: list[tuple[bool, str]] = []
        self._static_domain: str | None = None
        self._build_path: t.Callable[[t.Mapping[str, t.Any]], str] | None = None
        self._domain_tokens: list[Token] = []
        self._path_tokens: list[Token] = []
        #: Rules of the same endpoint whose URL spells this rule's defaults (set by the map).
        self._default_providers: tuple[Rule, ...] = ()
        #: Whether a match may have to redirect (alias, defaults, redirect_to).
        self._redirects = False

    # -- binding ---------------------------------------------------------------------

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        yield self

    def empty(self) -> Rule:
        """An unbound copy, to add to another map."""
        return type(self)(self.rule, **self.get_empty_kwargs())

    def get_empty_kwargs(self) -> t.Mapping[str, t.Any]:
        """The keyword arguments ``empty()`` passes to the constructor."""
        return dict(
            defaults=dict(self.defaults) if self.defaults is not None else None,
            subdomain=self.subdomain,
            methods=self.methods,
            build_only=self.build_only,
            endpoint=self.endpoint,
            strict_slashes=self.strict_slashes,
            merge_slashes=self.merge_slashes,
            redirect_to=self.redirect_to,
            alias=self.alias,
            host=self.host,
            websocket=self.websocket,
        )

    def bind(self, map: Map, rebind: bool = False) -> None:
        """Attach the rule to ``map`` and compile it with the map's settings."""
        if self.map is not None and not rebind:
            raise RuntimeError(f"url rule {self!r} already bound to map {self.map!r}")
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        self.compile()

    def refresh(self) -> None:
        """Recompile after changing the rule in place."""
        self.bind(self.map, rebind=True)

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[t.Any, ...],
        kwargs: t.Mapping[str, t.Any],
    ) -> BaseConverter:
        """Create the converter for one variable (raises LookupError for unknown names)."""
        converter_class = self.map.converters.get(converter_name)
        if converter_class is None:
            raise LookupError(
                f"the converter {converter_name!r} does not exist"
                f" (used by {variable_name!r} in rule {self.rule!r})"
            )
        try:
            converter = converter_class(self.map, *args, **kwargs)
        except TypeError as error:
            raise ValueError(
                f"invalid arguments for converter {converter_name!r} in rule {self.rule!r}: {error}"
            ) from None
        try:
            group_count(converter.regex)
        except re.error as error:
            raise ValueError(
                f"converter {converter_name!r} in rule {self.rule!r} has an invalid"
                f" regex {converter.regex!r}: {error}"
            ) from None
        return converter

    def compile(self) -> None:
        """Parse the rule and its host/subdomain pattern and prepare the builders."""
        if self.map is None:
            raise RuntimeError(f"rule {self.rule!r} is not bound to a map")
        domain_rule = (self.host if self.map.host_matching else self.subdomain) or ""
        path_rule = self.rule
        if self.merge_slashes:
            path_rule = _repeated_slashes.sub("/", path_rule)
        self._domain_tokens = parse_rule(domain_rule) if domain_rule else []
        self._path_tokens = parse_rule(path_rule)
        self._converters = {}
        for token in (*self._domain_tokens, *self._path_tokens):
            if isinstance(token, Variable):
                if token.name in self._converters:
                    raise ValueError(
                        f"variable name {token.name!r} used twice in rule {self.rule!r}"
                    )
                self._converters[token.name] = self.get_converter(
                    token.name, token.converter, token.args, token.kwargs
                )
        referring = [c for c in self._converters.values() if "(?P=" in c.regex]
        if len(referring) > 1:
            raise ValueError(
                f"rule {self.rule!r}: a converter whose regex refers back to a named group"
                " can only be used once per rule"
            )
        self.arguments = set(map(str, self.defaults or ()))
        self.arguments.update(self._converters)
        self._trace = [*_trace(self._domain_tokens), (False, "|"), *_trace(self._path_tokens)]
        defaults = self.defaults or {}
        self._required = tuple(name for name in self._converters if name not in defaults)
        self._static_domain = _join_static(self._build_steps(self._domain_tokens))
        # Compiled on the first build: many rules are never built.
        self._build_domain: t.Callable[[t.Mapping[str, t.Any]], str] | None = None
        self._build_path = None

    def _compile_builders(self) -> None:
        self._build_domain = _compile_builder(self._build_steps(self._domain_tokens))
        self._build_path = _compile_builder(self._build_steps(self._path_tokens))

    def _build_steps(self, tokens: list[Token]) -> list[BuildStep]:
        defaults = self.defaults or {}
        steps: list[BuildStep] = []
        for token in tokens:
            if isinstance(token, Variable):
                to_url = self._converters[token.name].to_url
                if token.name in defaults:
                    # The value can only ever be the default: resolve it once.
                    steps.append(to_url(defaults[token.name]))
                else:
                    steps.append((token.name, to_url))
            else:
                steps.append(quote_path(token))
        # Merge neighbouring literal text so building does fewer steps.
        merged: list[BuildStep] = []
        for step in steps:
            if isinstance(step, str) and merged and isinstance(merged[-1], str):
                merged[-1] += step
            else:
                merged.append(step)
        return merged

    # -- building --------------------------------------------------------------------

    def suitable_for(self, values: t.Mapping[str, t.Any], method: str | None = None) -> bool:
        """Whether ``values`` (and ``method``) are enough to build this rule.

        A value of None counts as not given.
        """
        if method is not None and self.methods is not None and method not in self.methods:
            return False
        for name in self._required:
            if values.get(name) is None:
                return False
        defaults = self.defaults
        if defaults:
            for name, value in defaults.items():
                given = values.get(name)
                if given is not None and given != value:
                    return False
        return True

    def build(
        self, values: t.Mapping[str, t.Any], append_unknown: bool = True
    ) -> tuple[str, str] | None:
        """``(domain, path_and_query)`` for ``values``, or None if a converter refuses."""
        if self._build_path is None:
            self._compile_builders()
        try:
            domain = self._static_domain
            if domain is None:
                domain = self._build_domain(values)  # type: ignore[misc]
            path = self._build_path(values)  # type: ignore[misc]
        except ValidationError:
            return None
        if append_unknown and len(values) > len(self._required):
            pairs = self._query_pairs(values)
            if pairs:
                path = f"{path}?{encode_query(pairs)}"
        return domain, path

    def _query_pairs(self, values: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:
        """The values that are not arguments, as query pairs (lists repeat the key)."""
        arguments = self.arguments
        pairs: list[tuple[str, t.Any]] = []
        for name, value in values.items():
            if name in arguments or value is None:
                continue
            if isinstance(value, (list, tuple, set)):
                pairs.extend((name, item) for item in value if item is not None)
            else:
                pairs.append((name, value))
        if pairs and self.map.sort_parameters:
            pairs.sort(key=self.map.sort_key)
        return pairs

    def provides_defaults_for(self, rule: Rule) -> bool:
        """Whether this rule is the canonical URL for ``rule``'s default values."""
        return bool(
            not self.build_only
            and self.defaults
            and self.endpoint == rule.endpoint
            and self != rule
            and self.arguments == rule.arguments
        )

    def build_compare_key(self) -> tuple[int, int, int]:
        """Order for building: non-aliases, then more arguments, then more defaults."""
        return (1 if self.alias else 0, -len(self.arguments), -len(self.defaults or ()))

    # -- presentation ----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        if self.map is None or other.map is None:
            return self is other
        return self._trace == other._trace

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.map is None:
            return f"<{name} {self.rule!r} (unbound)>"
        text = "".join(f"<{data}>" if dynamic else data for dynamic, data in self._trace)
        text = text.lstrip("|")
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods is not None else ""
        return f"<{name} {text!r}{methods} -> {self.endpoint}>"


def _trace(tokens: list[Token]) -> list[tuple[bool, str]]:
    return [
        (True, token.name) if isinstance(token, Variable) else (False, token) for token in tokens
    ]


def _join_static(steps: list[BuildStep]) -> str | None:
    """The text the steps always produce, or None when they need values."""
    if all(isinstance(step, str) for step in steps):
        return "".join(steps)  # type: ignore[arg-type]
    return None


def _compile_builder(steps: list[BuildStep]) -> t.Callable[[t.Mapping[str, t.Any]], str]:
    """A function ``values -> text`` doing the steps in one f-string.

    Generated once per rule because URL building is frequent (every ``url_for``).
    Names and texts are passed through the namespace, never pasted into the source.
    """
    namespace: dict[str, t.Any] = {}
    fields = []
    for number, step in enumerate(steps):
        if isinstance(step, str):
            namespace[f"_text{number}"] = step
            fields.append(f"{{_text{number}}}")
        else:
            name, to_url = step
            namespace[f"_name{number}"] = name
            namespace[f"_to_url{number}"] = to_url
            fields.append(f"{{_to_url{number}(values[_name{number}])}}")
    return eval(f"lambda values: f'{''.join(fields)}'", namespace)
