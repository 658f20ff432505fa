"""Reading rule strings: ``/user/<int(min=1):id>/`` becomes slashes, text and variables.

Converter arguments are Python literals (numbers, quoted strings, True/False/None);
a bare word such as ``about`` in ``<any(about, help):page>`` is a string.
"""

from __future__ import annotations

import ast
import re
import typing as t


class Variable(t.NamedTuple):
    """A ``<converter(args):name>`` placeholder of a rule."""

    name: str
    converter: str
    args: tuple[t.Any, ...]
    kwargs: dict[str, t.Any]


#: A parsed rule: "/" for each slash, other static text as str, and variables.
Token = str | Variable

_token_re = re.compile(
    r"""
    (?P<slash>/)
  | (?P<static>[^</]+)
  | <
      (?:
        (?P<converter>[A-Za-z_][A-Za-z0-9_]*)
        (?:\((?P<args>(?:[^)"']|"[^"]*"|'[^']*')*)\))?
        :
      )?
      (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    >
    """,
    re.VERBOSE,
)

_argument_re = re.compile(
    r"""
    \s*
    (?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*)?
    (?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,"'=][^,"'=]*?)
    \s*(?:,|\Z)
    """,
    re.VERBOSE,
)


def parse_rule(rule: str) -> list[Token]:
    """Split a rule (or host pattern) into tokens; raises ValueError when malformed."""
    tokens: list[Token] = []
    position = 0
    end = len(rule)
    while position < end:
        match = _token_re.match(rule, position)
        if match is None:
            raise ValueError(
                f"malformed url rule {rule!r}: cannot parse {rule[position:]!r}"
                f" (position {position}); variables are written <converter(args):name>"
            )
        if match.group("slash"):
            tokens.append("/")
        elif match.group("static") is not None:
            tokens.append(match.group("static"))
        else:
            try:
                args, kwargs = parse_converter_args(match.group("args") or "")
            except ValueError as error:
                raise ValueError(f"malformed url rule {rule!r}: {error}") from None
            tokens.append(
                Variable(match.group("name"), match.group("converter") or "default", args, kwargs)
            )
        position = match.end()
    return tokens


def parse_converter_args(text: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    """``'2, length=3, name="x"'`` -> ``((2,), {'length': 3, 'name': 'x'})``."""
    args: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    text = text.strip()
    position = 0
    end = len(text)
    while position < end:
        match = _argument_re.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot parse converter argument {text[position:]!r}")
        value = _literal(match.group("value"))
        name = match.group("name")
        if name is None:
            args.append(value)
        elif name in kwargs:
            raise ValueError(f"converter argument {name!r} given twice")
        else:
            kwargs[name] = value
        position = match.end()
    return tuple(args), kwargs


def _literal(text: str) -> t.Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        # A bare word, as in <any(about, help):page>.
        return text
