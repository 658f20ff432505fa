"""The development server: waitress serving the app (or uvicorn or granian, over ASGI), and a
reloader restarting it on code changes.

With the reloader on, this process opens the listening socket, then only watches files
(watchfiles) and runs the server in a child process that inherits the socket; on a change the
child is replaced. Requests arriving during a restart wait in the socket's backlog instead of
being refused, and ``port=0`` keeps the port the system picked.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import socket
import subprocess
import sys
import threading
import typing as t
from functools import partial

#: The servers ``flagon run --server`` can start: WSGI (waitress) and ASGI (uvicorn, granian).
SERVERS = ("waitress", "uvicorn", "granian")

#: Set in the server process the reloader starts (and only there).
RUN_MAIN_ENV = "FLAGON_RUN_MAIN"
#: The inherited listening socket's file descriptor, in that process.
SERVER_FD_ENV = "FLAGON_SERVER_FD"

#: Directory names whose files never trigger a reload: installed packages and tool caches.
IGNORED_DIRS = (
    "__pycache__",
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "site-packages",
    "dist-packages",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".idea",
)


def is_running_from_reloader() -> bool:
    """Whether this process is the server the reloader started."""
    return os.environ.get(RUN_MAIN_ENV) == "true"


def run_simple(
    host: str,
    port: int,
    app: t.Callable[..., t.Any],
    *,
    threads: int = 8,
    use_reloader: bool = False,
    extra_files: t.Iterable[str] | None = None,
    exclude_patterns: t.Iterable[str] | None = None,
    threaded: bool = True,
    use_debugger: bool | None = None,
    use_evalex: bool | None = None,
    server: str = "waitress",
    **options: t.Any,
) -> None:
    """Serve ``app`` on ``host:port`` with waitress (or ``server``: uvicorn or granian, which
    serve it over ASGI) until interrupted.

    ``use_reloader`` restarts the server whenever a Python file of the project changes (the app's
    root path and the current directory; installed packages, caches and version control are
    ignored) or one of ``extra_files`` does. ``threaded=False`` means a single worker thread.
    The debug error page (:mod:`flagon.debug`) follows the app's debug mode unless
    ``use_debugger=False``; ``use_evalex`` is accepted for Flask compatibility. Other ``options``
    go to the server.
    """
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}: choose one of {', '.join(SERVERS)}")
    if not threaded:
        threads = 1
    if use_debugger is not False and hasattr(app, "debug"):
        from .debug import DebuggedApplication

        if server == "waitress":
            app = DebuggedApplication(app)
        else:  # around the pipeline, which ASGI requests go through too
            app.wsgi_app = DebuggedApplication(app.wsgi_app)  # type: ignore[attr-defined]
    serve = partial(_SERVE[server], app, threads=threads, **options)
    if is_running_from_reloader():
        fd = os.environ.get(SERVER_FD_ENV)
        serve(host, port, socket.socket(fileno=int(fd)) if fd else None)
        return

    if not use_reloader:
        _print_banner(host, port)
        serve(host, port, None)
        return

    sock = bind_socket(host, port)
    _print_banner(*sock.getsockname()[:2])
    roots = watch_roots(getattr(app, "root_path", None), os.getcwd())
    watch_filter = ProjectFilter(roots, extra_files, exclude_patterns)
    if os.name == "nt" or server == "granian":
        # No descriptor to inherit (Windows; granian binds its own): the server binds itself.
        sock.close()
    run_with_reloader(sock, [*roots, *watch_filter.extra_files], watch_filter)


def _waitress(
    app: t.Any, host: str, port: int, sock: socket.socket | None, threads: int, **options: t.Any
) -> None:
    import waitress

    if sock is not None:
        waitress.serve(app, sockets=[sock], threads=threads, **options)
    else:
        waitress.serve(app, host=host, port=port, threads=threads, **options)


def _uvicorn(
    app: t.Any, host: str, port: int, sock: socket.socket | None, threads: int, **options: t.Any
) -> None:
    import uvicorn

    options.setdefault("log_level", "info")
    config = uvicorn.Config(
        app.asgi_app, host=host, port=port, interface="asgi3", lifespan="on", **options
    )
    uvicorn.Server(config).run(sockets=None if sock is None else [sock])


def _granian(
    app: t.Any, host: str, port: int, sock: socket.socket | None, threads: int, **options: t.Any
) -> None:
    import asyncio

    from granian.constants import Interfaces
    from granian.server.embed import Server

    if sock is not None:  # granian binds its own socket
        host, port = sock.getsockname()[:2]
        sock.close()
    server = Server(app.asgi_app, address=host, port=port, interface=Interfaces.ASGI, **options)
    asyncio.run(server.serve())


_SERVE: dict[str, t.Callable[..., None]] = {
    "waitress": _waitress,
    "uvicorn": _uvicorn,
    "granian": _granian,
}


def _print_banner(host: str, port: int) -> None:
    print(f" * Running on {server_url(host, port)} (press CTRL+C to quit)", flush=True)
    if host in ("0.0.0.0", "::", ""):
        print(" * Listening on all interfaces: other machines can reach this server.", flush=True)


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # on Windows this would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def server_url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 address in brackets."""
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


