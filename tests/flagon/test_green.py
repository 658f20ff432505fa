"""flagon.green: synchronous code run by an asyncio task, awaiting through it."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from flagon.green import await_, call_in_thread, can_await, run

colour: contextvars.ContextVar[str] = contextvars.ContextVar("colour", default="none")


def test_sync_code_awaits_and_gets_results_and_errors():
    async def answer(value):
        await asyncio.sleep(0.001)
        return value

    async def fail():
        await asyncio.sleep(0)
        raise LookupError("gone")

    def work():
        first = await_(answer(1))
        try:
            await_(fail())
        except LookupError as error:
            return first, str(error), can_await()

    assert asyncio.run(run(work)) == (1, "gone", True)


def test_await_needs_run():
    assert not can_await()
    coroutine = asyncio.sleep(0)
    with pytest.raises(RuntimeError, match=r"flagon\.green\.run"):
        await_(coroutine)
    coroutine.close()


def test_the_code_runs_in_its_own_context_which_the_awaited_coroutines_share():
    async def read():
        await asyncio.sleep(0)
        return colour.get()

    def work():
        colour.set("blue")
        return await_(read())

    async def main():
        seen = await run(work)
        return seen, colour.get()

    assert asyncio.run(main()) == ("blue", "none")


class ServerFuture:
    """A future-like object of a server's own (as granian's receive() returns): not an
    asyncio.Future, but waitable by a Task."""

    _asyncio_future_blocking = False

    def __init__(self, loop, value):
        self._callbacks = []
        self._value = None
        self._done = False
        loop.call_later(0.001, self._finish, value)

    def _finish(self, value):
        self._value, self._done = value, True
        for callback in self._callbacks:
            callback(self)

    def add_done_callback(self, callback, *, context=None):
        self._callbacks.append(callback)

    def cancel(self):
        return False

    def done(self):
        return self._done

    def result(self):
        return self._value

    def __await__(self):
        if not self._done:
            self._asyncio_future_blocking = True
            yield self
        return self._value


def test_a_servers_own_future_like_objects_are_waited_for():
    async def receive():
        return await ServerFuture(asyncio.get_running_loop(), {"type": "http.request"})

    assert asyncio.run(run(lambda: await_(receive()))) == {"type": "http.request"}


def test_cancelling_the_task_raises_in_the_waiting_code():
    cleaned = []

    def work():
        try:
            await_(asyncio.sleep(30))
        finally:
            cleaned.append("finally")

    async def main():
        task = asyncio.create_task(run(work))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert cleaned == ["finally"]


def test_blocking_work_goes_to_a_thread_in_a_copy_of_the_context():
    import threading

    def blocking():
        return threading.current_thread() is not threading.main_thread(), colour.get()

    def work():
        colour.set("green")
        return call_in_thread(None, blocking)

    assert asyncio.run(run(work)) == (True, "green")
