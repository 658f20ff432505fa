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
from .priority import EXACT, NO_SLASH_BEFORE

if t.TYPE_CHECKING:
    from .rules import Rule

#: Reads the view arguments from a path match and a domain match (or None).
Extractor = t.Callable[[re.Match[str], re.Match[str] | None], dict[str, t.Any]]
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


def group_count(regex: str) -> int:
    """How many groups ``regex`` has (raises ``re.error`` when it is invalid)."""
    count = _group_counts.get(regex)
    if count is None:
        count = _group_counts[regex] = re.compile(regex).groups
    return count


_group_name = re.compile(r"(?<!\\)\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


def _without_group_names(regex: str) -> str:
    """``regex`` with its named groups made anonymous, so that two converters using the
    same group name can sit in one pattern (unless it refers back to a name)."""
    if "(?P<" not in regex or "(?P=" in regex:
        return regex
    return _group_name.sub("(", regex)


def regex_source(tokens: list[t.Any], rule: Rule) -> tuple[str, tuple[int, ...]]:
    """The anchored regex for ``tokens`` and the group number of each variable."""
    source = []
    groups = []
    next_group = 1
    for token in tokens:
        if isinstance(token, Variable):
            regex = rule._converters[token.name].regex
            source.append(f"({_without_group_names(regex)})")
            groups.append(next_group)
            next_group += 1 + group_count(regex)
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
    reads = [(name, f"d[{group}]") for name, group in zip(domain_names, domain_groups, strict=True)]
    reads += [
        (name, f"m[{group + offset}]") for name, group in zip(path_names, path_groups, strict=True)
    ]
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
    return eval(f"lambda m, d: {{{', '.join(items)}}}", namespace)


class Pattern:
    """A path regex (and domain regex) with the rules it serves, in priority order."""

    __slots__ = (
        "_entries",
        "domain_groups",
        "domain_match",
        "domain_source",
        "groups",
        "match",
        "rules",
        "size",
        "source",
    )

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
        #: the rules sharing the pattern: (rule, variant kind)
        self.rules: list[tuple[Rule, int]] = []
        self._entries: list[Entry] | None = None

    @property
    def entries(self) -> list[Entry]:
        """Entries reading this pattern's own match (made when first needed)."""
        if self._entries is None:
            self._entries = [
                (rule, kind, make_extractor(rule, self.groups, self.domain_groups))
                for rule, kind in self.rules
            ]
        return self._entries


class Bucket:
    """The patterns a (domain, first segment) pair can match, joined into one regex.

    Compiled on first use: an application with many rules pays only for the buckets
    its requests reach.
    """

    __slots__ = ("_candidates", "joined", "match", "patterns", "positions", "shortcuts")

    def __init__(self, candidates: list[t.Any]) -> None:
        #: candidates (objects with key, rule, kind, source, groups, domain_source and
        #: domain_groups), compiled on first use
        self._candidates = candidates
        #: (pattern, entries reading the joined regex's match), in priority order
        self.patterns: list[tuple[Pattern, list[Entry]]] | None = None
        #: group number -> index of the pattern whose outer group it is
        self.positions: list[int] = []
        #: group number -> (rule, methods, extractor) when the pattern's first rule can
        #: be returned without further checks (besides the method)
        self.shortcuts: list[tuple[Rule, t.Any, Extractor] | None] = []
        #: whether ``match`` covers every pattern (False: try them one by one)
        self.joined = True
        self.match: t.Callable[[str], re.Match[str] | None] = self._compile_then_match

    def _compile_then_match(self, path: str) -> re.Match[str] | None:
        self.compile()
        return self.match(path)

    def compile(self) -> list[tuple[Pattern, list[Entry]]]:
        """Group the candidates into patterns and join them into one regex; returns
        the patterns."""
        if self.patterns is not None:
            return self.patterns
        candidates = sorted(self._candidates, key=lambda candidate: candidate.key)
        grouped: list[Pattern] = []
        for candidate in candidates:
            last = grouped[-1] if grouped else None
            if (
                last is None
                or last.source != candidate.source
                or last.domain_source != candidate.domain_source
            ):
                last = Pattern(
                    candidate.source,
                    candidate.groups,
                    candidate.domain_source,
                    candidate.domain_groups,
                )
                grouped.append(last)
            last.rules.append((candidate.rule, candidate.kind))
        patterns = []
        positions: list[int] = [0]
        shortcuts: list[t.Any] = [None]
        alternatives = []
        for position, pattern in enumerate(grouped):
            offset = len(positions)
            alternatives.append(f"({pattern.source})")
            joined = []
            for rule, kind in pattern.rules:
                extract = make_extractor(rule, pattern.groups, pattern.domain_groups, offset)
                joined.append((rule, kind, extract))
            patterns.append((pattern, joined))
            first_rule, first_kind, first_extract = joined[0]
            if first_kind == EXACT and pattern.domain_match is None and not first_rule.websocket:
                shortcuts.append((first_rule, first_rule.methods, first_extract))
            else:
                shortcuts.append(None)
            shortcuts.extend([None] * pattern.size)
            positions.extend([position] * (pattern.size + 1))
        match: t.Callable[[str], re.Match[str] | None] = _nothing
        try:
            if alternatives:
                match = compile_regex("|".join(alternatives)).match
        except re.error:  # e.g. converters with clashing group names: go one by one
            self.joined = False
        self.positions = positions
        self.shortcuts = shortcuts
        self.patterns = patterns
        self.match = match  # last: other threads may read the rest once this is set
        return patterns


def _nothing(path: str) -> None:
    return None
