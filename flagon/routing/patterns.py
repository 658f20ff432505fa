"""Regular expressions for rules with variables, and the functions reading their matches.

Rules that match exactly the same URLs share a ``Pattern``; a ``Bucket`` joins its
patterns into one alternation regex whose ``lastindex`` names the pattern that matched.
For every rule a small function is generated that turns a match into the view arguments
in one call (converters applied, defaults added), which is much faster than a generic
loop over the groups.
"""

from __future__ import annotations

import re
import typing as t

from .converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    UnicodeConverter,
    UUIDConverter,
)
from .exceptions import ValidationError
from .parser import Variable
from .priority import NO_SLASH_BEFORE

if t.TYPE_CHECKING:
    from .rules import Rule

#: Reads the view arguments from a path match and a domain match (or None).
Extractor = t.Callable[[re.Match[str], t.Optional[re.Match[str]]], dict[str, t.Any]]
#: What a pattern or bucket tries for a match: (rule, variant kind, extractor).
Entry = tuple["Rule", int, Extractor]

# Converters whose regex cannot match "/"; values of other part-isolating converters are
# checked, since a custom regex may cross a slash its segment must not contain.
_SLASHLESS_CONVERTERS = (
    UnicodeConverter,
    AnyConverter,
    IntegerConverter,
    FloatConverter,
    UUIDConverter,
)

_group_counts: dict[str, int] = {}


def compile_regex(source: str) -> re.Pattern[str]:
    """Compile a pattern; "." also matches a newline (paths may contain ``%0A``)."""
    return re.compile(source, re.DOTALL)


def regex_source(tokens: list[t.Any], rule: Rule) -> tuple[str, tuple[int, ...]]:
    """The anchored regex for ``tokens`` and the group number of each variable."""
    source = []
    groups = []
    next_group = 1
    for token in tokens:
        if isinstance(token, Variable):
            regex = rule._converters[token.name].regex
            inner = _group_counts.get(regex)
            if inner is None:
                inner = _group_counts[regex] = re.compile(regex).groups
            source.append(f"({regex})")
            groups.append(next_group)
            next_group += 1 + inner
        elif token is NO_SLASH_BEFORE:
            source.append("(?<!/)")
        else:
            source.append(re.escape(token))
    source.append(r"\Z")
    return "".join(source), tuple(groups)


def _without_slash(text: str) -> str:
    if "/" in text:
        raise ValidationError()
    return text


def make_extractor(
    rule: Rule,
    path_groups: tuple[int, ...],
    domain_groups: tuple[int, ...],
    offset: int = 0,
) -> Extractor:
    """A function ``(match, domain_match) -> view_args`` for ``rule``.

    ``offset`` shifts the path groups, for a pattern inside a bucket's joined regex.
    """
    namespace: dict[str, t.Any] = {"_without_slash": _without_slash}
    items = []
    domain_names = [token.name for token in rule._domain_tokens if isinstance(token, Variable)]
    path_names = [token.name for token in rule._path_tokens if isinstance(token, Variable)]
    reads = [(name, f"d[{group}]") for name, group in zip(domain_names, domain_groups)]
    reads += [(name, f"m[{group + offset}]") for name, group in zip(path_names, path_groups)]
    for number, (name, read) in enumerate(reads):
        converter = rule._converters[name]
        if converter.part_isolating and not isinstance(converter, _SLASHLESS_CONVERTERS):
            read = f"_without_slash({read})"
        if type(converter).to_python is not BaseConverter.to_python:
            namespace[f"_convert{number}"] = converter.to_python
            read = f"_convert{number}({read})"
        items.append(f"{name!r}: {read}")
    if rule.defaults:
        namespace["_defaults"] = rule.defaults
        items.append("**_defaults")
    # Names are identifiers (the rule parser guarantees it); everything else is passed
    # through the namespace, never pasted into the source.
    return eval(f"lambda m, d: {{{', '.join(items)}}}", namespace)  # noqa: S307


class Pattern:
    """A path regex (and domain regex) with the rules it serves, in priority order."""

    __slots__ = ("source", "match", "size", "groups", "domain_source", "domain_match",
                 "domain_groups", "entries")

    def __init__(
        self,
        source: str,
        groups: tuple[int, ...],
        domain_source: str | None,
        domain_groups: tuple[int, ...],
    ) -> None:
        compiled = compile_regex(source)
        self.source = source
        self.match = compiled.match
        self.size = compiled.groups
        self.groups = groups
        self.domain_source = domain_source
        self.domain_match = compile_regex(domain_source).match if domain_source else None
        self.domain_groups = domain_groups
        #: entries reading this pattern's own match
        self.entries: list[Entry] = []


class Bucket:
    """The patterns a (domain, first segment) pair can match, joined into one regex."""

    __slots__ = ("match", "patterns", "positions")

    def __init__(self, patterns: list[tuple[Pattern, list[tuple[Rule, int]]]]) -> None:
        #: (pattern, entries reading the joined regex's match)
        self.patterns: list[tuple[Pattern, list[Entry]]] = []
        #: group number in the joined regex -> index in ``patterns``
        self.positions: list[int] = [0]
        alternatives = []
        for position, (pattern, rules) in enumerate(patterns):
            offset = len(self.positions)
            alternatives.append(f"({pattern.source})")
            joined = []
            for rule, kind in rules:
                pattern.entries.append(
                    (rule, kind, make_extractor(rule, pattern.groups, pattern.domain_groups))
                )
                extract = make_extractor(rule, pattern.groups, pattern.domain_groups, offset)
                joined.append((rule, kind, extract))
            self.patterns.append((pattern, joined))
            self.positions.extend([position] * (pattern.size + 1))
        self.match: t.Callable[[str], re.Match[str] | None] | None = None
        if alternatives:
            try:
                self.match = compile_regex("|".join(alternatives)).match
            except re.error:  # e.g. converters with clashing group names: go one by one
                self.match = None

