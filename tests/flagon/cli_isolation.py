"""Running the ``flagon`` command in tests as on a clean machine: an empty folder, none of the
plugin commands installed packages add, and whatever the CLI does to the environment,
``sys.path`` and ``sys.modules`` undone afterwards."""

from __future__ import annotations

import importlib.metadata
import sys
import typing as t

import pytest

#: Variables the CLI reads or .env files in the tests set: unset for each test.
ENV_VARS = [
    f"{prefix}_{name}"
    for prefix in ("FLAGON", "FLASK")
    for name in ("APP", "DEBUG", "SKIP_DOTENV", "RUN_PORT", "RUN_HOST", "RUN_FROM_CLI", "RUN_MAIN")
] + [
    "SHARED",
    "FROM_FLASKENV",
    "FROM_FLAGONENV",
    "FROM_DOTENV",
    "FROM_ENV_FILE",
    "FROM_PATH",
    "ONLY_UP",
]


def isolate(monkeypatch: pytest.MonkeyPatch, folder: t.Any) -> t.Iterator[t.Any]:
    """The body of an autouse fixture: run the test in ``folder``, isolated as above."""
    entry_points = importlib.metadata.entry_points

    def no_plugins(**selection: t.Any) -> t.Any:
        if selection.get("group") in ("flagon.commands", "flask.commands"):
            return []
        return entry_points(**selection)

    monkeypatch.setattr(importlib.metadata, "entry_points", no_plugins)
    for name in ENV_VARS:
        monkeypatch.setenv(name, "")  # remembered, so that the teardown restores it
        monkeypatch.delenv(name)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "path", sys.path[:])
    modules = set(sys.modules)
    yield folder
    for name in set(sys.modules) - modules:
        del sys.modules[name]
