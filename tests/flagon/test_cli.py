"""The ``flagon`` command: finding the app, the built-in commands, app commands, dotenv files."""

from __future__ import annotations

import importlib.metadata
import os
import sys
import textwrap
import types

import click
import pytest
from cli_isolation import isolate
from click.testing import CliRunner

from flagon import Flagon, current_app, serving
from flagon import cli as flagon_cli
from flagon.cli import (
    AppGroup,
    FlagonGroup,
    NoAppException,
    ScriptInfo,
    find_app_by_string,
    find_best_app,
    load_dotenv,
    locate_app,
    prepare_import,
    with_appcontext,
)
from flagon.globals import _app_ctx_stack
from flagon.testing import FlagonCliRunner


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    yield from isolate(monkeypatch, tmp_path)


def write(path, source: str = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return str(path)


def module(**attrs) -> types.ModuleType:
    mod = types.ModuleType("fake_module")
    mod.__dict__.update(attrs)
    return mod


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(flagon_cli.cli, list(args), **kwargs)


APP_MODULE = textwrap.dedent(
    """
    from flagon import Flagon
    app = Flagon(__name__)

    @app.route("/")
    def index():
        return "hi"

    @app.cli.command()
    def hello():
        from flagon import current_app
        print("hello from", current_app.name)
"""
)


# -- finding the app -------------------------------------------------------------------------------


def test_find_best_app_prefers_app_then_application():
    app, other = Flagon("a"), Flagon("b")
    assert find_best_app(module(app=app, other=other)) is app
    assert find_best_app(module(application=other, x=app)) is other


def test_find_best_app_takes_the_only_instance():
    app = Flagon("a")
    assert find_best_app(module(whatever=app)) is app


def test_find_best_app_refuses_to_guess_between_instances():
    with pytest.raises(NoAppException, match="multiple flagon applications"):
        find_best_app(module(one=Flagon("a"), two=Flagon("b")))


@pytest.mark.parametrize("factory_name", ["create_app", "make_app"])
def test_find_best_app_calls_a_factory(factory_name):
    made = Flagon("made")
    assert find_best_app(module(**{factory_name: lambda: made})) is made


def test_find_best_app_explains_a_factory_needing_arguments():
    def create_app(config):
        return Flagon("x")

    with pytest.raises(NoAppException, match=r"create_app\(args\)"):
        find_best_app(module(create_app=create_app))


def test_a_type_error_inside_the_factory_is_not_hidden():
    def create_app():
        return len(1)

    with pytest.raises(TypeError, match="has no len"):
        find_best_app(module(create_app=create_app))


def test_find_best_app_without_an_app():
    with pytest.raises(NoAppException, match="Failed to find a flagon application"):
        find_best_app(module(x=1))


def test_find_app_by_string_attribute_and_factory_with_literal_arguments():
    app = Flagon("a")
    calls = []

    def create_app(name="default", count=0, **options):
        calls.append((name, count, options))
        return app

    mod = module(app=app, create_app=create_app)
    assert find_app_by_string(mod, "app") is app
    assert find_app_by_string(mod, "create_app('dev', 1, debug=True, tags=['a'])") is app
    assert find_app_by_string(mod, "create_app") is app
    assert calls == [("dev", 1, {"debug": True, "tags": ["a"]}), ("default", 0, {})]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("create_app(__import__('os'))", "literal values"),
        ("create_app(**{'a': 1})", "literal values"),
        ("a.b()", "simple name"),
        ("1 +", "Failed to parse"),
        ("app[0]", "Failed to parse"),
        ("missing", "Failed to find attribute 'missing'"),
        ("number", "A valid flagon application was not obtained"),
        ("app()", "'app' in module 'fake_module' is not a function"),
        ("create_app(1, 2, 3)", "could not be called with the specified arguments"),
    ],
)
def test_find_app_by_string_errors(expression, message):
    mod = module(app=Flagon("a"), number=3, create_app=lambda config=None: Flagon("b"))
    with pytest.raises(NoAppException, match=message):
        find_app_by_string(mod, expression)


