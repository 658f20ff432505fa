"""URL routing: rules, converters, the map that holds them, and matching/building.

::

    url_map = Map([Rule("/", endpoint="index"), Rule("/user/<int:id>", endpoint="user")])
    adapter = url_map.bind_to_environ(environ)
    endpoint, view_args = adapter.match()
    adapter.build("user", {"id": 42})  # "/user/42"
"""

from __future__ import annotations

from .adapter import MapAdapter
from .converters import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    NumberConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from .exceptions import (
    BuildError,
    RequestRedirect,
    RoutingException,
    ValidationError,
    WebsocketMismatch,
)
from .factories import EndpointPrefix, RuleTemplate, RuleTemplateFactory, Subdomain, Submount
from .map import Map
from .parser import parse_converter_args
from .rules import Rule, RuleFactory

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "EndpointPrefix",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "MapAdapter",
    "NumberConverter",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "RuleFactory",
    "RuleTemplate",
    "RuleTemplateFactory",
    "Subdomain",
    "Submount",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "WebsocketMismatch",
    "parse_converter_args",
]
