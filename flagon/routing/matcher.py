"""The compiled form of a map's rules, and the per-request search through it.

Rules without variables are found with dict lookups (domain, then path, then method).
Rules with variables are grouped into buckets by domain and first path segment; a
bucket's patterns, in priority order (see ``priority``), are joined into one regex, so
finding the first candidate is one ``re`` call whatever the number of rules. Anything
unusual (a refused method, a redirect, a converter saying no) goes through the complete
search, which reproduces Werkzeug's behaviour.
"""

from __future__ import annotations

import re
import typing as t

from ..exceptions import HTTPException, MethodNotAllowed, NotFound
from .environ import INVALID_SUBDOMAIN
from .exceptions import RoutingException, ValidationError, WebsocketMismatch
from .patterns import Bucket, Entry, Pattern, regex_source
from .priority import ADD_SLASH, first_segment, variants

if t.TYPE_CHECKING:
    from .rules import Rule

#: Key of ``fast[domain][path]`` for a rule accepting any method.
ANY_METHOD = "*"

_merge_slashes = re.compile("/{2,}").sub


class RequestPath(RoutingException):
    """The client should ask for another path (internal; becomes a redirect)."""

    __slots__ = ("path_info",)

    def __init__(self, path_info: str) -> None:
        super().__init__()
        self.path_info = path_info


class _Candidate(t.NamedTuple):
    """A rule variant with variables, waiting to be put in the buckets it belongs to."""

    key: tuple
    rule: Rule
    kind: int
    source: str
    groups: tuple[int, ...]
    domain_source: str | None
    domain_groups: tuple[int, ...]


class Matcher:
    """Lookup tables for a list of rules; a new one is built when the rules change."""

    def __init__(self, rules: t.Iterable[Rule], merge_slashes: bool = True) -> None:
        self.merge_slashes = merge_slashes
        #: (domain, path) -> (rule, kind) in priority order, for rules without variables
        self.static: dict[tuple[str, str], list[tuple[Rule, int]]] = {}
        #: domain (None: any other) -> (path -> method -> rule for plain matches,
        #: first segment -> bucket, bucket for other segments)
        self._tables: dict[str | None, tuple[dict, dict, Bucket]] = {}
        static: dict[tuple[str, str], list[tuple[tuple, Rule, int]]] = {}
        candidates: dict[tuple[str | None, str | None], list[_Candidate]] = {}
        first_seen: dict[tuple, int] = {}
        for index, rule in enumerate(rules):
            domain = rule._static_domain
            for kind, key, tokens in variants(rule, index, first_seen):
                if domain is not None and all(isinstance(token, str) for token in tokens):
                    static.setdefault((domain, "".join(tokens)), []).append((key, rule, kind))
                else:
                    where = (domain, first_segment(tokens))
                    candidates.setdefault(where, []).append(_candidate(key, rule, kind, tokens))
        domains = {domain for domain, _ in candidates} | {domain for domain, _ in static}
        segments = {segment for _, segment in candidates}
        for domain in domains | {None}:
            buckets = {segment: _bucket(candidates, domain, segment) for segment in segments}
            buckets.pop(None, None)
            self._tables[domain] = ({}, buckets, _bucket(candidates, domain, None))
        for where, found in static.items():
            found.sort(key=lambda item: item[0])
            self.static[where] = [(rule, kind) for _, rule, kind in found]
            self._add_plain(where, self.static[where])

    def _add_plain(self, where: tuple[str, str], entries: list[tuple[Rule, int]]) -> None:
        """Index the plain matches of one static path by method, until a case the full
        search must handle (a slash redirect…) or a rule accepting any method."""
        domain, path = where
        if path[:1] != "/" or path.startswith("//"):
            return  # never requested as such: request paths are normalised first
        by_method: dict[str, Rule] = {}
        for rule, kind in entries:
            if rule.websocket:
                continue  # plain matches serve plain HTTP requests only
            if (kind == ADD_SLASH and rule.strict_slashes) or rule._redirects:
                break
            if rule.methods is None:
                by_method.setdefault(ANY_METHOD, rule)
                break
            for method in rule.methods:
                by_method.setdefault(method, rule)
        # Present even when empty: a path missing here has no rule without variables.
        self._tables[domain][0][path] = by_method

    # -- lookup ----------------------------------------------------------------------

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]]:
        """The rule for the request and its view arguments.

        Raises ``RequestPath`` when the client should use another path (trailing slash,
        merged slashes); else ``MethodNotAllowed`` when the path exists for other
        methods, ``WebsocketMismatch`` when it exists for the other protocol only, or
        ``NotFound``. The common cases (a rule without variables, or the first
        candidate of a bucket accepting the request) are answered here; everything else
        goes through the complete search.
        """
        table = self._tables.get(domain)
        if table is not None and not websocket:
            plain, buckets, other = table
            by_method = plain.get(path)
            if by_method is not None:
                rule = by_method.get(method) or by_method.get(ANY_METHOD)
                if rule is not None:
                    return rule, dict(rule.defaults) if rule.defaults else {}
            else:
                end = path.find("/", 1)
                # No slash at all leaves no segment: the full search normalises such paths.
                segment = path[1:end] if end > 0 else path[1:] if path[:1] == "/" else ""
                if segment:  # "//x" is normalised first; "/" has no segment to look up
                    bucket = buckets.get(segment) or other
                    found = bucket.match(path)
                    if found is not None:
                        shortcut = bucket.shortcuts[found.lastindex]  # type: ignore[index]
                        if shortcut is not None:
                            rule, methods, extract = shortcut
                            if methods is None or method in methods:
                                try:
                                    return rule, extract(found, None)
                                except ValidationError:
                                    pass
        return self._match_fully(domain, path, method, websocket)

    def _match_fully(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]]:
        if path[:1] != "/" or path[1:2] == "/":
            path = "/" + path.lstrip("/") if path else ""
        refused: list[tuple[Rule, int]] = []
        result = self._search(domain, path, method, websocket, refused)
        if result is not None:
            return result
        if self.merge_slashes and "//" in path:
            merged = _merge_slashes("/", path)
            result = self._search(domain, merged, method, websocket, refused)
            if result is not None and result[0].merge_slashes:
                raise RequestPath(merged)
        raise _no_match(refused, method)

    def _search(
        self,
        domain: str,
        path: str,
        method: str,
        websocket: bool,
        refused: list[tuple[Rule, int]],
    ) -> tuple[Rule, dict[str, t.Any]] | None:
        entries = self.static.get((domain, path))
        if entries is not None:
            for rule, kind in entries:
                methods = rule.methods
                if (methods is not None and method not in methods) or rule.websocket != websocket:
                    refused.append((rule, kind))
                    continue
                if kind == ADD_SLASH and rule.strict_slashes:
                    raise RequestPath(path + "/")
                return rule, dict(rule.defaults) if rule.defaults else {}
        _, buckets, other = self._tables.get(domain) or self._tables[None]
        end = path.find("/", 1)
        bucket = buckets.get(path[1:end] if end > 0 else path[1:]) if path else None
        bucket = bucket or other
        patterns = bucket.compile()
        position = 0
        if bucket.joined:
            found = bucket.match(path)
            if found is None:
                return None
            position = bucket.positions[found.lastindex]  # type: ignore[index]
            pattern, candidates = patterns[position]
            result = _pick(pattern, candidates, found, domain, path, method, websocket, refused)
            if result is not None:
                return result
            position += 1
        # The first candidate refused the request: try the following patterns one by one.
        for pattern, _ in patterns[position:]:
            found = pattern.match(path)
            if found is not None:
                result = _pick(
                    pattern, pattern.entries, found, domain, path, method, websocket, refused
                )
                if result is not None:
                    return result
        return None


