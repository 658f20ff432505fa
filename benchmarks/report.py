"""Presenting timings: the comparison table (plain or Markdown) and the JSON record."""

from __future__ import annotations

from typing import Any

from benchmarks.harness import Timing
from benchmarks.scenario import DISPLAY_NAMES

Results = dict[str, dict[str, Timing]]  # scenario name -> framework -> timing


def ratio(timings: dict[str, Timing], framework: str, statistic: str) -> float | None:
    """How many times as long as flagon ``framework`` took, by the given statistic."""
    if "flagon" not in timings or framework not in timings:
        return None
    return timings[framework].statistic(statistic) / timings["flagon"].statistic(statistic)


def table_rows(results: Results, frameworks: list[str], statistic: str) -> list[list[str]]:
    """Header and one row per scenario; "—" where a framework was not timed."""
    others = [f for f in frameworks if f != "flagon"] if "flagon" in frameworks else []
    rows = [
        ["scenario"]
        + [f"{DISPLAY_NAMES[f]} µs" for f in frameworks]
        + [f"{DISPLAY_NAMES[f]}/flagon" for f in others]
    ]
    for name, timings in results.items():
        cells = [
            f"{timings[f].statistic(statistic):.2f}" if f in timings else "—" for f in frameworks
        ]
        ratios = [ratio(timings, f, statistic) for f in others]
        rows.append([name] + cells + [f"{r:.2f}×" if r is not None else "—" for r in ratios])
    return rows


def format_table(
    results: Results, frameworks: list[str], statistic: str, markdown: bool = False
) -> str:
    return render_rows(table_rows(results, frameworks, statistic), markdown)


def render_rows(rows: list[list[str]], markdown: bool = False) -> str:
    """A header row and data rows as aligned plain text, or as a Markdown table."""
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(
            1, "|" + "|".join(":--" if i == 0 else "--:" for i in range(len(rows[0]))) + "|"
        )
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def as_json(
    results: Results,
    descriptions: dict[str, str],
    harness_us: dict[str, float],
    failures: dict[str, dict[str, str]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    """Everything measured, including every sample, for later comparison."""
    return dict(
        meta,
        scenarios={
            name: {
                "description": descriptions[name],
                "harness_us": harness_us[name],
                "frameworks": {
                    framework: {
                        "median_us": t.median_us,
                        "best_us": t.best_us,
                        "batch": t.batch,
                        "samples_us": t.samples_us,
                    }
                    for framework, t in timings.items()
                },
                "ratios_to_flagon": {
                    f: ratio(timings, f, meta["statistic"]) for f in timings if f != "flagon"
                },
                "failures": failures.get(name, {}),
            }
            for name, timings in results.items()
        },
    )
