"""The compiled form of a map's rules, and the per-request search through it.

Rules without variables are found with dict lookups: ``fast[domain][path][method]``
answers the common request in three lookups. Rules with variables are grouped into
buckets by domain and first path segment; a bucket's patterns, in priority order (see
``priority``), are joined into one regex, so finding the first candidate is one ``re``
call whatever the number of rules. Buckets are built on first use.
"""

from __future__ import annotations

import re
import typing as t

from .exceptions import NoMatch, RoutingException, ValidationError
from .patterns import Bucket, Entry, Pattern, regex_source
from .priority import ADD_SLASH, first_segment, variants

if t.TYPE_CHECKING:
    from .rules import Rule

#: The subdomain of a request whose host is not under the configured server name.
INVALID_SUBDOMAIN = "<invalid>"
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
        #: domain -> path -> method (or ANY_METHOD) -> rule, for plain matches
        self.fast: dict[str, dict[str, dict[str, Rule]]] = {}
        #: (domain, path) -> (rule, kind) in priority order, for rules without variables
        self.static: dict[tuple[str, str], list[tuple[Rule, int]]] = {}
        self._buckets: dict[tuple[str | None, str | None], Bucket] = {}
        self._candidates: dict[tuple[str | None, str | None], list[_Candidate]] = {}
        self._domains: set[str] = set()
        self._segments: set[str] = set()
        static_keys: dict[tuple[str, str], list[tuple]] = {}
        first_seen: dict[tuple, int] = {}
        for index, rule in enumerate(rules):
            domain = rule._static_domain
            for kind, key, tokens in variants(rule, index, first_seen):
                if domain is not None and all(isinstance(token, str) for token in tokens):
                    where = (domain, "".join(tokens))
                    self.static.setdefault(where, []).append((rule, kind))
                    static_keys.setdefault(where, []).append(key)
                    continue
                self._add_candidate(key, rule, kind, tokens)
        for where, entries in self.static.items():
            keys = static_keys[where]
            entries[:] = [entries[i] for i in sorted(range(len(keys)), key=keys.__getitem__)]
            self._add_fast(where, entries)

    def _add_candidate(self, key: tuple, rule: Rule, kind: int, tokens: list) -> None:
        domain = rule._static_domain
        segment = first_segment(tokens)
        if domain is not None:
            self._domains.add(domain)
        if segment is not None:
            self._segments.add(segment)
        source, groups = regex_source(tokens, rule)
        domain_source, domain_groups = None, ()
        if domain is None:
            domain_source, domain_groups = regex_source(rule._domain_tokens, rule)
        candidate = _Candidate(key, rule, kind, source, groups, domain_source, domain_groups)
        self._candidates.setdefault((domain, segment), []).append(candidate)

    def _add_fast(self, where: tuple[str, str], entries: list[tuple[Rule, int]]) -> None:
        """Index the plain matches of one static path by method, until a case the full
        search must handle (a slash redirect) or a rule accepting any method."""
        domain, path = where
        if path.startswith("//"):
            return  # never requested as such: request paths are normalised first
        by_method: dict[str, Rule] = {}
        for rule, kind in entries:
            if rule.websocket:
                continue  # the fast path serves plain HTTP requests only
            if kind == ADD_SLASH and rule.strict_slashes:
                break
            if rule._default_providers or rule.alias or rule.redirect_to is not None:
                break
            if rule.methods is None:
                by_method.setdefault(ANY_METHOD, rule)
                break
            for method in rule.methods:
                by_method.setdefault(method, rule)
        if by_method:
            self.fast.setdefault(domain, {})[path] = by_method

    # -- lookup ----------------------------------------------------------------------

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]]:
        """The rule for the request and its view arguments.

        Raises ``RequestPath`` when the client should use another path (trailing slash,
        merged slashes) and ``NoMatch`` otherwise.
        """
        refused: list[tuple[Rule, int]] = []
        result = self._search(domain, path, method, websocket, refused)
        if result is not None:
            return result
        if self.merge_slashes and "//" in path:
            merged = _merge_slashes("/", path)
            result = self._search(domain, merged, method, websocket, refused)
            if result is not None and result[0].merge_slashes:
                raise RequestPath(merged)
        raise _no_match(refused, method, websocket)

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
        end = path.find("/", 1)
        segment = (path[1:end] if end > 0 else path[1:]) if path else None
        bucket = self._buckets.get((domain, segment))
        if bucket is None:
            bucket = self._bucket_for(domain, segment)
        position = 0
        if bucket.match is not None:
            found = bucket.match(path)
            if found is None:
                return None
            position = bucket.positions[found.lastindex]  # type: ignore[index]
            pattern, entries = bucket.patterns[position]
            result = _pick(pattern, entries, found, domain, path, method, websocket, refused)
            if result is not None:
                return result
            position += 1
        # The first candidate refused the request: try the following patterns one by one.
        for pattern, _ in bucket.patterns[position:]:
            found = pattern.match(path)
            if found is not None:
                result = _pick(
                    pattern, pattern.entries, found, domain, path, method, websocket, refused
                )
                if result is not None:
                    return result
        return None

    # -- compilation -----------------------------------------------------------------

    def _bucket_for(self, domain: str, segment: str | None) -> Bucket:
        """The bucket for a request, built on first use; unknown keys share one."""
        if domain not in self._domains:
            domain = None  # type: ignore[assignment]
        if segment not in self._segments:
            segment = None
        bucket = self._buckets.get((domain, segment))
        if bucket is not None:
            return bucket
        candidates: list[_Candidate] = []
        for where in {(domain, segment), (domain, None), (None, segment), (None, None)}:
            candidates.extend(self._candidates.get(where, ()))
        candidates.sort(key=lambda candidate: candidate.key)
        patterns: list[tuple[Pattern, list[tuple[Rule, int]]]] = []
        for candidate in candidates:
            last = patterns[-1][0] if patterns else None
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
                patterns.append((last, []))
            patterns[-1][1].append((candidate.rule, candidate.kind))
        bucket = Bucket(patterns)
        self._buckets[(domain, segment)] = bucket
        return bucket


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


def _no_match(refused: list[tuple[Rule, int]], method: str, websocket: bool) -> NoMatch:
    """What the refusals tell: the methods the path allows, or a WebSocket mismatch."""
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
    return NoMatch(allowed, websocket_mismatch)