def test_find_app_by_string_never_evaluates_arguments(tmp_path):
    marker = tmp_path / "ran"
    mod = module(create_app=lambda *args: Flagon("a"))
    with pytest.raises(NoAppException):
        find_app_by_string(mod, f"create_app(open({str(marker)!r}, 'w'))")
    assert not marker.exists()


def test_prepare_import_walks_up_packages(tmp_path):
    write(tmp_path / "src" / "pkg" / "__init__.py")
    write(tmp_path / "src" / "pkg" / "sub" / "__init__.py")
    path = write(tmp_path / "src" / "pkg" / "sub" / "app.py")
    assert prepare_import(path) == "pkg.sub.app"
    assert sys.path[0] == str(tmp_path / "src")
    assert prepare_import(str(tmp_path / "src" / "pkg" / "__init__.py")) == "pkg"
    assert prepare_import("plain") == "plain"
    assert sys.path[0] == str(tmp_path)


def test_locate_app_reports_a_missing_module():
    with pytest.raises(NoAppException, match="Could not import 'no_such_module'"):
        locate_app("no_such_module", None)
    assert locate_app("no_such_module", None, raise_if_not_found=False) is None


def test_an_import_error_inside_the_module_is_not_no_app_found(tmp_path):
    write(tmp_path / "broken.py", "import no_such_dependency\n")
    sys.path.insert(0, str(tmp_path))
    with pytest.raises(NoAppException) as info:
        locate_app("broken", None, raise_if_not_found=False)
    message = info.value.format_message()
    assert "While importing 'broken', an ImportError was raised" in message
    assert "no_such_dependency" in message


def test_script_info_loads_a_file_path_with_a_factory_call(tmp_path):
    write(
        tmp_path / "project" / "factory.py",
        """
        from flagon import Flagon
        def create_app(name, debug=False):
            app = Flagon(name)
            app.config["DEBUG"] = debug
            return app
        """,
    )
    info = ScriptInfo("project/factory.py:create_app('made', debug=True)")
    app = info.load_app()
    assert app.name == "made"
    assert app.debug  # FLAGON_DEBUG is not set: the app's own DEBUG stands
    assert info.load_app() is app


def test_script_info_applies_flagon_debug(monkeypatch, tmp_path):
    write(tmp_path / "app.py", APP_MODULE)
    monkeypatch.setenv("FLAGON_DEBUG", "1")
    assert ScriptInfo().load_app().debug is True
    del sys.modules["app"]
    monkeypatch.setenv("FLAGON_DEBUG", "false")
    assert ScriptInfo().load_app().debug is False


@pytest.mark.parametrize("filename", ["wsgi.py", "app.py"])
def test_script_info_falls_back_to_wsgi_py_or_app_py(tmp_path, filename):
    write(tmp_path / filename, APP_MODULE)
    assert ScriptInfo().load_app().name == filename[:-3]


def test_script_info_without_any_app():
    with pytest.raises(NoAppException, match="Could not locate a flagon application"):
        ScriptInfo().load_app()


def test_script_info_create_app_wins():
    app = Flagon("made")
    assert ScriptInfo("ignored:nothing", create_app=lambda: app).load_app() is app


# -- the flagon group ------------------------------------------------------------------------------


def test_app_option_and_app_commands(tmp_path):
    write(tmp_path / "hello_app.py", APP_MODULE)
    result = invoke("--app", "hello_app", "hello")
    assert result.exit_code == 0, result.output
    assert result.output == "hello from hello_app\n"


def test_flagon_app_environment_variable(tmp_path):
    write(tmp_path / "hello_app.py", APP_MODULE)
    result = invoke("hello", env={"FLAGON_APP": "hello_app:app"})
    assert result.output == "hello from hello_app\n"


def test_help_lists_the_app_commands(tmp_path):
    write(tmp_path / "hello_app.py", APP_MODULE)
    result = invoke("--app", "hello_app", "--help")
    assert result.exit_code == 0
    commands = [
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line
    ]
    assert commands == ["hello", "routes", "run", "shell"]


def test_unknown_command_shows_why_the_app_did_not_load():
    result = invoke("--app", "nowhere", "hello")
    assert result.exit_code != 0
    assert "Could not import 'nowhere'" in result.output
    assert "No such command 'hello'" in result.output


