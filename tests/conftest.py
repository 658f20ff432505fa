"""Shared fixtures: every test must leave both context stacks empty."""

from __future__ import annotations

import pytest

from flagon import Flagon
from flagon.globals import _app_ctx_stack, _request_ctx_stack


@pytest.fixture(autouse=True)
def _contexts_left_clean():
    """Fail a test that leaves an application or request context pushed."""
    yield
    leftovers = []
    while (ctx := _request_ctx_stack.top) is not None:
        leftovers.append(ctx)
        _request_ctx_stack.pop()
    while (ctx := _app_ctx_stack.top) is not None:
        leftovers.append(ctx)
        _app_ctx_stack.pop()
    if leftovers:
        pytest.fail(f"test left contexts on the stacks: {leftovers!r}")


class StagedFlagon(Flagon):
    """Overrides a pipeline stage (without changing it), as an app customising its request path
    does: the path then calls the override with Flask's arguments and takes none of the
    shortcuts around it (see ``flagon.app._Plan``). Every test on the ``app`` fixture runs on
    both kinds of app."""

    def full_dispatch_request(self):
        return super().full_dispatch_request()


@pytest.fixture(params=["plain", "staged"])
def app(request):
    cls = Flagon if request.param == "plain" else StagedFlagon
    app = cls("flagon_test_app", root_path="/tmp")
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()
