"""Finding the application: ``--app`` values, app factories, ``ScriptInfo``, dotenv files."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import sys
import traceback
import typing as t
from types import ModuleType

import click

from ..app import Flagon
from ..helpers import _environ_setting
from ..helpers import get_debug_flag as get_debug_flag
from ..helpers import get_load_dotenv as get_load_dotenv


class NoAppException(click.UsageError):
    """The application could not be found or loaded."""


def find_best_app(module: ModuleType) -> Flagon:
    """The app in ``module``: ``app`` or ``application``, the only Flagon instance, or what the
    ``create_app`` / ``make_app`` factory returns when called without arguments."""
    for name in ("app", "application"):
        if isinstance(found := getattr(module, name, None), Flagon):
            return found

    matches = [value for value in module.__dict__.values() if isinstance(value, Flagon)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NoAppException(
            f"Detected multiple flagon applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to say which one."
        )

    for name in ("create_app", "make_app"):
        factory = getattr(module, name, None)
        if not inspect.isfunction(factory):
            continue
        try:
            app = factory()
        except TypeError as e:
            if not _called_with_wrong_args(factory):
                raise
            raise NoAppException(
                f"Detected factory '{name}' in module '{module.__name__}', but could not call it"
                f" without arguments. Use '{module.__name__}:{name}(args)' to pass arguments."
            ) from e
        if isinstance(app, Flagon):
            return app

    raise NoAppException(
        f"Failed to find a flagon application or factory in module '{module.__name__}'."
        f" Use '{module.__name__}:name' to name one." + _real_flask_hint(*module.__dict__.values())
    )


def _real_flask_hint(*values: object) -> str:
    """A hint for apps made with the real Flask, which the module imported before
    :mod:`flagon.compat` could make ``flask`` flagon's."""
    for value in values:
        cls = type(value)
        if cls.__name__ == "Flask" and cls.__module__.partition(".")[0] == "flask":
            return (
                " The Flask application found was made with the real Flask: 'import flagon.compat'"
                " before anything imports flask (at the top of the module, or in a wsgi.py"
                " importing it) to run it on flagon."
            )
    return ""


def _called_with_wrong_args(function: t.Callable[..., t.Any]) -> bool:
    """Whether the ``TypeError`` being handled comes from the call itself rather than from
    inside ``function`` (whose frame then appears in the traceback)."""
    tb = sys.exc_info()[2]
    try:
        while tb is not None:
            if tb.tb_frame.f_code is function.__code__:
                return False
            tb = tb.tb_next
        return True
    finally:
        del tb  # break the frame reference cycle