def test_builtin_commands_do_not_need_the_app_to_load():
    result = invoke("--app", "nowhere", "run", "--help")
    assert result.exit_code == 0
    assert "--reload / --no-reload" in result.output


def test_debug_option_sets_the_environment_and_the_app(tmp_path):
    write(
        tmp_path / "dbg.py",
        """
        import os
        from flagon import Flagon
        def create_app():
            app = Flagon("dbg")
            app.config["SEEN_BY_FACTORY"] = os.environ.get("FLAGON_DEBUG")

            @app.cli.command()
            def show():
                from flagon import current_app
                print(current_app.debug, current_app.config["SEEN_BY_FACTORY"])

            return app
        """,
    )
    assert invoke("--app", "dbg", "--debug", "show").output == "True 1\n"
    del sys.modules["dbg"]
    assert invoke("--app", "dbg", "--no-debug", "show").output == "False 0\n"


def test_version_option():
    result = invoke("--version")
    assert result.exit_code == 0
    assert "flagon " in result.output and "Python " in result.output


def test_app_run_is_ignored_while_the_command_loads_the_app(tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr(serving, "run_simple", lambda *args, **kw: served.append(args))
    write(tmp_path / "unguarded.py", APP_MODULE + "\napp.run()\n")
    result = invoke("--app", "unguarded", "hello")
    assert served == []
    assert "Ignoring a call to 'app.run()'" in result.output
    assert result.output.endswith("hello from unguarded\n")


def test_the_group_leaves_the_environment_as_it_found_it(tmp_path):
    write(tmp_path / "hello_app.py", APP_MODULE)
    invoke("--app", "hello_app", "hello")
    invoke("--help")
    assert "FLAGON_RUN_FROM_CLI" not in os.environ


def test_custom_flagon_group_with_create_app():
    app = Flagon("custom")

    @app.cli.command()
    def ping():
        click.echo(f"pong {current_app.name}")

    group = FlagonGroup(create_app=lambda: app)
    assert CliRunner().invoke(group, ["ping"]).output == "pong custom\n"


def test_plugin_commands_from_entry_points(monkeypatch):
    @click.command()
    def plugged():
        click.echo("plugged in")

    class EntryPoint:
        name = "plugged"

        def load(self):
            return plugged

    def entry_points(group):
        return [EntryPoint()] if group == "flagon.commands" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    result = CliRunner().invoke(FlagonGroup(), ["plugged"])
    assert result.output == "plugged in\n"


# -- dotenv files ----------------------------------------------------------------------------------


def test_dotenv_files_load_with_precedence(tmp_path, monkeypatch):
    write(tmp_path / ".flagonenv", "FROM_FLAGONENV=1\nSHARED=flagonenv\n")
    write(tmp_path / ".env", "FROM_DOTENV=1\nSHARED=dotenv\n")
    assert load_dotenv() is True
    assert os.environ["FROM_FLAGONENV"] == "1" and os.environ["FROM_DOTENV"] == "1"
    assert os.environ["SHARED"] == "dotenv"


def test_dotenv_never_replaces_the_environment(tmp_path, monkeypatch):
    write(tmp_path / ".env", "SHARED=dotenv\n")
    monkeypatch.setenv("SHARED", "already")
    load_dotenv()
    assert os.environ["SHARED"] == "already"


def test_dotenv_is_found_in_a_parent_folder(tmp_path, monkeypatch):
    write(tmp_path / ".env", "FROM_DOTENV=up\n")
    (tmp_path / "deeper").mkdir()
    monkeypatch.chdir(tmp_path / "deeper")
    load_dotenv()
    assert os.environ["FROM_DOTENV"] == "up"


def test_env_file_option_wins_over_default_files(tmp_path):
    write(tmp_path / ".env", "SHARED=dotenv\n")
    write(tmp_path / "custom.env", "SHARED=custom\nFROM_ENV_FILE=yes\nFLAGON_APP=hello_app\n")
    write(
        tmp_path / "hello_app.py",
        APP_MODULE + "\n@app.cli.command()\ndef env():\n"
        "    import os; print(os.environ['SHARED'], os.environ['FROM_ENV_FILE'])\n",
    )
    result = invoke("--env-file", "custom.env", "env")
    assert result.output == "custom yes\n"


def test_flagon_app_may_come_from_a_dotenv_file(tmp_path):
    write(tmp_path / ".flagonenv", "FLAGON_APP=hello_app\n")
    write(tmp_path / "hello_app.py", APP_MODULE)
    assert invoke("hello").output == "hello from hello_app\n"


def test_skip_dotenv(tmp_path):
    write(tmp_path / ".env", "FROM_DOTENV=1\n")
    CliRunner().invoke(flagon_cli.cli, ["--help"], env={"FLAGON_SKIP_DOTENV": "1"})
    assert "FROM_DOTENV" not in os.environ
    CliRunner().invoke(flagon_cli.cli, ["--help"])
    assert os.environ["FROM_DOTENV"] == "1"


# -- app.cli, AppGroup, with_appcontext, the test runner -------------------------------------------


def test_app_cli_commands_run_in_the_app_context():
    app = Flagon("ctx_app")

    @app.cli.command("who")
    @click.argument("greeting")
    def who(greeting):
        click.echo(f"{greeting} {current_app.name}")

    @app.cli.command(with_appcontext=False)
    def bare():
        click.echo(_app_ctx_stack.top is None)

    runner = app.test_cli_runner()
    assert isinstance(runner, FlagonCliRunner)
    assert runner.invoke(args=["who", "hi"]).output == "hi ctx_app\n"
    assert runner.invoke(args=["bare"]).output == "True\n"


def test_app_groups_nest():
    app = Flagon("nested")

    @app.cli.group()
    def db():
        pass

    @db.command()
    def init():
        click.echo(f"init {current_app.name}")

    assert isinstance(db, AppGroup)
    assert app.test_cli_runner().invoke(args=["db", "init"]).output == "init nested\n"


def test_with_appcontext_on_a_plain_click_command():
    app = Flagon("plain")

    @click.command()
    @with_appcontext
    def show():
        click.echo(current_app.name)

    result = app.test_cli_runner().invoke(show)
    assert result.output == "plain\n"


def test_with_appcontext_reuses_an_active_context():
    app, other = Flagon("outer"), Flagon("other")

    @click.command()
    @with_appcontext
    def show():
        click.echo(current_app.name)

    with app.app_context():
        result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: other))
    assert result.output == "outer\n"


