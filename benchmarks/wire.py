"""Over the wire: flagon and Flask behind Gunicorn (one sync worker), loaded with ``wrk``.

``python benchmarks/wire.py`` serves each scenario's app (``hello`` and ``page`` by
default) in turn on 127.0.0.1, checks its answers over HTTP with the same checks as
the in-process benchmark, runs a short warm-up and then one timed ``wrk`` run, stops
the server and prints requests per second and latency side by side. With ``--rounds N``
the apps take turns N times and each one's best run is reported.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import BrokenApp, call  # noqa: E402
from benchmarks.report import render_rows  # noqa: E402
from benchmarks.scenario import (  # noqa: E402
    DISPLAY_NAMES,
    FRAMEWORKS,
    CheckFailed,
    Reply,
    Scenario,
    WSGIApp,
)
from benchmarks.scenarios import SCENARIOS  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_SCENARIOS = ("hello", "page")
DEFAULT_FRAMEWORKS = ("flagon", "flask")
NAMES = {**DISPLAY_NAMES, "bare": "bare WSGI"}
# Headers wrk and http.client send by themselves.
_TRANSPORT_HEADERS = {"HTTP_HOST", "HTTP_CONNECTION"}


@dataclass(frozen=True, slots=True)
class Load:
    """How hard and how long wrk pushes: ``wrk -t<threads> -c<connections> -d<seconds>s``."""

    threads: int
    connections: int
    seconds: int
    warmup_seconds: int


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    latency_avg_ms: float
    latency_p50_ms: float
    latency_p99_ms: float
    requests: int
    errors: int  # socket errors plus non-2xx/3xx answers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn_command(app_spec: str, port: int) -> list[str]:
    """One sync worker serving ``app_spec`` (``module:app`` or ``module:factory()``)."""
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        "-w",
        "1",
        "-k",
        "sync",
        "-b",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        app_spec,
    ]


def app_spec(scenario: Scenario, framework: str) -> str:
    """The scenario's builder for ``framework``, called by Gunicorn as an app factory."""
    builder = scenario.builders[framework]
    return f"{builder.__module__}:{builder.__name__}()"


def http_app(port: int) -> WSGIApp:
    """A WSGI app that forwards each request to the server on ``port``, so the in-process
    scenario setups and checks run unchanged against the real server."""

    def forward(environ: dict, start_response: Callable) -> list[bytes]:
        target = environ["PATH_INFO"]
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        body = environ["wsgi.input"].read() or None
        headers = dict(request_headers(environ))
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            connection.request(environ["REQUEST_METHOD"], target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        start_response(f"{response.status} {response.reason}", response.getheaders())
        return [data]

    return forward


def request_headers(environ: dict) -> Iterable[tuple[str, str]]:
    """The request headers in a WSGI environ, as ``(Name, value)``, minus transport ones."""
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in _TRANSPORT_HEADERS:
            yield key[5:].replace("_", "-").title(), value


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {HOST}:{port} after {timeout:.0f} s")


@contextmanager
def served(command: list[str], port: int, log_path: Path, env: dict[str, str] | None = None):
    """Run the server for the duration of the block, then stop it (TERM, then KILL)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_until_serving(port, process)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wrk_command(
    url: str, headers: Iterable[tuple[str, str]], seconds: int, load: Load
) -> list[str]:
    command = ["wrk", f"-t{load.threads}", f"-c{load.connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers:
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, latency (average, median, 99th percentile) and errors from wrk's report."""

    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return WrkResult(
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)")[1]),
        latency_avg_ms=_ms(find(r"^\s+Latency\s+(\S+)")[1]),
        latency_p50_ms=_ms(find(r"^\s+50%\s+(\S+)")[1]),
        latency_p99_ms=_ms(find(r"^\s+99%\s+(\S+)")[1]),
        requests=int(find(r"^\s+(\d+) requests in")[1]),
        errors=errors + (int(non_2xx[1]) if non_2xx else 0),
    )


