"""404: a path no route matches, answered by each framework's own Not Found page."""

from __future__ import annotations

from benchmarks.scenario import Reply, Scenario, environ_factory, expect
from benchmarks.scenarios.hello import BUILDERS as HELLO_BUILDERS


def _check(reply: Reply) -> None:
    expect(reply, 404)


# The hello apps: the same 31 routes, so the router does the same failed search.
SCENARIO = Scenario(
    name="404",
    description="GET /users/alice/settings/x (no match) -> framework's 404, 31 routes",
    make_environ=environ_factory("GET", "/users/alice/settings/x"),
    check=_check,
    builders=HELLO_BUILDERS,
)
