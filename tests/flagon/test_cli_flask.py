"""The ``flagon`` command with Flask's names: ``FLASK_*`` variables and ``.flaskenv`` as fallbacks,
Flask-style ``load_dotenv`` and ``get_version``, and ``flask.commands`` plugins."""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import os
import platform
import re
import sqlite3
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import click
import pytest
from cli_isolation import ENV_VARS, isolate
from click.testing import CliRunner

import flagon
from flagon import Flagon, serving
from flagon import cli as flagon_cli
from flagon.cli import NoAppException, find_app_by_string, find_best_app, get_version, load_dotenv
from flagon.helpers import get_debug_flag, get_load_dotenv

ROOT = Path(flagon.__file__).resolve().parents[1]


APP_MODULE = """
import os
from flagon import Flagon, current_app
app = Flagon(__name__)

@app.cli.command()
def show():
    print(current_app.name, current_app.debug, os.environ.get("SHARED"))
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    yield from isolate(monkeypatch, tmp_path)


def write(path: Path, source: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(flagon_cli.cli, list(args), **kwargs)


# -- FLASK_ variables as fallbacks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("flagon_value", "flask_value", "expected"),
    [
        (None, None, False),
        (None, "1", True),
        (None, "yes", True),
        (None, "0", False),
        (None, "false", False),
        (None, "No", False),
        (None, "FALSE", False),
        ("1", None, True),
        ("0", "1", False),
        ("no", "1", False),
        ("true", "0", True),
        ("", "1", True),  # empty is unset
    ],
)
def test_get_debug_flag(monkeypatch, flagon_value, flask_value, expected):
    for name, value in (("FLAGON_DEBUG", flagon_value), ("FLASK_DEBUG", flask_value)):
        if value is not None:
            monkeypatch.setenv(name, value)
    assert get_debug_flag() is expected
    assert flagon_cli.get_debug_flag is get_debug_flag
    assert Flagon("debug_default").debug is expected


@pytest.mark.parametrize(
    ("flagon_value", "flask_value", "expected"),
    [
        (None, None, True),
        (None, "1", False),
        (None, "0", True),
        ("0", "1", True),
        ("1", "0", False),
    ],
)
def test_get_load_dotenv(monkeypatch, flagon_value, flask_value, expected):
    for name, value in (("FLAGON_SKIP_DOTENV", flagon_value), ("FLASK_SKIP_DOTENV", flask_value)):
        if value is not None:
            monkeypatch.setenv(name, value)
    assert get_load_dotenv() is expected


def test_flask_app_names_the_app(tmp_path):
    write(tmp_path / "flask_named.py", APP_MODULE)
    write(tmp_path / "flagon_named.py", APP_MODULE)
    assert invoke("show", env={"FLASK_APP": "flask_named"}).output == "flask_named False None\n"
    result = invoke("show", env={"FLASK_APP": "flask_named", "FLAGON_APP": "flagon_named"})
    assert result.output == "flagon_named False None\n"
    result = invoke("--app", "flagon_named", "show", env={"FLASK_APP": "flask_named"})
    assert result.output == "flagon_named False None\n"


def test_flask_debug_sets_debug_mode_through_the_cli(tmp_path):
    write(tmp_path / "dbg.py", APP_MODULE + "app.config['DEBUG'] = True\n")
    assert invoke("--app", "dbg", "show", env={"FLASK_DEBUG": "0"}).output == "dbg False None\n"
    del sys.modules["dbg"]
    result = invoke("--app", "dbg", "show", env={"FLASK_DEBUG": "0", "FLAGON_DEBUG": "1"})
    assert result.output == "dbg True None\n"
    del sys.modules["dbg"]
    result = invoke("--app", "dbg", "--no-debug", "show", env={"FLASK_DEBUG": "1"})
    assert result.output == "dbg False None\n"


def test_flask_run_options_from_the_environment(tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr(serving, "run_simple", lambda host, port, app, **kw: served.append(port))
    write(tmp_path / "served.py", APP_MODULE)
    invoke("--app", "served", "run", env={"FLASK_RUN_PORT": "5123"})
    invoke("--app", "served", "run", env={"FLASK_RUN_PORT": "5123", "FLAGON_RUN_PORT": "5124"})
    invoke("--app", "served", "run", "--port", "5125", env={"FLASK_RUN_PORT": "5123"})
    assert served == [5123, 5124, 5125]


def test_from_prefixed_env_reads_flask_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-flask")
    monkeypatch.setenv("FLASK_MAIL_PORT", "25")
    monkeypatch.setenv("FLAGON_MAIL_PORT", "587")
    monkeypatch.setenv("FLASK_DB__HOST", "flask-db")
    monkeypatch.setenv("FLAGON_DB__PORT", "5432")
    app = Flagon("prefixed")
    assert app.config.from_prefixed_env() is True
    assert app.config["SECRET_KEY"] == "from-flask"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["DB"] == {"HOST": "flask-db", "PORT": 5432}
    other = Flagon("other_prefix")
    monkeypatch.setenv("MYAPP_NAME", "mine")
    other.config.from_prefixed_env("MYAPP")
    assert other.config["NAME"] == "mine"
    assert other.config["SECRET_KEY"] is None


# -- dotenv files ----------------------------------------------------------------------------------


def test_flaskenv_loads_before_flagonenv_and_env(tmp_path):
    write(tmp_path / ".flaskenv", "FROM_FLASKENV=1\nSHARED=flaskenv\nFLASK_APP=hello\n")
    assert load_dotenv() is True
    assert os.environ["SHARED"] == "flaskenv" and os.environ["FLASK_APP"] == "hello"
    for name in ("SHARED", "FROM_FLASKENV"):
        del os.environ[name]
    write(tmp_path / ".flagonenv", "FROM_FLAGONENV=1\nSHARED=flagonenv\n")
    load_dotenv()
    assert os.environ["SHARED"] == "flagonenv" and os.environ["FROM_FLASKENV"] == "1"
    del os.environ["SHARED"]
    write(tmp_path / ".env", "FROM_DOTENV=1\nSHARED=dotenv\n")
    load_dotenv()
    assert os.environ["SHARED"] == "dotenv"
    assert os.environ["FROM_FLAGONENV"] == os.environ["FROM_DOTENV"] == "1"


def test_flaskenv_names_the_app_for_the_command(tmp_path):
    write(tmp_path / ".flaskenv", "FLASK_APP=from_flaskenv\nSHARED=flaskenv\n")
    write(tmp_path / "from_flaskenv.py", APP_MODULE)
    assert invoke("show").output == "from_flaskenv False flaskenv\n"


def test_load_dotenv_path_wins_and_load_defaults_false_skips_the_default_files(tmp_path):
    write(tmp_path / ".env", "SHARED=dotenv\nFROM_DOTENV=1\n")
    write(tmp_path / "settings.env", "SHARED=path\nFROM_PATH=1\n")
    assert load_dotenv("settings.env", load_defaults=False) is True
    assert os.environ["SHARED"] == "path" and "FROM_DOTENV" not in os.environ
    del os.environ["SHARED"]
    assert load_dotenv(tmp_path / "settings.env") is True  # a path object, with the defaults
    assert os.environ["SHARED"] == "path" and os.environ["FROM_DOTENV"] == "1"


def test_load_dotenv_return_value(tmp_path):
    assert load_dotenv() is False  # no file
    assert load_dotenv("missing.env") is False
    write(tmp_path / "empty.env", "# nothing\n")
    assert load_dotenv("empty.env", load_defaults=False) is False
    write(tmp_path / "settings.env", "SHARED=path\n")
    os.environ["SHARED"] = "already"
    # A variable was found, even though the environment's value is kept.
    assert load_dotenv("settings.env") is True
    assert os.environ["SHARED"] == "already"


def test_load_dotenv_takes_the_nearest_file_and_stays_in_the_current_folder(tmp_path):
    write(tmp_path / ".env", "SHARED=up\nONLY_UP=1\n")
    write(tmp_path / "deeper" / ".env", "SHARED=here\n")
    os.chdir(tmp_path / "deeper")
    assert load_dotenv() is True
    assert os.environ["SHARED"] == "here" and "ONLY_UP" not in os.environ
    assert os.getcwd() == str(tmp_path / "deeper")


def test_flask_skip_dotenv_skips_the_default_files(tmp_path):
    write(tmp_path / ".flaskenv", "SHARED=flaskenv\n")
    invoke("--help", env={"FLASK_SKIP_DOTENV": "1"})
    assert "SHARED" not in os.environ
    invoke("--help", env={"FLASK_SKIP_DOTENV": "1", "FLAGON_SKIP_DOTENV": "0"})
    assert os.environ["SHARED"] == "flaskenv"


# -- --version -------------------------------------------------------------------------------------


def _expected_versions() -> str:
    lines = [f"Python {platform.python_version()}"]
    try:
        lines.append(f"flagon {importlib.metadata.version('flagon')}")
    except importlib.metadata.PackageNotFoundError:
        lines.append(f"flagon {flagon.__version__}")
    try:
        lines.append(f"Werkzeug {importlib.metadata.version('werkzeug')}")
    except importlib.metadata.PackageNotFoundError:
        pass
    return "\n".join(lines) + "\n"


def test_version_prints_python_flagon_and_werkzeug():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == _expected_versions()


def test_get_version_is_a_click_callback():
    @click.command()
    @click.option(
        "--version", is_flag=True, expose_value=False, is_eager=True, callback=get_version
    )
    def tool():
        click.echo("ran")

    assert CliRunner().invoke(tool, []).output == "ran\n"
    assert CliRunner().invoke(tool, ["--version"]).output == _expected_versions()


# -- apps made with the real Flask -----------------------------------------------------------------


def _fake_flask_app() -> object:
    """An object of a class named like the real Flask's, without importing it."""
    cls = type("Flask", (), {"__module__": "flask.app"})
    return cls()


