"""Calling WSGI apps as a server would, and timing them fairly against each other."""

from __future__ import annotations

import gc
import statistics
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from time import perf_counter_ns

from benchmarks.scenario import CheckFailed, Reply, Scenario, WSGIApp


def _write(data: bytes) -> None:
    """The legacy ``write`` callable; no benchmarked app uses it."""


def _start_response(status: str, headers: list, exc_info: object = None) -> Callable[[bytes], None]:
    return _write


def call(app: WSGIApp, environ: dict) -> Reply:
    """Serve one request and capture status, headers and body (for correctness checks)."""
    captured: list = []

    def start_response(status: str, headers: list, exc_info: object = None) -> Callable:
        captured[:] = [status, list(headers)]
        return _write

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    if not captured:
        raise RuntimeError("the app returned without calling start_response")
    return Reply(captured[0], captured[1], body)


class BrokenApp(Exception):
    """A framework's app for a scenario could not be built or answered wrongly."""


Served = tuple[WSGIApp, Callable[[], dict]]  # an app and the environ factory for its requests


def build_checked(scenario: Scenario, framework: str) -> Served:
    """Build the scenario's app for ``framework``, run its setup and check two requests.

    Returns the app with the environ factory its timed requests use, or raises
    BrokenApp. Two requests, because the first may take a different path (caches).
    """
    try:
        app = scenario.builders[framework]()
        make_environ = scenario.environ_for(app)
        for _ in range(2):
            scenario.check(call(app, make_environ()))
    except CheckFailed as error:
        raise BrokenApp(f"wrong answer: {error}") from error
    except Exception as error:
        origin = traceback.extract_tb(error.__traceback__)[-1]
        raise BrokenApp(
            f"{type(error).__name__}: {error} (at {origin.filename}:{origin.lineno})"
        ) from error
    return app, make_environ


def time_batch(app: WSGIApp, make_environ: Callable[[], dict], count: int) -> int:
    """Serve ``count`` requests back to back; return the elapsed nanoseconds.

    Each request gets a fresh environ, and the body iterable is consumed and
    closed, because frameworks do real work (and cleanup) in both.
    """
    start_response = _start_response
    started = perf_counter_ns()
    for _ in repeat(None, count):
        result = app(make_environ(), start_response)
        for _chunk in result:
            pass
        if hasattr(result, "close"):
            result.close()
    return perf_counter_ns() - started


def batch_size(app: WSGIApp, make_environ: Callable[[], dict], target_ns: int) -> int:
    """How many requests fill about ``target_ns``; running them also warms the app up."""
    count = 16
    while True:
        elapsed = time_batch(app, make_environ, count)
        if elapsed >= target_ns // 4:
            return max(1, round(count * target_ns / elapsed))
        count *= 4


@dataclass(slots=True)
class Timing:
    """Per-request times (µs) of one app, one sample per repeat."""

    batch: int
    samples_us: list[float] = field(default_factory=list)

    @property
    def median_us(self) -> float:
        return statistics.median(self.samples_us)

    @property
    def best_us(self) -> float:
        return min(self.samples_us)

    def statistic(self, name: str) -> float:
        """``"best"`` or ``"median"`` of the samples."""
        return self.best_us if name == "best" else self.median_us


def measure(apps: Mapping[str, Served], repeats: int, target_ns: int) -> dict[str, Timing]:
    """Time every app (with its environ factory) ``repeats`` times, interleaved so noise
    hits all of them alike.

    The starting app rotates each repeat, and a full collection runs before every
    batch (outside the clock) so no app pays for another's garbage. The collector
    stays enabled while timing, as in production.
    """
    timings = {
        name: Timing(batch_size(app, make_environ, target_ns))
        for name, (app, make_environ) in apps.items()
    }
    names = list(apps)
    for round_number in range(repeats if names else 0):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            timing = timings[name]
            gc.collect()
            app, make_environ = apps[name]
            elapsed = time_batch(app, make_environ, timing.batch)
            timing.samples_us.append(elapsed / timing.batch / 1000)
    return timings


def bare_app(environ: dict, start_response: Callable) -> list[bytes]:
    """The cheapest possible WSGI app: its time is the harness's own cost per request."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
