"""Synchronous code that can await: a function run in a greenlet by an asyncio task, handing
each awaitable it meets back to that task and resuming with its outcome.

The ASGI adapter runs flagon's one, synchronous request pipeline this way. An ``async def``
view, hook or handler the pipeline reaches is awaited on the server's event loop, inside the
request's own task, with no thread hop: the coroutine's frames run in the request's greenlet,
so they see the request's context variables (``request``, ``g``, ``current_app``), while
``asyncio.current_task()`` is the request's task, so timeouts and cancellation work as usual.
Blocking functions go to a thread pool (:func:`call_in_thread`) so the loop keeps serving.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import typing as t
from concurrent.futures import Executor

try:
    from greenlet import GreenletExit, getcurrent, greenlet
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError("serving over ASGI needs greenlet: pip install 'flagon[asgi]'") from error

T = t.TypeVar("T")


class _Bridged(greenlet):
    """A greenlet that runs one call after another for :func:`run`, its parent the greenlet
    (of the task) that handed it the current one. Made once and kept for the next call:
    starting and ending a greenlet costs far more than switching into a waiting one."""

    def __init__(self) -> None:
        super().__init__(self._serve)
        self.call: tuple[t.Callable[..., t.Any], tuple[t.Any, ...]] | None = None
        self.outcome: _Outcome | None = None

    def _serve(self) -> None:
        while True:
            func, args = self.call  # type: ignore[misc]
            self.call = None
            try:
                self.outcome = _Outcome(func(*args), None)
            except GreenletExit:
                raise
            except BaseException as error:  # handed to the caller, who raises it
                self.outcome = _Outcome(None, error)
            # Nothing of this call stays referenced while the greenlet waits for the next.
            func = args = None
            self.parent.switch(_DONE)  # type: ignore[union-attr]


class _Outcome:
    """How a call under :func:`run` ended."""

    __slots__ = ("error", "value")

    def __init__(self, value: t.Any, error: BaseException | None) -> None:
        self.value, self.error = value, error


_DONE = object()  # what a greenlet hands back once its call has ended (else an awaitable)


class _Idle(threading.local):
    """The greenlets of this thread waiting for a call (a greenlet only runs in its own)."""

    def __init__(self) -> None:
        self.greenlets: list[_Bridged] = []


_idle = _Idle()
_KEPT = 256  # idle greenlets kept per thread: as many as requests usually run at once


def can_await() -> bool:
    """Whether the calling code runs under :func:`run`, so :func:`await_` may be used."""
    return type(getcurrent()) is _Bridged


async def run(
    func: t.Callable[..., T], *args: t.Any, context: contextvars.Context | None = None
) -> T:
    """Call ``func(*args)`` in a greenlet, in ``context`` (by default a copy of the caller's),
    awaiting in this task each awaitable it passes to :func:`await_`."""
    idle = _idle.greenlets
    child = idle.pop() if idle else _Bridged()
    child.parent = getcurrent()
    child.gr_context = contextvars.copy_context() if context is None else context
    child.call = (func, args)
    message = child.switch()
    while message is not _DONE:
        message = child.switch(await _wait_for(message))
    outcome, child.outcome = child.outcome, None
    child.gr_context = None  # let the request's context go
    if len(idle) < _KEPT:
        idle.append(child)
    assert outcome is not None
    if outcome.error is not None:
        raise outcome.error
    return t.cast(T, outcome.value)


async def _wait_for(waited: t.Any) -> BaseException | None:
    """Wait, as asyncio's Task does, for what a coroutine yielded: a future (asyncio's or a
    server's own future-like object), or None to let the other tasks run once. What to throw
    into the coroutine when it resumes: nothing, as it reads its future's outcome itself,
    unless waiting failed (this task cancelled and the future not, a thing not a future)."""
    try:
        if waited is None:
            await asyncio.sleep(0)
            return None
        if not hasattr(waited, "add_done_callback"):
            raise RuntimeError(f"a coroutine can't wait for {waited!r}")
        waited._asyncio_future_blocking = False  # taken on, as a Task takes it on
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake(_done: t.Any) -> None:
            if not woken.done():
                woken.set_result(None)

        waited.add_done_callback(wake)
        try:
            await woken
        except asyncio.CancelledError:
            if waited.cancel():  # the coroutine then finds its future cancelled
                return None
            raise
    except BaseException as error:
        return error
    return None


def await_(awaitable: t.Awaitable[T]) -> T:
    """Wait for ``awaitable`` from synchronous code running under :func:`run`, and return its
    result (or raise its exception)."""
    here = getcurrent()
    if type(here) is not _Bridged:
        raise RuntimeError("await_() needs code run by flagon.green.run()")
    steps = awaitable.__await__()
    thrown: BaseException | None = None
    while True:
        try:
            waiting_for = steps.send(None) if thrown is None else steps.throw(thrown)
        except StopIteration as done:
            return t.cast(T, done.value)
        thrown = here.parent.switch(waiting_for)  # type: ignore[union-attr]


def call_in_thread(executor: Executor | None, func: t.Callable[..., T], *args: t.Any) -> T:
    """Run a blocking ``func(*args)`` in ``executor`` (the loop's default one for None), in a
    copy of the calling context, and wait for it without blocking the loop. Cancelled, it
    waits for the thread to finish, then raises ``CancelledError``."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await_(_finished(loop.run_in_executor(executor, context.run, func, *args)))


async def _finished(running: asyncio.Future[T]) -> T:
    # A cancelled wait (the client left) still lets the thread finish before it goes on: what
    # runs next (the request's teardown) must not pull what the thread uses from under it.
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        raise
