"""``import flagon.compat``: ``flask`` and ``flask_login`` imports resolve to flagon's modules.

Each check runs in a fresh interpreter, since the aliases last for the whole process.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import flagon

ROOT = Path(flagon.__file__).resolve().parents[1]
REAL_FLASK = importlib.machinery.PathFinder.find_spec("flask")

# The modules Flask code and extensions import (importing flagon.compat here would turn the
# aliases on for the whole test session: the checks run in subprocesses).
FLASK_MODULES = [
    "flask",
    "flask.app",
    "flask.blueprints",
    "flask.cli",
    "flask.config",
    "flask.ctx",
    "flask.debughelpers",
    "flask.globals",
    "flask.helpers",
    "flask.json",
    "flask.json.provider",
    "flask.json.tag",
    "flask.logging",
    "flask.sansio",
    "flask.sansio.app",
    "flask.sansio.blueprints",
    "flask.sansio.scaffold",
    "flask.sessions",
    "flask.signals",
    "flask.templating",
    "flask.testing",
    "flask.typing",
    "flask.views",
    "flask.wrappers",
    "flask_login",
    "flask_login.config",
    "flask_login.login_manager",
    "flask_login.mixins",
    "flask_login.signals",
    "flask_login.test_client",
    "flask_login.utils",
]

EXTENSIONS = [
    "flask_sqlalchemy",
    "flask_wtf",
    "flask_migrate",
    "flask_caching",
    "flask_cors",
    "flask_limiter",
    "flask_babel",
    "flask_session",
    "flask_restful",
    "flask_smorest",
    "flask_mail",
    "flask_talisman",
    "flask_compress",
    "flask_debugtoolbar",
]

# Appended to each script: the files of the real Flask that got imported (there must be none).
REAL_FLASK_FILES = """
import importlib.machinery, json as _json, os as _os, sys as _sys
_spec = importlib.machinery.PathFinder.find_spec("flask")
_real = _os.path.dirname(_spec.origin) + _os.sep if _spec else None
_files = [getattr(m, "__file__", None) or "" for m in list(_sys.modules.values())]
print(_json.dumps([f for f in _files if _real and f.startswith(_real)]))
"""


def run(source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``source`` in a new interpreter, in ``tmp_path``, with this checkout's flagon."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_ok(source: str, tmp_path: Path) -> list[str]:
    """Run ``source`` followed by the real-Flask check; fail on an error or a real Flask file.
    Returns the script's output lines before the check."""
    result = run(textwrap.dedent(source) + REAL_FLASK_FILES, tmp_path)
    assert result.returncode == 0, result.stderr
    *lines, real_files = result.stdout.splitlines()
    assert json.loads(real_files) == []
    return lines


def test_flask_is_flagon_under_flasks_names(tmp_path):
    run_ok(
        """
        import sys
        import flagon.compat
        import flask
        import flagon, flagon.cli, flagon.testing, flagon.json.provider
        from flagon.compat.aliasing import AliasModule

        assert sys.modules["flask"] is flask and isinstance(flask, AliasModule)
        assert flask.__spec__.origin == "flagon"
        assert flask.Flask is flagon.Flagon
        assert flask.request is flagon.request and flask.g is flagon.g
        assert flask.current_app is flagon.current_app and flask.session is flagon.session
        from flask import Blueprint, Response, abort, jsonify, render_template, url_for
        assert (Blueprint, Response, abort, jsonify, render_template, url_for) == (
            flagon.Blueprint, flagon.Response, flagon.abort, flagon.jsonify,
            flagon.render_template, flagon.url_for)

        from flask.app import Flask
        from flask.sansio.app import App
        from flask.cli import FlaskGroup, AppGroup, ScriptInfo, with_appcontext
        from flask.testing import FlaskClient, FlaskCliRunner, EnvironBuilder
        from flask.json.provider import DefaultJSONProvider
        assert Flask is App is flagon.Flagon
        assert FlaskGroup is flagon.cli.FlagonGroup and AppGroup is flagon.cli.AppGroup
        assert ScriptInfo is flagon.cli.ScriptInfo
        assert with_appcontext is flagon.cli.with_appcontext
        assert FlaskClient is flagon.testing.FlagonClient
        assert FlaskCliRunner is flagon.testing.FlagonCliRunner
        assert EnvironBuilder is flagon.testing.EnvironBuilder
        assert DefaultJSONProvider is flagon.json.provider.DefaultJSONProvider

        # The submodules are the aliases, whether reached as attributes or imported.
        assert flask.json is sys.modules["flask.json"]
        assert flask.json.provider is sys.modules["flask.json.provider"]
        assert flask.cli is sys.modules["flask.cli"]
        """,
        tmp_path,
    )


