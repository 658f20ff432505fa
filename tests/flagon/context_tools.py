"""Shared by the tests of context locals, contexts and the app object: an app factory,
worker threads that report their failures, and small targets to proxy to."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flagon import (
    Flagon,
)
from flagon.sessions import SessionMixin

# Only guards against a deadlock; no assertion depends on timing.
_DEADLOCK_GUARD = 10

#: What the test client puts in the environ to keep the request context after the request.
PRESERVE = {"flagon._preserve_context": True}


def make_app(name: str = "contexts_app", **config: Any) -> Flagon:
    app = Flagon(name, root_path="/tmp")
    app.config.update(config)
    return app


def run_threads(target: Callable[..., None], *arg_tuples: tuple[Any, ...]) -> None:
    """Run ``target`` once per argument tuple, each in its own thread, and re-raise any failure."""
    errors: list[BaseException] = []

    def guarded(*args: Any) -> None:
        try:
            target(*args)
        except BaseException as e:  # reported in the test's own thread
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=args) for args in arg_tuples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(_DEADLOCK_GUARD)
        assert not thread.is_alive(), "a worker thread never finished"
    if errors:
        raise errors[0]


@contextmanager
def gc_disabled() -> Iterator[None]:
    """Let only reference counting free objects, so a leaked cycle stays observable."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class DictSession(dict, SessionMixin):  # type: ignore[misc]
    """A session that is a plain dict."""


class Target:
    """An object with attributes, to proxy to."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Target({self.name!r})"
