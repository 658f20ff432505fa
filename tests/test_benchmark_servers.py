"""The apps benchmarks/servers.py serves answer their scenario's check, in process, over ASGI.

Quart, Starlette and FastAPI come with the ``bench`` extra, which CI does not install: their
apps are checked where they are installed (``make bench`` installs them).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import servers
from benchmarks.asgi_call import as_wsgi, bare_asgi_app
from benchmarks.harness import call
from benchmarks.scenario import CheckFailed
from benchmarks.scenarios import SCENARIOS, hello_asgi, page_asgi
from benchmarks.wire import WrkResult

FRAMEWORK_MODULES = {
    "flagon_async": "flagon",
    "flagon_on_loop": "flagon",
    "quart": "quart",
    "starlette": "starlette",
    "fastapi": "fastapi",
}
CASES = [
    (scenario, key)
    for scenario, builders in (("hello", hello_asgi.BUILDERS), ("page", page_asgi.BUILDERS))
    for key in builders
]


# Quart is built on Flask's own classes, which tests/compat replaces in this process by
# flagon's (its import hook answers ``import flask``): Quart's apps are checked in a fresh one.
FRESH_INTERPRETER = {"quart"}
ROOT = Path(__file__).resolve().parent.parent


def check_scenario_app(scenario_name: str, key: str) -> None:
    """Build the ASGI app, let it set its cookie (page), and check two requests."""
    scenario = SCENARIOS[scenario_name]
    builders = {"hello": hello_asgi.BUILDERS, "page": page_asgi.BUILDERS}[scenario_name]
    app = as_wsgi(builders[key]())
    make_environ = scenario.environ_for(app)
    for _ in range(2):
        scenario.check(call(app, make_environ()))


@pytest.mark.parametrize(("scenario_name", "key"), CASES)
def test_asgi_app_passes_its_scenario_check(scenario_name, key):
    module = FRAMEWORK_MODULES[key]
    if importlib.util.find_spec(module) is None:  # found, not imported: Quart imports Flask
        pytest.skip(f"{module} is not installed (the bench extra)")
    if key not in FRESH_INTERPRETER:
        check_scenario_app(scenario_name, key)
        return
    code = (
        "from tests.test_benchmark_servers import check_scenario_app; "
        f"check_scenario_app({scenario_name!r}, {key!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_page_apps_read_the_session_back():
    """Without the cookie set at sign-in, the page greets a stranger and fails the check."""
    scenario = SCENARIOS["page"]
    reply = call(as_wsgi(page_asgi.flagon_async_app()), scenario.make_environ())
    assert b"Hello, stranger!" in reply.body
    with pytest.raises(CheckFailed, match="body"):
        scenario.check(reply)


def test_flagon_on_loop_app_keeps_sync_views_off_the_thread_pool():
    assert hello_asgi.flagon_on_loop_app().config["ASGI_SYNC_VIEWS_IN_THREADS"] is False
    assert page_asgi.flagon_on_loop_app().config["ASGI_SYNC_VIEWS_IN_THREADS"] is False


def test_bare_asgi_app_answers_ok():
    reply = call(as_wsgi(bare_asgi_app), SCENARIOS["hello"].make_environ())
    assert (reply.status_code, reply.body) == (200, b"ok")


@pytest.mark.parametrize("target", servers.TARGETS, ids=lambda target: target.key)
def test_every_target_has_a_server_command_for_both_scenarios(target):
    for name in servers.SCENARIO_NAMES:
        command = target.command(SCENARIOS[name], 8000)
        module, _, attribute = command[-1].removeprefix("asgi:").partition(":")
        assert module.startswith("benchmarks."), command
        assert attribute.removesuffix("()"), command


def test_hypercorn_is_told_the_app_is_an_asgi_one():
    # Without "asgi:" hypercorn would serve flagon (whose __call__ is a plain method) as WSGI.
    command = servers.BY_KEY["flagon-hypercorn-async"].command(SCENARIOS["hello"], 8000)
    assert command[-1] == "asgi:benchmarks.scenarios.hello_asgi:flagon_async_app()"


def test_granian_wsgi_runs_one_python_thread_unless_asked_for_its_default():
    one = servers.BY_KEY["flagon-granian-wsgi"].command(SCENARIOS["hello"], 8000)
    default = servers.BY_KEY["flagon-granian-wsgi-default"].command(SCENARIOS["hello"], 8000)
    assert one[one.index("--blocking-threads") + 1] == "1"
    assert "--blocking-threads" not in default


def _result(requests_per_second: float) -> WrkResult:
    return WrkResult(requests_per_second, 1.0, 1.0, 2.0, 1000, 0)


def test_ratios_table_judges_the_hello_targets_only():
    results = {
        "hello": {"flagon-uvicorn-async": _result(3000), "quart-uvicorn": _result(1000)},
        "page": {"flagon-uvicorn-async": _result(500), "quart-uvicorn": _result(1000)},
    }
    table = servers.ratios_table(results, markdown=False)
    line = next(row for row in table.splitlines() if row.startswith("flagon async def vs Quart"))
    assert "3.00× met" in line
    assert "0.50×" in line and "missed" not in line
    missing = next(row for row in table.splitlines() if "vs Starlette, uvicorn" in row)
    assert "—" in missing
