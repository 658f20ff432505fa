"""The click groups: ``AppGroup`` (commands in the app context) and ``FlagonGroup`` (the
``flagon`` command with its ``--app``, ``--env-file``, ``--debug`` and ``--version`` options, and
the plugin commands of the ``flagon.commands`` and ``flask.commands`` entry point groups)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import traceback
import typing as t
from functools import update_wrapper

import click
from click.core import ParameterSource

from ..globals import _app_ctx_stack
from .discovery import NoAppException, ScriptInfo, load_dotenv

if t.TYPE_CHECKING:
    from ..app import Flagon

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run the command callback inside the application's context (pushing one unless one is
    active). Commands of ``app.cli`` and blueprints' ``cli`` get this without asking."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if _app_ctx_stack.top is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in the app context (``with_appcontext=False`` opts
    out) and whose subgroups are AppGroups too."""

    def command(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]:
        """Like :meth:`click.Group.command`, wrapping the callback in :func:`with_appcontext`."""
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            return click.Group.command(self, *args, **kwargs)(with_appcontext(f) if wrap else f)

        return decorator

    def group(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:
        """Like :meth:`click.Group.group`, making an :class:`AppGroup` by default."""
        kwargs.setdefault("cls", AppGroup)
        return super().group(*args, **kwargs)


# -- the group's own options ---------------------------------------------------------------------


class EnvOption(click.Option):
    """A click option whose automatic ``FLAGON_…`` environment variable falls back to its
    ``FLASK_…`` namesake: ``FLASK_APP``, ``FLASK_RUN_PORT``… work when the flagon one is unset."""

    def resolve_envvar_value(self, ctx: click.Context) -> str | None:
        value = super().resolve_envvar_value(ctx)
        prefix = ctx.auto_envvar_prefix
        if value is None and self.allow_from_autoenv and self.name and prefix:
            if prefix == "FLAGON" or prefix.startswith("FLAGON_"):
                value = os.environ.get(f"FLASK{prefix[6:]}_{self.name.upper()}") or None
        return value


def _set_app(ctx: click.Context, param: click.Option, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Option, value: bool) -> bool | None:
    source = ctx.get_parameter_source(param.name)
    if source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return None
    # An environment variable, so that an app factory already sees it.
    os.environ["FLAGON_DEBUG"] = "1" if value else "0"
    return value


def _load_env_files(ctx: click.Context, param: click.Option, value: str | None) -> str | None:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
            ) from None
    info = ctx.ensure_object(ScriptInfo)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)
    return value


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def get_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """The ``--version`` callback: print the Python, flagon and (when installed) Werkzeug
    versions, then exit."""
    if not value or ctx.resilient_parsing:
        return
    from ..__about__ import __version__

    flagon_version = _installed_version("flagon") or __version__  # or a source checkout's
    lines = [f"Python {platform.python_version()}", f"flagon {flagon_version}"]
    if werkzeug := _installed_version("werkzeug"):
        lines.append(f"Werkzeug {werkzeug}")
    click.echo("\n".join(lines), color=ctx.color)
    ctx.exit()


# --env-file comes first: it is eager, so variables it sets (FLAGON_APP…) are seen by the rest.
_env_file_option = EnvOption(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help="Load environment variables from this file, taking precedence over '.env',"
    " '.flagonenv' and '.flaskenv'. Variables already set in the environment win. Needs"
    " python-dotenv.",
    is_eager=True,
    expose_value=False,
    callback=_load_env_files,
)
_app_option = EnvOption(
    ["-A", "--app"],
    metavar="IMPORT",
    help="The application or factory to load, as 'module:name'. The module can be a dotted"
    " import or a file path. The name is not needed if it is 'app', 'application',"
    " 'create_app' or 'make_app', and can be 'name(args)' to pass literal arguments.",
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)
_debug_option = EnvOption(
    ["--debug/--no-debug"], help="Set debug mode.", expose_value=False, callback=_set_debug
)
version_option = click.Option(
    ["--version"],
    help="Show the Python, flagon and Werkzeug versions.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


class FlagonGroup(AppGroup):
    """The ``flagon`` command group: ``--app``, ``--env-file``, ``--debug`` and ``--version``, the
    built-in ``run``, ``routes`` and ``shell``, plugins from the ``flagon.commands`` and
    ``flask.commands`` entry point groups, and the loaded app's own ``app.cli`` commands.

    ``create_app`` builds the app for a custom script (``FlagonGroup(create_app=make_app)``).

    A ``flask.commands`` plugin (a Flask extension's command, such as Flask-Limiter's
    ``limiter``) is imported when it is used or listed, after :mod:`flagon.compat` is turned on
    so that the ``flask`` it imports is flagon.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Flagon] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params = [*(extra.pop("params", None) or ()), _env_file_option, _app_option, _debug_option]
        if add_version_option:
            params.append(version_option)
        extra.setdefault("context_settings", {}).setdefault("auto_envvar_prefix", "FLAGON")
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            from .commands import routes_command, run_command, shell_command

            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
        self._loaded_plugin_commands = False
        self._flask_plugins: dict[str, importlib.metadata.EntryPoint] = {}

    def _load_plugin_commands(self) -> None:
        if self._loaded_plugin_commands:
            return
        for entry_point in importlib.metadata.entry_points(group="flagon.commands"):
            self.add_command(entry_point.load(), entry_point.name)
        for entry_point in importlib.metadata.entry_points(group="flask.commands"):
            if entry_point.name not in self.commands:
                self._flask_plugins.setdefault(entry_point.name, entry_point)
        self._loaded_plugin_commands = True

    def _load_flask_plugin(self, name: str) -> click.Command | None:
        """The ``flask.commands`` plugin ``name``, imported with :mod:`flagon.compat` on."""
        entry_point = self._flask_plugins.get(name)
        if entry_point is None:
            return None
        try:
            importlib.import_module("flagon.compat").install()
        except ImportError as e:  # the real flask was imported first
            click.secho(
                f"Error: the Flask extension command {name!r} can't be loaded: {e}\n",
                err=True,
                fg="red",
            )
            return None
        command = entry_point.load()
        self.add_command(command, name)
        del self._flask_plugins[name]
        return command

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._load_plugin_commands()
        # Built-in and plugin commands work even when the app fails to load.
        command = super().get_command(ctx, name) or self._load_flask_plugin(name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        # The app's commands, and their parameter callbacks, run in its context.
        top = _app_ctx_stack.top
        if top is None or top.app is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        names = set(super().list_commands(ctx)) | set(self._flask_plugins)
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        # Makes app.run() a no-op: a module calling it at import time would block the command.
        # Restored afterwards, so that a process invoking the group (tests) is left as it was.
        previous = os.environ.get("FLAGON_RUN_FROM_CLI")
        os.environ["FLAGON_RUN_FROM_CLI"] = "true"

        def restore() -> None:
            if previous is None:
                os.environ.pop("FLAGON_RUN_FROM_CLI", None)
            else:
                os.environ["FLAGON_RUN_FROM_CLI"] = previous

        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except BaseException:
            restore()
            raise
        ctx.call_on_close(restore)
        return ctx

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        ):
            # The help lists app commands: read FLAGON_APP and the env files before it prints.
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)
