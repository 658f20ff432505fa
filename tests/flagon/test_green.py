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


def test_one_greenlet_serves_call_after_call_each_in_its_own_context():
    from greenlet import getcurrent

    def work(name):
        seen = colour.get()
        colour.set(name)
        return getcurrent(), seen

    async def main():
        return [await run(work, "red"), await run(work, "blue")]

    (first, seen_first), (second, seen_second) = asyncio.run(main())
    assert first is second  # kept for the next call, not made anew
    assert (seen_first, seen_second) == ("none", "none")  # nothing left from the call before


def test_an_error_reaches_the_caller_and_the_greenlet_serves_on():
    def fail():
        raise LookupError("gone")

    async def main():
        with pytest.raises(LookupError, match="gone"):
            await run(fail)
        return await run(lambda: await_(asyncio.sleep(0, "after")))

    assert asyncio.run(main()) == "after"


def test_concurrent_calls_each_get_their_own_greenlet():
    async def step(name):
        await asyncio.sleep(0.001)
        return name

    def work(name):
        colour.set(name)
        first = await_(step(name))
        return first, await_(step(colour.get()))

    async def main():
        return await asyncio.gather(*(run(work, f"n{i}") for i in range(20)))

    assert asyncio.run(main()) == [(f"n{i}", f"n{i}") for i in range(20)]


def test_a_call_can_run_another_from_a_coroutine_it_awaits():
    def inner():
        return await_(asyncio.sleep(0.001, "inner")) + " done"

    async def awaited():
        return await run(inner)  # started inside the outer call's greenlet

    def outer():
        return await_(awaited()), can_await()

    assert asyncio.run(run(outer)) == ("inner done", True)


def test_a_waiting_greenlet_keeps_nothing_of_its_last_call():
    import gc
    import weakref

    class Request:
        pass

    def work(request):
        return request

    async def main():
        request = Request()
        seen = weakref.ref(request)
        assert await run(work, request) is request
        del request
        return seen

    seen = asyncio.run(main())
    gc.collect()
    assert seen() is None  # neither its argument nor its result is held by the idle greenlet
