"""Compare flagon with Flask, Bottle and Falcon in process: ``python benchmarks/run.py``.

Every app is first checked for the right status and body; an app that fails is
reported and left out of the table (and the run exits with status 1), never timed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import BrokenApp, Served, bare_app, build_checked, measure
from benchmarks.report import Results, as_json, format_table
from benchmarks.scenario import DISPLAY_NAMES, FRAMEWORKS, Scenario
from benchmarks.scenarios import SCENARIOS

DISTRIBUTIONS = {"flagon": "flagon", "flask": "Flask", "bottle": "bottle", "falcon": "falcon"}


@dataclass(frozen=True, slots=True)
class Settings:
    repeats: int
    batch_ms: int


FULL = Settings(repeats=10, batch_ms=100)
QUICK = Settings(repeats=3, batch_ms=30)


def prepare(scenario: Scenario, frameworks: list[str]) -> tuple[dict[str, Served], dict[str, str]]:
    """Build and check each framework's app; return the working apps and why the others failed."""
    apps: dict[str, Served] = {}
    failures: dict[str, str] = {}
    for framework in frameworks:
        try:
            apps[framework] = build_checked(scenario, framework)
        except BrokenApp as error:
            failures[framework] = str(error)
    return apps, failures


def versions(frameworks: list[str]) -> dict[str, str]:
    found = {"python": platform.python_version()}
    for framework in frameworks:
        try:
            found[framework] = metadata.version(DISTRIBUTIONS[framework])
        except metadata.PackageNotFoundError:
            found[framework] = "not installed"
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter batches (a smoke run)")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=list(SCENARIOS),
        metavar="NAME",
        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--framework",
        action="append",
        choices=FRAMEWORKS,
        metavar="NAME",
        help=f"time only this framework (repeatable): {', '.join(FRAMEWORKS)}",
    )
    parser.add_argument("--repeats", type=int, help="timed batches per app (default 10, quick 3)")
    parser.add_argument(
        "--stat",
        choices=("best", "median"),
        default="best",
        help="which per-request time to report (default best: least disturbed by other load)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every sample as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="afterwards run the 100 000-request flagon memory check (benchmarks/memory.py)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = QUICK if args.quick else FULL
    repeats = args.repeats or settings.repeats
    frameworks = [f for f in FRAMEWORKS if not args.framework or f in args.framework]
    scenarios = [SCENARIOS[name] for name in (args.scenario or SCENARIOS)]
    found = versions(frameworks)
    print(
        f"Python {found['python']} on {platform.platform()}; "
        + ", ".join(f"{DISPLAY_NAMES[f]} {found[f]}" for f in frameworks)
    )
    print(
        f"µs per request: {args.stat} of {repeats} batches of ~{settings.batch_ms} ms each "
        "(lower is better)\n",
        flush=True,
    )

    results: Results = {}
    harness_us: dict[str, float] = {}
    failures: dict[str, dict[str, str]] = {}
    for scenario in scenarios:
        print(f"{scenario.name}: {scenario.description}", file=sys.stderr, flush=True)
        apps, failed = prepare(scenario, frameworks)
        for framework, reason in failed.items():
            print(
                f"  FAILED {DISPLAY_NAMES[framework]}: {reason} — not timed",
                file=sys.stderr,
                flush=True,
            )
        if failed:
            failures[scenario.name] = failed
        target_ns = settings.batch_ms * 1_000_000
        results[scenario.name] = measure(apps, repeats, target_ns)
        bare = measure({"bare": (bare_app, scenario.make_environ)}, repeats, target_ns)["bare"]
        harness_us[scenario.name] = bare.statistic(args.stat)

    print()
    print(format_table(results, frameworks, args.stat, markdown=args.markdown))
    print(
        "\nharness cost per request (fresh environ and stream, bare WSGI app), included in every figure: "
        + ", ".join(f"{name} {us:.2f} µs" for name, us in harness_us.items())
    )
    if failures:
        print(
            "not timed (failed the correctness check): "
            + "; ".join(
                f"{name}: {', '.join(DISPLAY_NAMES[f] for f in failed)}"
                for name, failed in failures.items()
            )
        )

    if args.json:
        meta = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "platform": platform.platform(),
            "versions": found,
            "statistic": args.stat,
            "repeats": repeats,
            "batch_ms": settings.batch_ms,
        }
        descriptions = {s.name: s.description for s in scenarios}
        document = as_json(results, descriptions, harness_us, failures, meta)
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
        print(f"wrote {args.json}")

    status = 1 if failures else 0
    if args.memory:
        from benchmarks.memory import main as memory_main

        print()
        status = memory_main([]) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
