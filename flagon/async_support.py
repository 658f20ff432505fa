"""Running ``async def`` views, hooks and handlers from the synchronous WSGI world.

Each thread keeps one event loop (an ``asyncio.Runner``) and reuses it, so an async view costs a
task, not a new loop. The coroutine runs in a copy of the caller's ``contextvars`` context, so
``request``, ``g`` and ``current_app`` are visible inside it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor


class _RunnerCloser:
    """Closes a thread's runner when that thread ends (its local storage is freed)."""

    def __init__(self, runner: asyncio.Runner) -> None:
        self.runner = runner

    def __del__(self) -> None:
        try:
            self.runner.close()
        except Exception:
            pass


_local = threading.local()


def _runner() -> asyncio.Runner:
    closer = getattr(_local, "closer", None)
    if closer is None:
        closer = _local.closer = _RunnerCloser(asyncio.Runner())
    return closer.runner


def run_coroutine(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    """Run a coroutine to completion from synchronous code and return its result."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _runner().run(coro, context=contextvars.copy_context())
    # A loop already runs in this thread: it can't be re-entered, so use another thread.
    ctx = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ctx.run, asyncio.run, coro).result()


def async_to_sync(func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]) -> t.Callable[..., t.Any]:
    """Wrap a coroutine function into a plain function that runs it to completion."""

    @functools.wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return run_coroutine(func(*args, **kwargs))

    wrapper._flagon_sync_of = func  # type: ignore[attr-defined]
    return wrapper