# -- the reloader --------------------------------------------------------------------------------


def watch_roots(*paths: str | None) -> list[str]:
    """The distinct folders to watch: each given one, minus those inside another."""
    folders = sorted({os.path.realpath(p) for p in paths if p})
    roots: list[str] = []
    for folder in folders:
        if not any(folder == root or folder.startswith(root + os.sep) for root in roots):
            roots.append(folder)
    return roots


class ProjectFilter:
    """Which changes restart the server: Python sources not in one of :data:`IGNORED_DIRS`
    below the watched ``roots``, and the extra files; minus paths matching one of the fnmatch
    ``exclude_patterns``."""

    def __init__(
        self,
        roots: t.Iterable[str] = (),
        extra_files: t.Iterable[str] | None = None,
        exclude_patterns: t.Iterable[str] | None = None,
    ) -> None:
        # Longest first, so that a path is made relative to the innermost root holding it.
        self.roots = sorted((os.path.join(root, "") for root in roots), key=len, reverse=True)
        self.extra_files = frozenset(os.path.realpath(p) for p in extra_files or ())
        self.exclude_patterns = tuple(exclude_patterns or ())
        self._ignored = frozenset(IGNORED_DIRS)

    def __call__(self, change: t.Any, path: str) -> bool:
        if any(fnmatch.fnmatch(path, pattern) for pattern in self.exclude_patterns):
            return False
        if path in self.extra_files:
            return True
        if not path.endswith((".py", ".pyx", ".pyd")):
            return False
        # Only folders below the root count: a project may itself live in a folder named "venv".
        root = next((root for root in self.roots if path.startswith(root)), "")
        return self._ignored.isdisjoint(path[len(root) :].split(os.sep))


def run_with_reloader(
    sock: socket.socket,
    paths: t.Sequence[str],
    watch_filter: t.Callable[[t.Any, str], bool],
) -> None:
    """Run this same command as a child serving on ``sock``; replace it whenever a watched file
    changes; stop it when this process is interrupted or terminated."""
    import watchfiles

    # A terminated parent must not leave its server behind.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_system_exit)
    child = _start_server_process(sock)
    try:
        for changes in watchfiles.watch(*paths, watch_filter=watch_filter, raise_interrupt=True):
            names = ", ".join(sorted(os.path.relpath(path) for _, path in changes))
            print(f" * Detected a change in {names}, reloading", flush=True)
            _stop(child)
            child = _start_server_process(sock)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(child)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_system_exit(signum: int, frame: t.Any) -> None:
    raise SystemExit(128 + signum)


def _start_server_process(sock: socket.socket) -> subprocess.Popen:
    env = {**os.environ, RUN_MAIN_ENV: "true"}
    if os.name == "nt":
        return subprocess.Popen(restart_command(), env=env)
    env[SERVER_FD_ENV] = str(sock.fileno())
    return subprocess.Popen(restart_command(), env=env, pass_fds=(sock.fileno(),))


def _stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def restart_command() -> list[str]:
    """The command line that started this process: ``python -m pkg …``, a script or an
    installed console script."""
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    args = sys.argv[1:]
    if spec is not None and spec.name not in ("__main__", None):
        # Started as ``python -m name`` (``name.__main__`` for a package).
        name = spec.name.removesuffix(".__main__")
        return [sys.executable, "-m", name, *args]
    script = sys.argv[0]
    if os.name == "nt" and not os.path.exists(script) and os.path.exists(script + ".exe"):
        return [script + ".exe", *args]  # console scripts are executables on Windows
    return [sys.executable, script, *args]
