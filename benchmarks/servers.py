"""Over the wire on WSGI and ASGI servers: flagon against raw apps and five other frameworks.

``python benchmarks/servers.py`` serves the ``hello`` and ``page`` apps of every target in
turn on 127.0.0.1, one worker each, checks its answers over HTTP with the scenario checks
(the session really read back for ``page``), loads it with ``wrk`` and prints one table of
requests per second and latency, then the ratios the performance targets talk about:
flagon against Quart and Starlette on the same server, and against a raw app on its server.
Uses wire.py's serving, checking and interleaving; ``--rounds N`` keeps each one's best run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks.report import render_rows  # noqa: E402
from benchmarks.scenario import Reply, Scenario, expect  # noqa: E402
from benchmarks.scenarios import SCENARIOS, hello_asgi, page_asgi  # noqa: E402
from benchmarks.wire import (  # noqa: E402
    HOST,
    Load,
    WrkResult,
    add_load_arguments,
    best_runs,
    check_and_time,
    free_port,
    gunicorn_command,
    served,
)

SCENARIO_NAMES = ("hello", "page")
_ASGI_BUILDERS = {"hello": hello_asgi.BUILDERS, "page": page_asgi.BUILDERS}
_BIN = Path(sys.executable).parent
RAW_WSGI = "benchmarks.harness:bare_app"
RAW_ASGI = "benchmarks.asgi_call:bare_asgi_app"


def granian_command(
    interface: str, target: str, port: int, factory: bool, threads: int | None = None
) -> list[str]:
    """One granian worker serving ``target`` over ``interface``, with its one runtime thread
    and, for WSGI, ``threads`` Python threads (None: granian's default, up to 512)."""
    command = [str(_BIN / "granian"), "--interface", interface, "--workers", "1"]
    if threads is not None:
        command += ["--blocking-threads", str(threads)]
    command += ["--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return [*command, *(["--factory"] if factory else []), target]


def uvicorn_command(target: str, port: int, factory: bool) -> list[str]:
    """One uvicorn process with its default loop and HTTP parser ("auto": uvloop and httptools
    when installed, else asyncio and h11)."""
    command = [str(_BIN / "uvicorn"), "--host", HOST, "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    return [*command, *(["--factory"] if factory else []), target]


def hypercorn_command(target: str, port: int, factory: bool) -> list[str]:
    """One hypercorn asyncio worker; it evaluates ``module:factory()`` itself. ``asgi:`` says
    the app is one: hypercorn guesses WSGI for an app whose ``__call__`` is a plain method."""
    spec = "asgi:" + target + ("()" if factory else "")
    return [
        str(_BIN / "hypercorn"),
        "-w",
        "1",
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        spec,
    ]


def _gunicorn(target: str, port: int, factory: bool) -> list[str]:
    return gunicorn_command(target + ("()" if factory else ""), port)


SERVERS: dict[str, Callable[[str, int, bool], list[str]]] = {
    # One Python thread, as Gunicorn's sync worker has; granian's default allows up to 512,
    # which on two cores spend much of their time contending for the GIL.
    "granian-wsgi": lambda target, port, factory: granian_command(
        "wsgi", target, port, factory, threads=1
    ),
    "granian-wsgi-default": lambda target, port, factory: granian_command(
        "wsgi", target, port, factory
    ),
    "granian-asgi": lambda target, port, factory: granian_command("asgi", target, port, factory),
    "uvicorn": uvicorn_command,
    "hypercorn": hypercorn_command,
    "gunicorn": _gunicorn,
}


@dataclass(frozen=True, slots=True)
class Target:
    """One app on one server. ``app`` is a scenario builder key: "flagon" and "flask" are the
    WSGI scenario's own, the others ``*_asgi.BUILDERS``'; "raw" is the bare app (``ok``)."""

    key: str
    label: str
    server: str
    app: str

    def command(self, scenario: Scenario, port: int) -> list[str]:
        """The command serving this target's app for ``scenario`` on ``port``."""
        if self.app == "raw":
            raw = RAW_ASGI if self.server in ("granian-asgi", "uvicorn", "hypercorn") else RAW_WSGI
            return SERVERS[self.server](raw, port, False)
        builder = {**scenario.builders, **_ASGI_BUILDERS[scenario.name]}[self.app]
        return SERVERS[self.server](f"{builder.__module__}:{builder.__name__}", port, True)


TARGETS = (
    Target("flagon-gunicorn", "flagon, Gunicorn sync (WSGI)", "gunicorn", "flagon"),
    Target("flagon-granian-wsgi", "flagon, granian WSGI", "granian-wsgi", "flagon"),
    Target(
        "flagon-granian-wsgi-default",
        "flagon, granian WSGI (default threads)",
        "granian-wsgi-default",
        "flagon",
    ),
    Target(
        "flagon-granian-def",
        "flagon def views (thread pool), granian ASGI",
        "granian-asgi",
        "flagon",
    ),
    Target(
        "flagon-granian-loop",
        "flagon def views on the loop, granian ASGI",
        "granian-asgi",
        "flagon_on_loop",
    ),
    Target(
        "flagon-granian-async",
        "flagon async def views, granian ASGI",
        "granian-asgi",
        "flagon_async",
    ),
    Target("flagon-uvicorn-def", "flagon def views (thread pool), uvicorn", "uvicorn", "flagon"),
    Target(
        "flagon-uvicorn-loop", "flagon def views on the loop, uvicorn", "uvicorn", "flagon_on_loop"
    ),
    Target("flagon-uvicorn-async", "flagon async def views, uvicorn", "uvicorn", "flagon_async"),
    Target(
        "flagon-hypercorn-async", "flagon async def views, hypercorn", "hypercorn", "flagon_async"
    ),
    Target("raw-gunicorn", "raw WSGI app, Gunicorn sync", "gunicorn", "raw"),
    Target("raw-granian-wsgi", "raw WSGI app, granian WSGI", "granian-wsgi", "raw"),
    Target(
        "raw-granian-wsgi-default",
        "raw WSGI app, granian WSGI (default threads)",
        "granian-wsgi-default",
        "raw",
    ),
    Target("raw-granian-asgi", "raw ASGI app, granian ASGI", "granian-asgi", "raw"),
    Target("raw-uvicorn", "raw ASGI app, uvicorn", "uvicorn", "raw"),
    Target("flask-gunicorn", "Flask, Gunicorn sync", "gunicorn", "flask"),
    Target("falcon-granian-wsgi", "Falcon, granian WSGI", "granian-wsgi", "falcon"),
    Target("quart-uvicorn", "Quart, uvicorn", "uvicorn", "quart"),
    Target("quart-hypercorn", "Quart, hypercorn", "hypercorn", "quart"),
    Target("quart-granian", "Quart, granian ASGI", "granian-asgi", "quart"),
    Target("starlette-uvicorn", "Starlette, uvicorn", "uvicorn", "starlette"),
    Target("starlette-granian", "Starlette, granian ASGI", "granian-asgi", "starlette"),
    Target("fastapi-uvicorn", "FastAPI, uvicorn", "uvicorn", "fastapi"),
)
BY_KEY = {target.key: target for target in TARGETS}
LABELS = {target.key: target.label for target in TARGETS}

# (what is compared, numerator, denominator, target ratio for hello). The targets are about
# hello, the framework's own cost per request; page's ratios are shown without a verdict (a raw
# app renders no template).
RATIOS = (
    ("flagon async def vs Quart, uvicorn", "flagon-uvicorn-async", "quart-uvicorn", 3.0),
    ("flagon def (thread pool) vs Quart, uvicorn", "flagon-uvicorn-def", "quart-uvicorn", 3.0),
    ("flagon async def vs Starlette, uvicorn", "flagon-uvicorn-async", "starlette-uvicorn", 1.0),
    (
        "flagon def (thread pool) vs Starlette, uvicorn",
        "flagon-uvicorn-def",
        "starlette-uvicorn",
        1.0,
    ),
    (
        "flagon async def (granian) vs Starlette (uvicorn)",
        "flagon-granian-async",
        "starlette-uvicorn",
        None,
    ),
    ("flagon vs raw, granian WSGI", "flagon-granian-wsgi", "raw-granian-wsgi", 0.9),
    ("Falcon vs raw, granian WSGI", "falcon-granian-wsgi", "raw-granian-wsgi", None),
    ("flagon vs Falcon, granian WSGI", "flagon-granian-wsgi", "falcon-granian-wsgi", None),
    (
        "flagon vs raw, granian WSGI (default threads)",
        "flagon-granian-wsgi-default",
        "raw-granian-wsgi-default",
        0.9,
    ),
    ("flagon async def vs Quart, granian ASGI", "flagon-granian-async", "quart-granian", 3.0),
    (
        "flagon async def vs Starlette, granian ASGI",
        "flagon-granian-async",
        "starlette-granian",
        1.0,
    ),
    (
        "flagon async def vs Quart, hypercorn",
        "flagon-hypercorn-async",
        "quart-hypercorn",
        3.0,
    ),
    ("flagon async def vs raw, granian ASGI", "flagon-granian-async", "raw-granian-asgi", 0.9),
    (
        "flagon def (thread pool) vs raw, granian ASGI",
        "flagon-granian-def",
        "raw-granian-asgi",
        0.9,
    ),
    ("flagon async def vs raw, uvicorn", "flagon-uvicorn-async", "raw-uvicorn", 0.9),
    ("flagon def (thread pool) vs raw, uvicorn", "flagon-uvicorn-def", "raw-uvicorn", 0.9),
    ("flagon vs raw, Gunicorn sync", "flagon-gunicorn", "raw-gunicorn", 0.9),
    ("flagon vs Flask, Gunicorn sync", "flagon-gunicorn", "flask-gunicorn", None),
)


def _check_raw(reply: Reply) -> None:
    expect(reply, 200, body=b"ok")


def measure(scenario: Scenario, key: str, load: Load, logs: Path) -> WrkResult:
    """Serve, check, warm up, time and stop one target for one scenario."""
    target = BY_KEY[key]
    port = free_port()
    command = target.command(scenario, port)
    print(f"  $ {shlex.join(command)}", file=sys.stderr, flush=True)
    # The worktree's code first, whatever the installed flagon points at.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with served(command, port, logs / f"{scenario.name}-{key}.log", env=env):
        raw = target.app == "raw"
        return check_and_time(scenario, port, load, checked=not raw, check=_check_raw)


def uvicorn_flavour() -> str:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop} + {http}"


def results_table(results: dict[str, dict[str, WrkResult]], keys: list[str], markdown: bool) -> str:
    rows = [["target"]]
    for scenario in results:
        rows[0] += [f"{scenario} req/s", f"{scenario} avg ms", f"{scenario} p99 ms"]
    for key in keys:
        row = [LABELS[key]]
        for by_key in results.values():
            result = by_key.get(key)
            row += (
                [
                    f"{result.requests_per_second:.0f}",
                    f"{result.latency_avg_ms:.2f}",
                    f"{result.latency_p99_ms:.2f}",
                ]
                if result
                else ["failed"] * 3
            )
        rows.append(row)
    return render_rows(rows, markdown)


def ratios_table(results: dict[str, dict[str, WrkResult]], markdown: bool) -> str:
    rows = [["comparison", "hello target", *(f"{scenario} req/s ratio" for scenario in results)]]
    for label, mine, theirs, goal in RATIOS:
        row = [label, f"≥ {goal:.2f}×" if goal is not None else "—"]
        for scenario, by_key in results.items():
            a, b = by_key.get(mine), by_key.get(theirs)
            if a is None or b is None:
                row.append("—")
                continue
            ratio = a.requests_per_second / b.requests_per_second
            judged = goal is not None and scenario == "hello"
            verdict = (" met" if ratio >= goal else " missed") if judged else ""
            row.append(f"{ratio:.2f}×{verdict}")
        rows.append(row)
    return render_rows(rows, markdown)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIO_NAMES,
        help=f"scenario to serve (repeatable; default: {', '.join(SCENARIO_NAMES)})",
    )
    parser.add_argument(
        "--target",
        action="append",
        choices=list(BY_KEY),
        metavar="KEY",
        help=f"target to serve (repeatable; default all): {', '.join(BY_KEY)}",
    )
    add_load_arguments(parser)
    parser.add_argument(
        "--rounds", type=int, default=1, help="timed runs per target, interleaved; best kept"
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    load = Load(args.threads, args.connections, args.duration, args.warmup)
    keys = [key for key in BY_KEY if key in (args.target or BY_KEY)]
    print(
        f"One worker per server on {HOST}; uvicorn on {uvicorn_flavour()}; wrk -t{load.threads} "
        f"-c{load.connections} -d{load.seconds}s after a {load.warmup_seconds} s warm-up, best of "
        f"{args.rounds} interleaved run(s); {os.cpu_count()} CPUs shared by wrk and the server\n",
        flush=True,
    )
    results: dict[str, dict[str, WrkResult]] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="flagon-servers-") as logs:
        for name in args.scenario or SCENARIO_NAMES:
            scenario = SCENARIOS[name]
            print(f"{scenario.name}: {scenario.description}", file=sys.stderr, flush=True)
            best, scenario_failed = best_runs(
                scenario, keys, load, args.rounds, Path(logs), measure=measure, names=LABELS
            )
            results[scenario.name] = best
            failed = failed or scenario_failed
    print(results_table(results, keys, args.markdown))
    print()
    print(ratios_table(results, args.markdown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
