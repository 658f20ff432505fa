"""The scenario registry: add a module with a ``SCENARIO`` and list it here."""

from __future__ import annotations

from benchmarks.scenario import Scenario
from benchmarks.scenarios import (
    blueprint,
    deployed,
    hello,
    json_echo,
    not_found,
    page,
    route500,
    static304,
)

SCENARIOS: dict[str, Scenario] = {
    module.SCENARIO.name: module.SCENARIO
    for module in (hello, json_echo, not_found, route500, page, static304, blueprint, deployed)
}
