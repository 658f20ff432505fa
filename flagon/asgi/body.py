"""The request body of an ASGI request, received from the server as the pipeline reads it."""

from __future__ import annotations

import asyncio
import typing as t

from ..exceptions import ClientDisconnected
from ..green import await_, can_await
from ..wsgi import LineReader

Receive = t.Callable[[], t.Awaitable[dict[str, t.Any]]]


class RequestBody(LineReader):
    """``wsgi.input`` for an ASGI request: each read waits for the server's next
    ``http.request`` message without blocking the event loop, from the request's greenlet
    (:func:`flagon.green.run`) or from a thread (a sync view's). A client that goes away
    mid-body is :class:`ClientDisconnected` (400).

    A plain object with a file's reading methods rather than an ``io.RawIOBase``: one is made
    for every request, and an ``io`` object costs several times as much to make and drop.
    """

    __slots__ = ("_buffer", "_loop", "_receive", "complete", "disconnected")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._loop = asyncio.get_running_loop()
        self._buffer = b""
        self.complete = False  # the last http.request message has arrived
        self.disconnected = False

    def readable(self) -> bool:
        return True

    async def next_message(self) -> dict[str, t.Any]:
        """The server's next message, with what it says of the body taken into account."""
        message = await self._receive()
        if message["type"] == "http.disconnect":
            self.complete = self.disconnected = True
        elif message["type"] == "http.request":
            self._buffer += message.get("body", b"")
            self.complete = not message.get("more_body", False)
        return message

    def _fill(self) -> None:
        while not self._buffer and not self.complete:
            if can_await():
                await_(self.next_message())
            else:  # in a thread: the loop receives it
                asyncio.run_coroutine_threadsafe(self.next_message(), self._loop).result()
        if self.disconnected and not self._buffer:
            raise ClientDisconnected()

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        self._fill()
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readall(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            self._fill()
            if not self._buffer:
                return b"".join(chunks)
            chunks.append(self._buffer)
            self._buffer = b""

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        line = b""
        while limit < 0 or len(line) < limit:
            self._fill()
            if not self._buffer:
                break
            end = self._buffer.find(b"\n") + 1 or len(self._buffer)
            if limit >= 0:
                end = min(end, limit - len(line))
            line += self._buffer[:end]
            self._buffer = self._buffer[end:]
            if line.endswith(b"\n"):
                break
        return line

    def close(self) -> None:
        """Nothing to release: the server owns the connection."""