def test_test_cli_runner_class_and_options():
    class Runner(FlagonCliRunner):
        pass

    class App(Flagon):
        test_cli_runner_class = Runner

    app = App("custom_runner")
    runner = app.test_cli_runner(env={"GREETING": "hey"})
    assert type(runner) is Runner and runner.app is app

    @app.cli.command()
    def greet():
        click.echo(os.environ["GREETING"])

    assert runner.invoke(args=["greet"]).output == "hey\n"


def test_app_cli_is_created_on_first_use_and_named_after_the_app():
    app = Flagon("lazy_cli")
    assert "cli" not in vars(app)
    assert app.cli.name == "lazy_cli" and app.cli is app.cli


def test_blueprint_commands_join_the_app_cli():
    from flagon import Blueprint

    custom = Blueprint("custom", __name__, cli_group="customized")
    named = Blueprint("named", __name__)
    merged = Blueprint("merged", __name__, cli_group=None)
    late = Blueprint("late", __name__)
    quiet = Blueprint("quiet", __name__)
    for blueprint in (custom, named, merged, late):

        @blueprint.cli.command(blueprint.name)
        def command():
            click.echo(f"{click.get_current_context().info_name} in {current_app.name}")

    app = Flagon("bp_app")
    for blueprint in (custom, named, merged, quiet):
        app.register_blueprint(blueprint)
    app.register_blueprint(late, cli_group="late_registration")

    runner = app.test_cli_runner()
    assert runner.invoke(args=["customized", "custom"]).output == "custom in bp_app\n"
    assert runner.invoke(args=["named", "named"]).output == "named in bp_app\n"
    assert runner.invoke(args=["merged"]).output == "merged in bp_app\n"
    assert runner.invoke(args=["late_registration", "late"]).output == "late in bp_app\n"
    assert sorted(app.cli.commands) == ["customized", "late_registration", "merged", "named"]
    assert "cli" not in vars(quiet)  # no commands, no click group made