def test_an_app_made_with_the_real_flask_gets_a_hint():
    module = types.ModuleType("real_flask_app")
    module.app = _fake_flask_app()
    with pytest.raises(NoAppException, match=r"made with the real Flask: 'import flagon\.compat'"):
        find_best_app(module)
    with pytest.raises(NoAppException, match="made with the real Flask"):
        find_app_by_string(module, "app")
    module.app = object()
    with pytest.raises(NoAppException) as info:
        find_best_app(module)
    assert "real Flask" not in info.value.format_message()


# -- flask.commands plugins, in a fresh interpreter (they turn flagon.compat on) ------------------

PLUGIN = """
import sys
import click
from flask import current_app
from flask.cli import with_appcontext

@click.command(help="Greets from a Flask extension.")
@with_appcontext
def cli():
    app = current_app._get_current_object()
    click.echo(f"greetings from {app.name} ({type(app).__name__})")
"""

PLAIN_APP = """
import sys
import click
from flagon import Flagon
app = Flagon(__name__)

@app.cli.command()
def where():
    flask, plugin = "flask" in sys.modules, "greet_plugin" in sys.modules
    click.echo(f"flask imported: {flask}, plugin imported: {plugin}")
"""


def _install_plugin(site: Path, group: str = "flask.commands") -> None:
    """A distribution on ``site`` with a ``greet`` command in the ``group`` entry points."""
    write(site / "greet_plugin.py", PLUGIN)
    info = site / "greet_plugin-1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: greet-plugin\nVersion: 1.0\n")
    write(info / "entry_points.txt", f"[{group}]\ngreet = greet_plugin:cli\n")