def test_flask_login_is_flagon_ext_login(tmp_path):
    run_ok(
        """
        import flagon.compat
        import flask_login
        from flask_login import LoginManager, UserMixin, current_user, login_required
        from flask_login import FlaskLoginClient
        from flask_login.utils import _get_user, login_url, decode_cookie, login_user
        from flask_login.login_manager import LoginManager as Manager
        from flask_login.mixins import AnonymousUserMixin
        from flask_login.config import COOKIE_NAME, EXEMPT_METHODS
        from flask_login.signals import user_logged_in
        from flask_login.test_client import FlaskLoginClient as Client
        import flagon.ext.login as login
        from flagon.ext.login import utils, urls, remember

        assert LoginManager is Manager is login.LoginManager
        assert UserMixin is login.UserMixin and AnonymousUserMixin is login.AnonymousUserMixin
        assert current_user is login.current_user and login_required is login.login_required
        assert FlaskLoginClient is Client is login.FlaskLoginClient
        assert _get_user is utils._get_user and login_user is login.login_user
        assert login_url is urls.login_url and decode_cookie is remember.decode_cookie
        assert user_logged_in is login.user_logged_in
        assert COOKIE_NAME == "remember_token" and "OPTIONS" in EXEMPT_METHODS
        """,
        tmp_path,
    )


def test_every_flask_module_imports_as_its_flagon_module(tmp_path):
    lines = run_ok(
        f"""
        import importlib
        import flagon.compat
        from flagon.compat.aliasing import AliasModule
        for name in {FLASK_MODULES!r}:
            module = importlib.import_module(name)
            assert isinstance(module, AliasModule), name
            target = module._flagon_target
            names = target is None or set(dir(target)) <= set(dir(module))
            print(name, target and target.__name__, names)
        """,
        tmp_path,
    )
    found = {name: (target, names) for name, target, names in map(str.split, lines)}
    assert list(found) == FLASK_MODULES
    assert found["flask.sansio"] == ("None", "True")
    assert found["flask.json.provider"] == ("flagon.json.provider", "True")
    assert found["flask_login.login_manager"] == ("flagon.ext.login.manager", "True")
    assert all(target.startswith("flagon") for target, _ in found.values() if target != "None")
    assert all(names == "True" for _, names in found.values())


def test_flask_helpers_and_flask_typing_names(tmp_path):
    run_ok(
        """
        import flagon.compat
        from flask.helpers import get_debug_flag, get_load_dotenv, get_root_path
        from flask.helpers import get_template_attribute, send_file, stream_with_context
        from flask.typing import ResponseReturnValue, RouteCallable, ErrorHandlerCallable
        from flask.debughelpers import DebugFilesKeyError, explain_template_loading_attempts
        from flask.sessions import SecureCookieSessionInterface, SessionInterface, SessionMixin
        from flask.signals import Namespace, got_request_exception, template_rendered
        from flask.ctx import AppContext, RequestContext, after_this_request
        from flask.globals import app_ctx, request_ctx, current_app
        from flask.views import MethodView, View
        from flask.wrappers import Request, Response
        from flask.cli import get_version, version_option, load_dotenv, SeparatedPathType
        import flagon, flagon.helpers, flagon.scaffold
        assert get_root_path is flagon.scaffold.get_root_path
        assert get_template_attribute is flagon.get_template_attribute
        assert get_debug_flag is flagon.helpers.get_debug_flag
        assert issubclass(DebugFilesKeyError, KeyError)
        assert (Request, Response) == (flagon.Request, flagon.Response)
        """,
        tmp_path,
    )


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_flask_extension_imports_on_flagon(extension, tmp_path):
    """The extension and each of its submodules import, finding every ``flask`` name they ask
    for in flagon. Submodules needing an optional dependency that isn't installed are skipped."""
    if importlib.util.find_spec(extension) is None:
        pytest.skip(f"{extension} is not installed")
    lines = run_ok(
        f"""
        import importlib, pkgutil, sys
        import flagon, flagon.compat
        from flagon.compat.aliasing import AliasModule

        package = importlib.import_module({extension!r})
        names = [info.name for info in pkgutil.walk_packages(package.__path__, {extension!r} + ".")]
        for name in names:
            try:
                importlib.import_module(name)
            except Exception as e:
                missing = getattr(e, "name", None) or ""
                if missing.partition(".")[0] in ("flask", "flask_login") or "'flask" in str(e):
                    raise
                print("optional", name, repr(e))
        assert isinstance(sys.modules["flask"], AliasModule)
        assert sys.modules["flask"].Flask is flagon.Flagon
        flask_modules = [n for n in sys.modules if n == "flask" or n.startswith("flask.")]
        assert all(isinstance(sys.modules[n], AliasModule) for n in flask_modules)
        print("imported", len(names) + 1)
        """,
        tmp_path,
    )
    assert lines[-1].startswith("imported ")


