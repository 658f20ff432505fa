"""Rule factories: add a group of rules under a common subdomain, prefix or endpoint prefix.

::

    Map([
        Rule("/", endpoint="index"),
        Submount("/blog", [Rule("/", endpoint="blog.index")]),
        Subdomain("<lang>", [Rule("/about", endpoint="about")]),
    ])
"""

from __future__ import annotations

import typing as t
from string import Template

from .rules import Rule, RuleFactory

if t.TYPE_CHECKING:
    from .map import Map


class Subdomain(RuleFactory):
    """The rules, on the given subdomain (which may hold variables: ``"<user>"``)."""

    def __init__(self, subdomain: str, rules: t.Iterable[RuleFactory]) -> None:
        self.subdomain = subdomain
        self.rules = rules

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.subdomain = self.subdomain
                yield rule


class Submount(RuleFactory):
    """The rules, under a path prefix: ``Submount("/blog", [...])``."""

    def __init__(self, path: str, rules: t.Iterable[RuleFactory]) -> None:
        self.path = path.rstrip("/")
        self.rules = rules

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.rule = self.path + rule.rule
                yield rule


class EndpointPrefix(RuleFactory):
    """The rules, with a prefix added to their (string) endpoints."""

    def __init__(self, prefix: str, rules: t.Iterable[RuleFactory]) -> None:
        self.prefix = prefix
        self.rules = rules

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.endpoint = self.prefix + rule.endpoint
                yield rule


class RuleTemplate:
    """Rules with ``$placeholders``, filled in when called::

    resource = RuleTemplate([Rule("/$name/", endpoint="$name.list")])
    Map([resource(name="user"), resource(name="page")])
    """

    def __init__(self, rules: t.Iterable[Rule]) -> None:
        self.rules = list(rules)

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> RuleTemplateFactory:
        return RuleTemplateFactory(self.rules, dict(*args, **kwargs))


class RuleTemplateFactory(RuleFactory):
    """The rules of a ``RuleTemplate`` with the placeholders substituted."""

    def __init__(self, rules: t.Iterable[RuleFactory], context: dict[str, t.Any]) -> None:
        self.rules = rules
        self.context = context

    def _fill(self, value: t.Any) -> t.Any:
        return Template(value).substitute(self.context) if isinstance(value, str) else value

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        for factory in self.rules:
            for rule in factory.get_rules(map):
                defaults = None
                if rule.defaults:
                    defaults = {key: self._fill(value) for key, value in rule.defaults.items()}
                options = dict(rule.get_empty_kwargs())
                options.update(
                    defaults=defaults,
                    subdomain=self._fill(rule.subdomain),
                    endpoint=self._fill(rule.endpoint),
                )
                yield type(rule)(self._fill(rule.rule), **options)
