"""Which request paths a rule answers, and in which order rules are tried.

A rule answers its own path and, depending on its slashes, the path with the trailing
slash missing (to redirect, or to match when slashes are not strict) or doubled. Each
such *variant* gets a sort key reproducing Werkzeug's precedence: segment by segment,
literal text beats variables; among variables, more literal text, then more variables,
then lighter converters (``int`` before ``string`` before ``path``); a rule ending at a
segment comes before deeper ones and before its own trailing-slash redirect; rules added
first win ties.
"""

from __future__ import annotations

import typing as t

from .parser import Token, Variable

if t.TYPE_CHECKING:
    from .rules import Rule

# How a variant relates to the rule's own path.
EXACT = 0  # the rule's path
ADD_SLASH = 1  # the rule ends with "/" and the request lacks it
EXTRA_SLASH = 2  # slashes are not strict and the request has one more at the end


class _NoSlashBefore:
    """A pseudo-token: the text matched so far must not end with "/"."""

    def __repr__(self) -> str:
        return "NO_SLASH_BEFORE"


NO_SLASH_BEFORE = _NoSlashBefore()


class Variant(t.NamedTuple):
    """One way a rule can match: its kind, sort key and path tokens."""

    kind: int
    key: tuple
    tokens: list[t.Any]


def variants(rule: Rule, index: int, first_seen: dict[tuple, int]) -> list[Variant]:
    """The variants of the ``index``-th rule of a map (none for build-only rules).

    ``first_seen`` is shared by all rules of the map: it remembers which rule introduced
    each variable segment, the tie-breaker between equally weighted segments.
    """
    if rule.build_only:
        return []
    tokens = rule._path_tokens
    domain_parts = _parts(rule._domain_tokens, rule) if rule._domain_tokens else [(0, "")]
    parts = domain_parts + _parts(tokens, rule)
    spans = spans_segments(tokens, rule)
    found = []
    if tokens[-1] == "/":
        # A value spanning segments must not swallow the slash that ends the rule.
        stem = [*tokens[:-1], NO_SLASH_BEFORE] if spans else tokens[:-1]
        found.append(Variant(EXACT, _sort_key(parts, first_seen, index, EXACT), [*stem, "/"]))
        key = _sort_key(parts[:-1], first_seen, index, ADD_SLASH)
        found.append(Variant(ADD_SLASH, key, stem))
    else:
        found.append(Variant(EXACT, _sort_key(parts, first_seen, index, EXACT), tokens))
    if not rule.strict_slashes and not spans:
        key = _sort_key([*parts, (2,)], first_seen, index, EXTRA_SLASH)
        found.append(Variant(EXTRA_SLASH, key, [*tokens, "/"]))
    return found


def spans_segments(tokens: list[Token], rule: Rule) -> bool:
    """Whether a converter among the tokens matches across slashes (like ``path``)."""
    return any(
        isinstance(token, Variable) and not rule._converters[token.name].part_isolating
        for token in tokens
    )


def first_segment(tokens: list[t.Any]) -> str | None:
    """The literal first path segment, or None when it holds a variable (or is absent)."""
    if not tokens:
        return None
    text = []
    for token in tokens[1:]:
        if token == "/":
            break
        if not isinstance(token, str):
            return None
        text.append(token)
    return "".join(text)


def _parts(tokens: list[Token], rule: Rule) -> list[tuple]:
    """Per-segment sort parts: ``(0, text)`` for literal segments, else
    ``(1, weight, identity)``; a converter spanning slashes ends the splitting."""
    parts: list[tuple] = []
    pieces: list[t.Any] = []
    static_weights: list[tuple[int, int]] = []
    argument_weights: list[t.Any] = []
    spanning = False

    def close() -> None:
        if not argument_weights:
            parts.append((0, "".join(pieces)))
            return
        weight = (
            -len(static_weights),
            tuple(static_weights),
            -len(argument_weights),
            tuple(argument_weights),
        )
        parts.append((1, weight, tuple(pieces)))

    for token in tokens:
        if token == "/" and not spanning:
            close()
            pieces, static_weights, argument_weights = [], [], []
        elif isinstance(token, Variable):
            converter = rule._converters[token.name]
            spanning = spanning or not converter.part_isolating
            argument_weights.append(converter.weight)
            pieces.append((converter.regex,))
        else:
            if token != "/":
                static_weights.append((len(static_weights), -len(token)))
            pieces.append(token)
    if spanning and pieces and pieces[-1] == "/":
        # "/<path:p>/": the trailing slash is a segment of its own, so it can redirect,
        # and the spanning segment differs from the one of "/<path:p>".
        pieces[-1] = NO_SLASH_BEFORE
        close()
        parts.append((0, ""))
    else:
        close()
    return parts


def _sort_key(parts: list[tuple], first_seen: dict[tuple, int], index: int, kind: int) -> tuple:
    key = []
    prefix: tuple = ()
    for part in parts:
        prefix += (part,)
        if part[0] == 1:
            # Equal weights: the variable segment seen first wins, as in a tree of rules.
            key.append((1, part[1], first_seen.setdefault(prefix, index)))
        else:
            key.append(part)
    key.append((-1, 1 if kind == ADD_SLASH else 0, index))
    return tuple(key)
