"""Memory check: serve 100 000 hello requests and report what the last 90 000 left behind.

Memory is sampled after request 10 000 (caches are warm by then) and after the last
one; what is still allocated from in between is a leak. For flagon it also checks
that no app or request context is left on its stack. Run: ``python benchmarks/memory.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BrokenApp, build_checked, call, time_batch
from benchmarks.scenario import DISPLAY_NAMES, FRAMEWORKS, CheckFailed, Scenario, WSGIApp
from benchmarks.scenarios import SCENARIOS


def rss_bytes() -> int | None:
    """Resident set size now (Linux); None where /proc is unavailable."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def flagon_stacks_empty() -> bool:
    """True when neither flagon context stack holds a context."""
    import flagon

    return flagon._app_ctx_stack.top is None and flagon._request_ctx_stack.top is None


@dataclass(slots=True)
class Growth:
    """Memory left behind by the requests served between the two samples."""

    requests: int
    traced_bytes: int
    top_sources: list[tracemalloc.Statistic]
    rss_before: int | None
    rss_after: int | None


def measure_growth(app: WSGIApp, scenario: Scenario, warm: int, total: int) -> Growth:
    """Serve ``total`` requests; trace allocations still alive from requests ``warm``..``total``."""
    time_batch(app, scenario.make_environ, warm)
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    time_batch(app, scenario.make_environ, total - warm)
    gc.collect()
    traced, _peak = tracemalloc.get_traced_memory()
    top_sources = tracemalloc.take_snapshot().statistics("lineno")[:5]
    tracemalloc.stop()
    return Growth(total - warm, traced, top_sources, rss_before, rss_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", default="flagon", choices=FRAMEWORKS)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument(
        "--warm", type=int, default=10_000, help="requests served before the first sample"
    )
    parser.add_argument(
        "--limit-kib",
        type=int,
        default=1024,
        help="fail when more than this is left allocated (default 1024 KiB)",
    )
    args = parser.parse_args(argv)

    scenario = SCENARIOS["hello"]
    name = DISPLAY_NAMES[args.framework]
    print(
        f"memory check: {name}, hello scenario, {args.requests} requests "
        f"(sampled after request {args.warm} and after the last)"
    )
    try:
        app, _ = build_checked(scenario, args.framework)
    except BrokenApp as error:
        print(f"  FAILED: the {name} app is broken: {error}")
        return 1
    growth = measure_growth(app, scenario, args.warm, args.requests)
    try:
        scenario.check(call(app, scenario.make_environ()))
    except CheckFailed as error:
        print(f"  FAILED: wrong answer after {args.requests} requests: {error}")
        return 1

    print(
        f"  still allocated from the last {growth.requests} requests: {growth.traced_bytes / 1024:.1f} KiB "
        f"({growth.traced_bytes / growth.requests:.2f} bytes/request)"
    )
    if growth.rss_before is not None and growth.rss_after is not None:
        print(
            f"  RSS {growth.rss_before / 2**20:.1f} MiB -> {growth.rss_after / 2**20:.1f} MiB "
            f"({(growth.rss_after - growth.rss_before) / 1024:+.0f} KiB, tracemalloc running meanwhile)"
        )
    failed = growth.traced_bytes > args.limit_kib * 1024
    if failed:
        print(f"  FAILED: more than {args.limit_kib} KiB left behind; largest sources:")
        for stat in growth.top_sources:
            print(f"    {stat.size / 1024:.1f} KiB in {stat.count} blocks at {stat.traceback[0]}")
    if args.framework == "flagon":
        empty = flagon_stacks_empty()
        print(
            f"  flagon._app_ctx_stack.top is None and flagon._request_ctx_stack.top is None: {empty}"
        )
        failed = failed or not empty
    print("  result:", "FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
