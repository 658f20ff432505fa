"""The development server's pieces: what the reloader watches, how it restarts, how it serves."""

from __future__ import annotations

import os
import socket
import sys
import types

import pytest
import waitress

from flagon import serving
from flagon.serving import ProjectFilter, bind_socket, restart_command, run_simple, watch_roots


@pytest.mark.parametrize(
    ("path", "restarts"),
    [
        ("/project/app.py", True),
        ("/project/pkg/views.py", True),
        ("/project/templates/index.html", False),
        ("/project/app.pyc", False),
        ("/project/.venv/lib/python3.11/site-packages/x/y.py", False),
        ("/opt/env/lib/python3.11/site-packages/x.py", False),
        ("/project/pkg/__pycache__/views.py", False),
        ("/project/.git/hooks/pre-commit.py", False),
        ("/project/node_modules/x.py", False),
    ],
)
def test_project_filter_takes_project_python_files_only(path, restarts):
    assert ProjectFilter()(None, path.replace("/", os.sep)) is restarts


def test_project_filter_extra_files_and_exclude_patterns(tmp_path):
    settings = tmp_path / "settings.toml"
    watch_filter = ProjectFilter(
        [str(tmp_path)], extra_files=[str(settings)], exclude_patterns=["*/generated/*"]
    )
    assert watch_filter(None, str(settings.resolve())) is True
    assert watch_filter(None, str(tmp_path / "other.toml")) is False
    assert watch_filter(None, str(tmp_path / "generated" / "models.py")) is False
    assert watch_filter(None, str(tmp_path / "models.py")) is True


def test_project_filter_only_looks_below_the_roots():
    def native(path):
        return path.replace("/", os.sep)

    watch_filter = ProjectFilter([native("/home/me/venv/shop")])
    assert watch_filter(None, native("/home/me/venv/shop/views.py")) is True
    assert watch_filter(None, native("/home/me/venv/shop/.venv/lib/x.py")) is False
    # Without roots every folder of the path counts.
    assert ProjectFilter()(None, native("/home/me/venv/shop/views.py")) is False


def test_watch_roots_drop_folders_inside_others(tmp_path):
    inner = tmp_path / "src" / "pkg"
    inner.mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    assert watch_roots(str(inner), str(tmp_path), None) == [str(tmp_path.resolve())]
    both = sorted([str(inner.resolve()), str(other.resolve())])
    assert watch_roots(str(inner), str(other)) == both
    # A sibling whose name merely starts like the other one is not inside it.
    twin = tmp_path / "src-old"
    twin.mkdir()
    assert len(watch_roots(str(tmp_path / "src"), str(twin))) == 2


def test_restart_command_for_a_script(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/flagon", "--app", "x", "run"])
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert restart_command() == [sys.executable, "/venv/bin/flagon", "--app", "x", "run"]


def test_restart_command_for_python_dash_m(monkeypatch):
    main = types.ModuleType("__main__")
    main.__spec__ = types.SimpleNamespace(name="flagon.__main__")
    monkeypatch.setattr(sys, "argv", ["/src/flagon/__main__.py", "run"])
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert restart_command() == [sys.executable, "-m", "flagon", "run"]
    main.__spec__ = types.SimpleNamespace(name="tools.serve")
    assert restart_command()[:3] == [sys.executable, "-m", "tools.serve"]


def test_bind_socket_listens_on_the_address():
    sock = bind_socket("127.0.0.1", 0)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and port > 0
        with socket.create_connection((host, port), timeout=5):
            pass  # accepted into the backlog before anything serves
    finally:
        sock.close()


def test_server_url_brackets_ipv6():
    assert serving.server_url("127.0.0.1", 5000) == "http://127.0.0.1:5000"
    assert serving.server_url("::1", 80) == "http://[::1]:80"


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.append((app, options)))
    monkeypatch.delenv(serving.RUN_MAIN_ENV, raising=False)
    return calls


def test_run_simple_serves_with_waitress(served, capsys):
    app = object()
    run_simple("127.0.0.1", 5050, app, threads=4, ident="test")
    run_simple("0.0.0.0", 5051, app, threaded=False, use_debugger=True)
    assert served == [
        (app, {"host": "127.0.0.1", "port": 5050, "threads": 4, "ident": "test"}),
        (app, {"host": "0.0.0.0", "port": 5051, "threads": 1}),
    ]
    out = capsys.readouterr().out
    assert " * Running on http://127.0.0.1:5050 (press CTRL+C to quit)" in out
    assert "other machines can reach this server" in out


def test_run_simple_in_the_reloaded_process_serves_the_inherited_socket(served, monkeypatch):
    sock = bind_socket("127.0.0.1", 0)
    try:
        monkeypatch.setenv(serving.RUN_MAIN_ENV, "true")
        monkeypatch.setenv(serving.SERVER_FD_ENV, str(sock.fileno()))
        run_simple("127.0.0.1", 1, "app", use_reloader=True)
        ((_app, options),) = served
        (inherited,) = options["sockets"]
        assert inherited.fileno() == sock.fileno()
        assert inherited.getsockname() == sock.getsockname()
        inherited.detach()  # the original still owns the descriptor
    finally:
        sock.close()


def test_run_simple_serves_over_asgi_with_uvicorn(monkeypatch):
    import uvicorn

    from flagon import Flagon

    started = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: started.append(self))
    monkeypatch.delenv(serving.RUN_MAIN_ENV, raising=False)
    app = Flagon("served", root_path="/tmp")
    run_simple("127.0.0.1", 5052, app, server="uvicorn", use_debugger=False)
    (server,) = started
    config = server.config
    assert (config.app, config.host, config.port) == (app.asgi_app, "127.0.0.1", 5052)
    assert (config.interface, config.lifespan) == ("asgi3", "on")


def test_run_simple_knows_its_servers():
    with pytest.raises(ValueError, match="waitress, uvicorn, granian"):
        run_simple("127.0.0.1", 5053, object(), server="gunicorn")
