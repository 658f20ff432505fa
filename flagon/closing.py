"""``ClosingIterator``: a response body that runs callbacks when the server closes it."""

from __future__ import annotations

import typing as t

_Callbacks = t.Callable[[], t.Any] | t.Iterable[t.Callable[[], t.Any]] | None


class ClosingIterator:
    """Wrap a WSGI response iterable so ``callbacks`` run when the server closes it (PEP 3333),
    after the iterable's own ``close``.

    Closing twice runs nothing the second time. Every callback runs even when an earlier one
    raises; the first error is raised afterwards.
    """

    __slots__ = ("_callbacks", "_iterator")

    def __init__(self, iterable: t.Iterable[bytes], callbacks: _Callbacks = None) -> None:
        self._iterator = iter(iterable)
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        else:
            callbacks = list(callbacks)
        close = getattr(iterable, "close", None)
        if close is not None:
            callbacks.insert(0, close)
        self._callbacks: list[t.Callable[[], t.Any]] = callbacks

    def __iter__(self) -> t.Iterator[bytes]:
        # The server then iterates the body itself, with no Python call per chunk in between.
        return self._iterator

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        error: BaseException | None = None
        for callback in callbacks:
            try:
                callback()
            except BaseException as e:  # the remaining callbacks still release their resources
                if error is None:
                    error = e
        if error is not None:
            raise error
