"""Shared fixtures: every test must leave both context stacks empty, and every test on the
``app`` fixture runs three ways: a plain app over WSGI, an app overriding a pipeline stage, and
a plain app whose test clients send each request over ASGI."""

from __future__ import annotations

import os

import pytest

from flagon import Flagon
from flagon.globals import _app_ctx_stack, _request_ctx_stack
from flagon.testing import FlagonClient


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


@pytest.fixture(params=["plain", "staged", "asgi"])
def app(request, monkeypatch):
    if request.param == "asgi":
        monkeypatch.setattr(FlagonClient, "asgi", True)
    cls = StagedFlagon if request.param == "staged" else Flagon
    app = cls("flagon_test_app", root_path="/tmp")
    app.testing = True
    return app


# The longest test file, run first when the suite is spread over workers (make test): the
# forum's whole suite again on PostgreSQL keeps one worker busy while the others share the rest.
LONGEST_FIRST = ("tests/integration/bbs/test_bbs_postgresql.py",)


def pytest_collection_modifyitems(items):
    """Leave out the ASGI run of a test checking what only WSGI has; under pytest-xdist, start
    with the longest file."""
    items[:] = [
        item
        for item in items
        if not (
            item.get_closest_marker("wsgi_only")
            and getattr(item, "callspec", None) is not None
            and item.callspec.params.get("app") == "asgi"
        )
    ]
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.nodeid.split("::")[0] not in LONGEST_FIRST)


@pytest.fixture
def client(app):
    return app.test_client()