def _bucket(
    candidates: dict[tuple[str | None, str | None], list[_Candidate]],
    domain: str | None,
    segment: str | None,
) -> Bucket:
    """The bucket of a domain and first segment: the candidates for both, and those
    accepting any domain or any segment."""
    found: list[_Candidate] = []
    for where in {(domain, segment), (domain, None), (None, segment), (None, None)}:
        found.extend(candidates.get(where, ()))
    return Bucket(found)


def _candidate(key: tuple, rule: Rule, kind: int, tokens: list) -> _Candidate:
    source, groups = regex_source(tokens, rule)
    domain_source: str | None = None
    domain_groups: tuple[int, ...] = ()
    if rule._static_domain is None:
        domain_source, domain_groups = regex_source(rule._domain_tokens, rule)
    return _Candidate(key, rule, kind, source, groups, domain_source, domain_groups)


def _pick(
    pattern: Pattern,
    entries: list[Entry],
    found: re.Match[str],
    domain: str,
    path: str,
    method: str,
    websocket: bool,
    refused: list[tuple[Rule, int]],
) -> tuple[Rule, dict[str, t.Any]] | None:
    """The first rule of a matched pattern that accepts the request."""
    domain_found = None
    if pattern.domain_match is not None:
        if domain == INVALID_SUBDOMAIN:
            return None
        domain_found = pattern.domain_match(domain)
        if domain_found is None:
            return None
    for rule, kind, extract in entries:
        methods = rule.methods
        if (methods is not None and method not in methods) or rule.websocket != websocket:
            refused.append((rule, kind))
            continue
        try:
            values = extract(found, domain_found)
        except ValidationError:
            continue
        if kind == ADD_SLASH and rule.strict_slashes:
            raise RequestPath(path + "/")
        return rule, values
    return None


def _no_match(refused: list[tuple[Rule, int]], method: str) -> HTTPException:
    """The error for a request no rule accepts, from what the refusals tell."""
    allowed: set[str] = set()
    websocket_mismatch = False
    for rule, kind in refused:
        methods = rule.methods
        if methods is not None and method not in methods:
            # A slash redirect the method could not follow is no evidence of a 405.
            if kind != ADD_SLASH:
                allowed.update(methods)
        else:
            websocket_mismatch = True
    if allowed:
        return MethodNotAllowed(valid_methods=sorted(allowed))
    if websocket_mismatch:
        return WebsocketMismatch()
    return NotFound()