def test_nested_blueprint_commands_are_grouped_by_dotted_name():
    from flagon import Blueprint

    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)

    @child.cli.command()
    def hello():
        click.echo("hello from the child")

    parent.register_blueprint(child)
    app = Flagon("nested_bp")
    app.register_blueprint(parent)
    assert runner_output(app, "parent.child", "hello") == "hello from the child\n"


def runner_output(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


# -- routes ----------------------------------------------------------------------------------------


@pytest.fixture
def routed_app():
    app = Flagon("routed", static_folder=None)
    app.add_url_rule("/zeta", "a_first", lambda: "", methods=["POST"])
    app.add_url_rule("/alpha/<int:n>", "b_second", lambda n: "")
    app.add_url_rule("/alpha/new", "c_third", lambda: "", methods=["GET", "PUT"])
    return app


def routes(app, *args):
    result = app.test_cli_runner().invoke(flagon_cli.routes_command, args)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_routes_table(routed_app):
    assert routes(routed_app) == [
        "Endpoint  Methods   Rule",
        "--------  --------  --------------",
        "a_first   POST      /zeta",
        "b_second  GET       /alpha/<int:n>",
        "c_third   GET, PUT  /alpha/new",
    ]


def test_routes_sorting(routed_app):
    def endpoints(*args):
        return [line.split()[0] for line in routes(routed_app, *args)[2:]]

    assert endpoints("--sort", "rule") == ["b_second", "c_third", "a_first"]
    assert endpoints("-s", "methods") == ["b_second", "c_third", "a_first"]
    # Literal segments are tried before variables, whatever the registration order.
    match_order = endpoints("--sort", "match")
    assert match_order.index("c_third") < match_order.index("b_second")


def test_routes_all_methods(routed_app):
    assert "GET, HEAD, OPTIONS" in routes(routed_app, "--all-methods")[3]


def test_routes_shows_subdomains_when_used():
    app = Flagon("domains", static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "api_index", lambda: "", subdomain="api")
    app.add_url_rule("/", "index", lambda: "")
    lines = routes(app, "--sort", "domain")
    assert lines[0].split() == ["Endpoint", "Methods", "Subdomain", "Rule"]
    assert lines[2].split() == ["index", "GET", "/"]
    assert lines[3].split() == ["api_index", "GET", "api", "/"]


def test_routes_without_routes():
    app = Flagon("empty", static_folder=None)
    assert routes(app) == ["No routes were registered."]


# -- shell -----------------------------------------------------------------------------------------


def test_shell_runs_in_the_app_context_with_the_shell_context():
    app = Flagon("shell_app")

    @app.shell_context_processor
    def extra():
        return {"answer": 42}

    source = "print(app.name, answer, g is not None, current.name)\n"
    setup = "from flagon import current_app as current\n"
    result = app.test_cli_runner().invoke(flagon_cli.shell_command, input=setup + source)
    assert result.exit_code == 0, result.output
    assert "shell_app 42 True shell_app" in result.output
    assert "App: shell_app" in result.output


def test_shell_reports_errors_and_goes_on():
    app = Flagon("shell_errors")
    source = "1/0\nprint('still here')\n"
    result = app.test_cli_runner().invoke(flagon_cli.shell_command, input=source)
    assert "ZeroDivisionError" in result.output
    assert "still here" in result.output


def test_shell_runs_pythonstartup(tmp_path, monkeypatch):
    write(tmp_path / "startup.py", "from_startup = 'yes'\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(tmp_path / "startup.py"))
    app = Flagon("startup")
    result = app.test_cli_runner().invoke(flagon_cli.shell_command, input="print(from_startup)\n")
    assert "yes" in result.output


def test_make_shell_context():
    app = Flagon("names")
    app.shell_context_processor(lambda: {"app": "replaced", "db": "database"})
    names = app.make_shell_context()
    assert names["app"] == "replaced" and names["db"] == "database" and "g" in names


# -- run and app.run() -----------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch):
    calls = []

    def run_simple(host, port, app, **options):
        calls.append({"host": host, "port": port, "app": app, **options})

    monkeypatch.setattr(serving, "run_simple", run_simple)
    return calls


def test_run_defaults_to_loopback(tmp_path, served):
    write(tmp_path / "hello_app.py", APP_MODULE)
    result = invoke("--app", "hello_app", "run")
    assert result.exit_code == 0, result.output
    (call,) = served
    assert (call["host"], call["port"], call["threads"], call["use_reloader"]) == (
        "127.0.0.1",
        5000,
        8,
        False,
    )
    assert call["app"].name == "hello_app"
    assert " * Serving flagon app 'hello_app'" in result.output
    assert " * Debug mode: off" in result.output


def test_run_options(tmp_path, served):
    write(tmp_path / "hello_app.py", APP_MODULE)
    invoke("--app", "hello_app", "run", "--host", "0.0.0.0", "-p", "8080", "--threads", "3")
    invoke("--app", "hello_app", "run", "--without-threads", "--reload")
    invoke("--app", "hello_app", "--debug", "run")
    invoke("--app", "hello_app", "run", "--debug", "--no-reload")
    first, second, third, fourth = served
    assert (first["host"], first["port"], first["threads"]) == ("0.0.0.0", 8080, 3)
    assert (second["threads"], second["use_reloader"]) == (1, True)
    assert third["use_reloader"] is True and third["app"].debug is True
    assert fourth["use_reloader"] is False and fourth["app"].debug is True


def test_run_debugger_option_reaches_the_server(tmp_path, served):
    write(tmp_path / "hello_app.py", APP_MODULE)
    invoke("--app", "hello_app", "--debug", "run", "--no-debugger", "--no-reload")
    invoke("--app", "hello_app", "--debug", "run", "--no-reload")
    assert served[0]["use_debugger"] is False
    assert served[1]["use_debugger"] is None  # follows the app's debug mode


def test_run_port_from_the_environment(tmp_path, served):
    write(tmp_path / "hello_app.py", APP_MODULE)
    invoke("--app", "hello_app", "run", env={"FLAGON_RUN_PORT": "5123"})
    assert served[0]["port"] == 5123


def test_run_fails_clearly_when_the_app_cannot_load(served):
    result = invoke("--app", "nowhere", "run")
    assert result.exit_code != 0
    assert "Could not import 'nowhere'" in result.output
    assert served == []


def test_app_run_defaults(served, capsys):
    app = Flagon("runner")
    app.run()
    app.run(host="0.0.0.0", port=0, threads=2)
    app.config["SERVER_NAME"] = "example.test:8000"
    app.run(debug=True)
    app.run(use_reloader=False)
    capsys.readouterr()
    default, explicit, server_name, no_reload = served
    assert (default["host"], default["port"], default["use_reloader"]) == ("127.0.0.1", 5000, False)
    assert (explicit["host"], explicit["port"], explicit["threads"]) == ("0.0.0.0", 0, 2)
    # SERVER_NAME gives the port, never a non-loopback interface to bind.
    assert (server_name["host"], server_name["port"]) == ("127.0.0.1", 8000)
    assert server_name["use_reloader"] is True and app.debug
    assert no_reload["use_reloader"] is False


def test_app_run_loads_dotenv_files(tmp_path, served, capsys):
    write(tmp_path / ".flagonenv", "FLAGON_DEBUG=1\n")
    app = Flagon("dotenv_runner")
    app.run(load_dotenv=False)
    assert app.debug is False
    app.run()
    assert app.debug is True and served[-1]["use_reloader"] is True
    assert "Debug mode: on" in capsys.readouterr().out


def test_app_run_does_nothing_under_the_cli(monkeypatch, served, capsys):
    monkeypatch.setenv("FLAGON_RUN_FROM_CLI", "true")
    Flagon("blocked").run()
    assert served == []
    assert "Ignoring a call to 'app.run()'" in capsys.readouterr().out
