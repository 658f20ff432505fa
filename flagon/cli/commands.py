"""The built-in commands: ``flagon run``, ``flagon routes`` and ``flagon shell``."""

from __future__ import annotations

import os
import sys
import traceback
import typing as t
from functools import partial
from operator import itemgetter

import click

from .discovery import ScriptInfo, get_debug_flag
from .groups import EnvOption, _debug_option, pass_script_info, with_appcontext

#: ``click.option`` whose environment variable (``FLAGON_RUN_PORT``) falls back to Flask's
#: (``FLASK_RUN_PORT``).
option = partial(click.option, cls=EnvOption)


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """The lines printed once when the server starts (not again on each reload)."""
    from ..serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving flagon app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


class SeparatedPathType(click.Path):
    """Paths separated by the OS's path separator (``:``, or ``;`` on Windows)."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        convert = super().convert
        return [convert(item, param, ctx) for item in self.split_envvar_value(value)]


def _failed_app(error: Exception) -> t.Callable[..., t.Iterable[bytes]]:
    """A WSGI app answering 500 with the error that kept the real app from loading."""
    body = f"The application failed to load:\n\n{error!r}\n\nSee the server output.\n".encode()

    def app(environ: dict, start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        start_response(
            "500 INTERNAL SERVER ERROR",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


@click.command("run", short_help="Run a development server.")
@option("--host", "-h", default="127.0.0.1", show_default=True, help="The interface to bind to.")
@option("--port", "-p", default=5000, show_default=True, help="The port to bind to.")
@option(
    "--reload/--no-reload",
    default=None,
    help="Restart the server when a Python file of the project changes. On in debug mode.",
)
@option(
    "--debugger/--no-debugger",
    default=None,
    help="Accepted for Flask compatibility: the debug error page follows debug mode.",
)
@option(
    "--server",
    type=click.Choice(["waitress", "uvicorn", "granian"]),
    default="waitress",
    show_default=True,
    help="waitress serves the app over WSGI; uvicorn and granian over ASGI (WebSockets too).",
)
@option(
    "--threads", type=click.IntRange(min=1), default=8, show_default=True, help="Worker threads."
)
@option(
    "--with-threads/--without-threads",
    default=True,
    help="Accepted for Flask compatibility; --without-threads means one worker thread.",
)
@option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(exists=True),
    help=f"Other files whose change restarts the server, separated by {os.path.pathsep!r}.",
)
@option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="fnmatch patterns of files that never restart the server, separated by"
    f" {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    server: str,
    threads: int,
    with_threads: bool,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Serve the application with waitress on 127.0.0.1 (use --host to listen elsewhere), or
    over ASGI with uvicorn or granian (--server).

    With --debug the server restarts when a Python file of the project changes. For
    production, run Gunicorn, waitress, granian or uvicorn directly (docs/asgi.md).
    """
    from ..serving import is_running_from_reloader, run_simple

    app: t.Callable[..., t.Any]
    try:
        app = info.load_app()
    except Exception as e:
        if not is_running_from_reloader():
            raise
        # After an edit broke the app: show why, and keep serving until the next edit.
        traceback.print_exc()
        app = _failed_app(e)

    # The app's own DEBUG counts too (load_app already applied FLAGON_DEBUG to it).
    debug = getattr(app, "debug", None)
    if debug is None:
        debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)
    run_simple(
        host,
        port,
        app,
        threads=threads if with_threads else 1,
        use_reloader=debug if reload is None else reload,
        use_debugger=debugger,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
        server=server,
    )


run_command.params.insert(0, _debug_option)


@click.command("shell", short_help="Run a Python shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Start an interactive Python shell with the application's context pushed, and the names
    from the app's shell context processors (``app`` and ``g`` at least) defined."""
    import code

    from ..globals import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup) as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())

    # Readline and history only for a terminal: a script piped in leaves ~/.python_history alone.
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None and sys.stdin.isatty():
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        hook()
    code.interact(banner=banner, local=namespace, exitmsg="")


def _match_order(rules: list[t.Any]) -> dict[int, int]:
    """Each rule's position (by ``id``) in the order requests are matched against them."""
    from ..routing.priority import variants

    first_seen: dict[tuple, int] = {}
    keyed = []
    for index, rule in enumerate(rules):
        found = variants(rule, index, first_seen)
        # Build-only rules never match: list them last.
        keyed.append(((0, found[0].key) if found else (1, index), index, rule))
    keyed.sort(key=itemgetter(0, 1))
    return {id(rule): position for position, (_, _, rule) in enumerate(keyed)}


@click.command("routes", short_help="Show the routes of the app.")
@option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="How to sort the routes; 'match' is the order requests are matched in.",
)
@option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods too.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show every route: endpoint, methods, domain (when one is used) and rule."""
    from ..globals import current_app

    url_map = current_app.url_map
    rules = list(url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    domain_of = (lambda r: r.host or "") if url_map.host_matching else (lambda r: r.subdomain or "")
    has_domain = any(domain_of(rule) for rule in rules)
    if sort == "match":
        order = _match_order(rules)
        rules.sort(key=lambda rule: order[id(rule)])

    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - hidden))]
        if has_domain:
            row.append(domain_of(rule))
        row.append(rule.rule)
        rows.append(row)

    headers = ["Endpoint", "Methods", "Rule"]
    columns = ["endpoint", "methods", "rule"]
    if has_domain:
        headers.insert(2, "Host" if url_map.host_matching else "Subdomain")
        columns.insert(2, "domain")
    if sort in columns:
        rows.sort(key=itemgetter(columns.index(sort)))

    rows.insert(0, headers)
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    rows.insert(1, ["-" * width for width in widths])
    template = "  ".join(f"{{{i}:<{width}}}" for i, width in enumerate(widths))
    for row in rows:
        click.echo(template.format(*row).rstrip())
