"""Running ``async def`` views, hooks and handlers from the synchronous WSGI world.

Each thread keeps one event loop (an ``asyncio.Runner``) and reuses it, so an async view costs a
task, not a new loop. The coroutine runs in a copy of the caller's ``contextvars`` context, so
``request``, ``g`` and ``current_app`` are visible inside it.

Under gevent or eventlet (Gunicorn's ``gevent``/``eventlet`` workers) every request is a
greenlet of one OS thread, and asyncio allows one running loop per OS thread: a second
greenlet reaching an async view while the first one's coroutine waits would find that loop
running. There, each coroutine runs in a real thread of the library's own thread pool, which
keeps the calling greenlet cooperative while it waits.

Under an ASGI server the pipeline already runs on the server's loop (:mod:`flagon.green`):
there, the coroutine is awaited in the request's own task.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import sys
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


def _run_in_runner(coro: t.Coroutine[t.Any, t.Any, t.Any], ctx: contextvars.Context) -> t.Any:
    return _runner().run(coro, context=ctx)


def _green_thread_pool() -> t.Callable[..., t.Any] | None:
    """How to call a function in a real OS thread when threads are monkey-patched into
    greenlets (gevent, eventlet), or ``None`` when they are not."""
    gevent_monkey = sys.modules.get("gevent.monkey")
    if gevent_monkey is not None and gevent_monkey.is_module_patched("threading"):
        import gevent

        return lambda func, *args: gevent.get_hub().threadpool.apply(func, args)
    eventlet_patcher = sys.modules.get("eventlet.patcher")
    if eventlet_patcher is not None and eventlet_patcher.is_monkey_patched("thread"):
        from eventlet import tpool

        return tpool.execute
    return None


def run_coroutine(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    """Run a coroutine to completion from synchronous code and return its result."""
    green = sys.modules.get("flagon.green")  # loaded once an ASGI server has called the app
    if green is not None and green.can_await():
        return green.await_(coro)  # on the server's loop, in the request's task
    in_real_thread = _green_thread_pool()
    if in_real_thread is not None:
        return in_real_thread(_run_in_runner, coro, contextvars.copy_context())
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _runner().run(coro, context=contextvars.copy_context())
    # A loop already runs in this thread: it can't be re-entered, so use another thread.
    ctx = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ctx.run, asyncio.run, coro).result()


def async_to_sync(
    func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]],
) -> t.Callable[..., t.Any]:
    """Wrap a coroutine function into a plain function that runs it to completion."""

    @functools.wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return run_coroutine(func(*args, **kwargs))

    wrapper._flagon_sync_of = func  # type: ignore[attr-defined]
    return wrapper