def run_wrk(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def benchmark(scenario: Scenario, framework: str, load: Load, logs: Path) -> WrkResult:
    """Serve, check, warm up, time and stop one framework's app for one scenario.

    ``framework`` "bare" serves the harness's bare WSGI app (answering ``ok`` to any
    request, unchecked) with the scenario's request: the server's own ceiling.
    """
    port = free_port()
    spec = "benchmarks.harness:bare_app" if framework == "bare" else app_spec(scenario, framework)
    command = gunicorn_command(spec, port)
    print(f"  $ {shlex.join(command)}", file=sys.stderr, flush=True)
    with served(command, port, logs / f"{scenario.name}-{framework}.log"):
        return check_and_time(scenario, port, load, checked=framework != "bare")


def check_and_time(
    scenario: Scenario,
    port: int,
    load: Load,
    checked: bool = True,
    check: Callable[[Reply], None] | None = None,
) -> WrkResult:
    """Check the server on ``port`` over HTTP with the scenario's setup and check (or with
    ``check`` on the scenario's plain request, when ``checked`` is false), warm it up, time it.
    """
    app = http_app(port)
    try:
        if checked:
            make_environ = scenario.environ_for(app)
            for _ in range(2):
                scenario.check(call(app, make_environ()))
        else:
            make_environ = scenario.make_environ
            if check is not None:
                check(call(app, make_environ()))
    except (CheckFailed, RuntimeError, OSError) as error:
        raise BrokenApp(f"{type(error).__name__}: {error}") from error
    environ = make_environ()
    url = f"http://{HOST}:{port}{environ['PATH_INFO']}"
    if environ.get("QUERY_STRING"):
        url += "?" + environ["QUERY_STRING"]
    headers = list(request_headers(environ))
    if load.warmup_seconds:
        run_wrk(wrk_command(url, headers, load.warmup_seconds, load))
    command = wrk_command(url, headers, load.seconds, load)
    print(f"  $ {shlex.join(command)}", file=sys.stderr, flush=True)
    return parse_wrk(run_wrk(command))


def format_table(
    results: dict[str, dict[str, WrkResult]], frameworks: list[str], markdown: bool
) -> str:
    header = ["scenario"]
    for framework in frameworks:
        name = NAMES[framework]
        header += [f"{name} req/s", f"{name} avg ms", f"{name} p99 ms"]
    others = (
        [f for f in frameworks if f not in ("flagon", "bare")] if "flagon" in frameworks else []
    )
    header += [f"flagon/{NAMES[f]} req/s" for f in others]
    rows = [header]
    for scenario, by_framework in results.items():
        row = [scenario]
        for framework in frameworks:
            result = by_framework.get(framework)
            row += (
                [
                    f"{result.requests_per_second:.0f}",
                    f"{result.latency_avg_ms:.2f}",
                    f"{result.latency_p99_ms:.2f}",
                ]
                if result
                else ["—"] * 3
            )
        for framework in others:
            mine, theirs = by_framework.get("flagon"), by_framework.get(framework)
            row.append(
                f"{mine.requests_per_second / theirs.requests_per_second:.2f}×"
                if mine and theirs
                else "—"
            )
        rows.append(row)
    return render_rows(rows, markdown)


def best_runs(
    scenario: Scenario,
    frameworks: list[str],
    load: Load,
    rounds: int,
    logs: Path,
    measure: Callable[[Scenario, str, Load, Path], WrkResult] = benchmark,
    names: Mapping[str, str] = NAMES,
) -> tuple[dict[str, WrkResult], bool]:
    """Each framework's best of ``rounds`` timed runs, taking turns; and whether any failed.

    ``measure`` serves and times one of them (``benchmark``: Gunicorn); ``names`` are their
    display names. A framework that fails (wrong answer, server not starting) is reported
    and dropped.
    """
    best: dict[str, WrkResult] = {}
    failed = False
    working = list(frameworks)
    for round_number in range(rounds):
        # Rotate who goes first, so a slow spell of the machine hits everyone alike.
        shift = round_number % len(working) if working else 0
        for framework in working[shift:] + working[:shift]:
            name = names[framework]
            try:
                result = measure(scenario, framework, load, logs)
            except (BrokenApp, RuntimeError) as error:
                log = logs / f"{scenario.name}-{framework}.log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                print(f"  FAILED {name}: {error}\n{tail}", file=sys.stderr, flush=True)
                failed = True
                working.remove(framework)
                best.pop(framework, None)
                continue
            print(f"  {name}: {result.requests_per_second:.0f} req/s", file=sys.stderr, flush=True)
            if result.errors:
                print(
                    f"  {name}: {result.errors} errors or non-2xx/3xx answers",
                    file=sys.stderr,
                    flush=True,
                )
                failed = True
            kept = best.get(framework)
            if kept is None or result.requests_per_second > kept.requests_per_second:
                best[framework] = result
    return best, failed


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """wrk's settings (``--threads``, ``--connections``, ``--duration``, ``--warmup``), shared by
    the benchmarks that load a real server."""
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (default 10)")
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of each timed run (default 10)"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of untimed load first (default 2)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=list(SCENARIOS),
        metavar="NAME",
        help=f"scenario to serve (repeatable; default: {', '.join(DEFAULT_SCENARIOS)})",
    )
    parser.add_argument(
        "--framework",
        action="append",
        choices=FRAMEWORKS,
        metavar="NAME",
        help=f"framework to serve (repeatable; default: {', '.join(DEFAULT_FRAMEWORKS)})",
    )
    add_load_arguments(parser)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="timed runs per app, interleaved; the best is reported (default 1)",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also serve a bare WSGI app answering 'ok' (the server's own ceiling)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    load = Load(args.threads, args.connections, args.duration, args.warmup)
    frameworks = [f for f in FRAMEWORKS if f in (args.framework or DEFAULT_FRAMEWORKS)]
    frameworks += ["bare"] if args.baseline else []
    scenarios = [SCENARIOS[name] for name in (args.scenario or DEFAULT_SCENARIOS)]
    print(
        f"Gunicorn, 1 sync worker, on {HOST}; wrk -t{load.threads} -c{load.connections} "
        f"-d{load.seconds}s after a {load.warmup_seconds} s warm-up, best of {args.rounds} "
        f"interleaved run(s); {os.cpu_count()} CPUs shared by wrk and the server\n",
        flush=True,
    )
    results: dict[str, dict[str, WrkResult]] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="flagon-wire-") as logs:
        for scenario in scenarios:
            print(f"{scenario.name}: {scenario.description}", file=sys.stderr, flush=True)
            best, scenario_failed = best_runs(scenario, frameworks, load, args.rounds, Path(logs))
            results[scenario.name] = best
            failed = failed or scenario_failed
    print()
    print(format_table(results, frameworks, args.markdown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
