"""Shared fixtures: every test must leave both context stacks empty."""

from __future__ import annotations

import pytest

try:  # TEMPORARY while modules land
    from flagon.globals import _app_ctx_stack, _request_ctx_stack
except Exception:  # pragma: no cover
    _app_ctx_stack = _request_ctx_stack = None


@pytest.fixture(autouse=True)
def _contexts_left_clean():
    """Fail a test that leaves an application or request context pushed."""
    yield
    if _app_ctx_stack is None:
        return
    leftovers = []
    while (ctx := _request_ctx_stack.top) is not None:
        leftovers.append(ctx)
        _request_ctx_stack.pop()
    while (ctx := _app_ctx_stack.top) is not None:
        leftovers.append(ctx)
        _app_ctx_stack.pop()
    if leftovers:
        pytest.fail(f"test left contexts on the stacks: {leftovers!r}")


@pytest.fixture
def app():
    from flagon import Flagon

    app = Flagon("flagon_test_app", root_path="/tmp")
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()