def flagon_command(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    environ = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path / "site")])
    return subprocess.run(
        [sys.executable, "-m", "flagon", *args],
        cwd=tmp_path,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_flask_commands_plugin_runs_on_a_plain_flagon_app(tmp_path):
    _install_plugin(tmp_path / "site")
    write(tmp_path / "plain.py", PLAIN_APP)
    result = flagon_command(tmp_path, "--app", "plain", "greet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "greetings from plain (Flagon)\n"


def test_a_flask_commands_plugin_is_listed_and_imported_only_when_used(tmp_path):
    _install_plugin(tmp_path / "site")
    write(tmp_path / "plain.py", PLAIN_APP)
    result = flagon_command(tmp_path, "--app", "plain", "where")
    assert result.stdout == "flask imported: False, plugin imported: False\n"
    result = flagon_command(tmp_path, "--app", "plain", "--help")
    assert re.search(r"^  greet +Greets from a Flask extension\.$", result.stdout, re.M)
    assert re.search(r"^  where$", result.stdout, re.M)


def test_a_flagon_commands_plugin_wins_over_a_flask_one_of_the_same_name(tmp_path):
    _install_plugin(tmp_path / "site")
    write(
        tmp_path / "site" / "native.py",
        "import click\n\n@click.command()\ndef cli():\n    click.echo('native greeting')\n",
    )
    info = tmp_path / "site" / "native-1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: native\nVersion: 1.0\n")
    write(info / "entry_points.txt", "[flagon.commands]\ngreet = native:cli\n")
    write(tmp_path / "plain.py", PLAIN_APP)
    assert flagon_command(tmp_path, "--app", "plain", "greet").stdout == "native greeting\n"


def test_a_flask_commands_plugin_is_refused_after_the_real_flask(tmp_path):
    _install_plugin(tmp_path / "site")
    # The app module imports a "flask" of its own before the plugin is listed.
    write(
        tmp_path / "realish.py",
        "import sys, types\nsys.modules['flask'] = types.ModuleType('flask')\n" + PLAIN_APP,
    )
    result = flagon_command(tmp_path, "--app", "realish", "--help")
    assert result.returncode == 0
    assert "Error: the Flask extension command 'greet' can't be loaded" in result.stderr
    assert "Import flagon.compat first" in result.stderr
    assert "greet" not in result.stdout


def installed(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        importlib.machinery.PathFinder.find_spec(name) is None, reason=f"{name} is not installed"
    )


def test_an_unmodified_flask_app_through_a_wsgi_py_and_flaskenv(tmp_path):
    write(
        tmp_path / "shop" / "__init__.py",
        """
        from flask import Flask, jsonify

        def create_app():
            app = Flask(__name__)

            @app.get("/items/<int:id>")
            def item(id):
                return jsonify(id=id)

            return app
        """,
    )
    wsgi = "import flagon.compat\nfrom shop import create_app\napp = create_app()\n"
    write(tmp_path / "wsgi.py", wsgi)
    write(tmp_path / ".flaskenv", "FLASK_APP=wsgi\n")
    result = flagon_command(tmp_path, "routes")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^item +GET +/items/<int:id>$", result.stdout, re.M)


@installed("flask_limiter")
def test_flask_limiter_command_on_flagon(tmp_path):
    write(
        tmp_path / "limited.py",
        """
        import flagon.compat
        from flagon import Flagon
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        app = Flagon(__name__)
        limiter = Limiter(get_remote_address, app=app, default_limits=["10 per minute"])
        """,
    )
    result = flagon_command(tmp_path, "--app", "limited", "limiter", "--help")
    assert result.returncode == 0, result.stderr
    assert "Flask-Limiter maintenance" in result.stdout
    assert re.search(r"^  limits +Enumerate details", result.stdout, re.M)


@installed("flask_migrate")
@installed("flask_sqlalchemy")
def test_flask_migrate_db_commands_on_flagon(tmp_path):
    write(
        tmp_path / "app.py",
        """
        import flagon.compat
        from flagon import Flagon
        from flask_migrate import Migrate
        from flask_sqlalchemy import SQLAlchemy

        app = Flagon(__name__)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///forum.db"
        db = SQLAlchemy(app)
        Migrate(app, db)

        class Post(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            title = db.Column(db.String(80))
        """,
    )
    outputs = {}
    for command in ("init", "migrate", "upgrade"):
        result = flagon_command(tmp_path, "db", command)
        assert result.returncode == 0, result.stderr
        outputs[command] = result.stdout + result.stderr
    assert "Detected added table 'post'" in outputs["migrate"]
    current = flagon_command(tmp_path, "db", "current")
    assert current.returncode == 0 and current.stdout.strip().endswith("(head)")
    with sqlite3.connect(tmp_path / "instance" / "forum.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"post", "alembic_version"} <= tables