def _parse_app_name(app_name: str) -> tuple[str, tuple[list, dict] | None]:
    """``"name"`` → (name, None); ``"factory(1, key='x')"`` → (name, (args, kwargs)). Arguments
    must be literals: they are read with :func:`ast.literal_eval`, never executed."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        expr = None
    if isinstance(expr, ast.Name):
        return expr.id, None
    if not isinstance(expr, ast.Call):
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    not_literal = NoAppException(f"Failed to parse arguments as literal values: {app_name!r}.")
    if any(kw.arg is None for kw in expr.keywords):  # **mapping
        raise not_literal
    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in expr.keywords}
    except (ValueError, TypeError, SyntaxError, RecursionError):
        raise not_literal from None
    return expr.func.id, (args, kwargs)


def find_app_by_string(module: ModuleType, app_name: str) -> Flagon:
    """The app named by ``app_name`` in ``module``: an attribute, or a factory called with the
    literal arguments given (``"create_app('dev', debug=True)"``)."""
    name, call = _parse_app_name(app_name)
    try:
        app = getattr(module, name)
    except AttributeError as e:
        raise NoAppException(f"Failed to find attribute {name!r} in {module.__name__!r}.") from e

    if inspect.isfunction(app):
        factory = app
        args, kwargs = call or ([], {})
        try:
            app = factory(*args, **kwargs)
        except TypeError as e:
            if not _called_with_wrong_args(factory):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not be called"
                " with the specified arguments."
            ) from e
    elif call is not None:
        raise NoAppException(f"{name!r} in module {module.__name__!r} is not a function.")

    if isinstance(app, Flagon):
        return app
    raise NoAppException(
        f"A valid flagon application was not obtained from '{module.__name__}:{app_name}'."
        + _real_flask_hint(app)
    )


def prepare_import(path: str) -> str:
    """The module name for a file or folder path (``src/pkg/app.py`` → ``pkg.app``); the folder
    above the outermost package goes first on ``sys.path``."""
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _is_missing_module(error: ImportError, module_name: str) -> bool:
    """Whether ``error`` says that ``module_name`` (or a package above it) doesn't exist, as
    opposed to an import failing inside the module."""
    missing = getattr(error, "name", None)
    return (
        isinstance(error, ModuleNotFoundError)
        and missing is not None
        and (module_name == missing or module_name.startswith(missing + "."))
    )


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Flagon | None:
    """Import ``module_name`` and find the app in it (see :func:`find_best_app`)."""
    try:
        importlib.import_module(module_name)
    except ImportError as e:
        if not _is_missing_module(e, module_name):
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:\n\n"
                f"{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


class ScriptInfo:
    """What the CLI knows about the application: how to load it, and the loaded app.

    ``create_app`` (called without arguments) takes precedence over ``app_import_path``.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Flagon] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Arbitrary data commands may share.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        #: Whether ``.flaskenv``, ``.flagonenv`` and ``.env`` are to be loaded (the option
        #: callbacks do it).
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self._loaded_app: Flagon | None = None

    def load_app(self) -> Flagon:
        """The application, loaded on the first call."""
        if self._loaded_app is not None:
            return self._loaded_app
        app: Flagon | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            # "module:name", but not the colon of a Windows drive ("C:\\app.py").
            path, *rest = re.split(r":(?![\\/])", self.app_import_path, maxsplit=1)
            name = rest[0] if rest else None
            app = locate_app(prepare_import(path), name)
        else:
            for path in ("wsgi.py", "app.py"):
                app = locate_app(prepare_import(path), None, raise_if_not_found=False)
                if app is not None:
                    break
        if app is None:
            raise NoAppException(
                "Could not locate a flagon application. Use the 'flagon --app' option, the"
                " 'FLAGON_APP' (or 'FLASK_APP') environment variable, or a 'wsgi.py' or 'app.py'"
                " file in the current directory."
            )
        # Only FLAGON_DEBUG / FLASK_DEBUG (or --debug) override the DEBUG the app configured.
        if self.set_debug_flag and _environ_setting("DEBUG") is not None:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


#: The default dotenv files, in the order they load (a later one wins): Flask's ``.flaskenv``
#: is read as a fallback for ``.flagonenv``.
DOTENV_FILES = (".flaskenv", ".flagonenv", ".env")


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from ``.flaskenv``, ``.flagonenv`` and ``.env`` (the nearest of
    each, searching up from the current folder), then from ``path``: a later file wins, and
    variables already in the environment are never replaced. The current folder stays as it is.
    Returns whether a file had a variable; without python-dotenv it returns False, printing a tip
    when such files exist."""
    try:
        import dotenv
    except ImportError:
        if path or any(os.path.isfile(name) for name in DOTENV_FILES):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    data: dict[str, str | None] = {}
    if load_defaults:
        for name in DOTENV_FILES:
            if found := dotenv.find_dotenv(name, usecwd=True):
                data |= dotenv.dotenv_values(found, encoding="utf-8")
    if path is not None and os.path.isfile(path):
        data |= dotenv.dotenv_values(path, encoding="utf-8")
    for key, value in data.items():
        if key not in os.environ and value is not None:
            os.environ[key] = value
    return bool(data)