def test_importing_compat_after_flask_is_refused(tmp_path):
    result = run(
        """
        import sys, types
        sys.modules["flask"] = types.ModuleType("flask")  # as if the real Flask were imported
        import flagon.compat
        """,
        tmp_path,
    )
    assert result.returncode == 1
    assert "FlaskAlreadyImportedError: 'flask' was imported before flagon.compat" in result.stderr
    assert "Import flagon.compat first" in result.stderr


@pytest.mark.skipif(REAL_FLASK is None, reason="the real Flask is not installed")
def test_importing_compat_after_the_real_flask_is_refused(tmp_path):
    result = run("import flask_sqlalchemy\nimport flagon.compat\n", tmp_path)
    assert result.returncode == 1
    assert f"from {REAL_FLASK.origin}" in result.stderr


@pytest.mark.skipif(REAL_FLASK is None, reason="the real Flask is not installed")
def test_uninstall_gives_the_real_flask_back(tmp_path):
    lines = run(
        """
        import flagon.compat
        import flask
        print(flask.Flask.__module__)
        flagon.compat.uninstall()
        del flask
        import flask
        print(flask.Flask.__module__, flagon.compat.installed())
        """,
        tmp_path,
    ).stdout.splitlines()
    assert lines == ["flagon.app", "flask.app False"]


def test_names_flask_lacks_are_not_looked_for_elsewhere(tmp_path):
    lines = run_ok(
        """
        import flagon.compat
        import flask
        for statement in ("import flask.nonexistent", "import flask.sansio.nonexistent",
                          "from flask import NoSuchName", "import flask_login.__about__"):
            try:
                exec(statement)
            except ImportError as e:
                print(type(e).__name__, e)
        try:
            flask.no_such_name
        except AttributeError as e:
            print(e)
        print(hasattr(flask, "__file__"), flask.__path__)
        """,
        tmp_path,
    )
    assert lines == [
        "ModuleNotFoundError No module named 'flask.nonexistent'",
        "ModuleNotFoundError No module named 'flask.sansio.nonexistent'",
        "ImportError cannot import name 'NoSuchName' from 'flask' (unknown location)",
        "ModuleNotFoundError No module named 'flask_login.__about__'",
        "module 'flask' has no attribute 'no_such_name'",
        "False []",
    ]


def test_star_import_and_live_names(tmp_path):
    lines = run_ok(
        """
        import flagon.compat
        from flask import *
        print(Flask.__name__, Blueprint.__name__, request.__class__.__name__, json.__name__)

        import flagon, flask
        def patched(*args, **kwargs):
            return "patched"
        flagon.render_template = patched   # a name changed in flagon shows through the alias
        print(flask.render_template())
        flask.url_for = patched            # a name set on the alias stays on the alias
        print(flagon.url_for is patched)
        """,
        tmp_path,
    )
    assert lines == ["Flagon Blueprint LocalProxy flask.json", "patched", "False"]


def test_compat_leaves_flagon_itself_unchanged(tmp_path):
    lines = run_ok(
        """
        import importlib
        import flagon.compat
        from flagon.compat.modules import MODULES
        for name in MODULES:
            importlib.import_module(name)
        import flagon, flagon.json, flagon.cli
        print(flagon.__spec__.name, flagon.json.__spec__.name, flagon.cli.__spec__.name)
        print(hasattr(flagon, "Flask"), hasattr(flagon.cli, "FlaskGroup"))
        """,
        tmp_path,
    )
    assert lines == ["flagon flagon.json flagon.cli", "False False"]


def test_unmodified_flask_code_runs(tmp_path):
    (tmp_path / "hello.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask, jsonify, request, session
            from flask_login import LoginManager, UserMixin, current_user, login_required
            from flask_login import login_user

            app = Flask(__name__)
            app.secret_key = "dev"
            login_manager = LoginManager(app)

            class User(UserMixin):
                def __init__(self, id):
                    self.id = id

            @login_manager.user_loader
            def load_user(user_id):
                return User(user_id)

            @app.post("/login/<name>")
            def login(name):
                login_user(User(name))
                return "ok"

            @app.get("/me")
            @login_required
            def me():
                return jsonify(user=current_user.id, lang=request.args.get("lang"))
            """
        )
    )
    lines = run_ok(
        """
        import flagon.compat
        from hello import app
        client = app.test_client()
        print(client.get("/me").status_code)
        client.post("/login/ada")
        print(sorted(client.get("/me?lang=fr").get_json().items()))
        import flask.testing
        print(isinstance(client, flask.testing.FlaskClient))
        """,
        tmp_path,
    )
    assert lines == ["401", "[('lang', 'fr'), ('user', 'ada')]", "True"]
