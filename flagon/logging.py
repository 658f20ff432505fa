"""``app.logger``: a standard logger named after the app, writing to the server's error stream."""

from __future__ import annotations

import logging
import sys
import typing as t

from .globals import _request_ctx_stack

if t.TYPE_CHECKING:
    from .app import Flagon


class _WSGIErrorsStream:
    """Writes to ``wsgi.errors`` of the current request, or to stderr outside requests."""

    @staticmethod
    def _target() -> t.TextIO:
        ctx = _request_ctx_stack.top
        if ctx is not None:
            stream: t.TextIO = ctx.request.environ.get("wsgi.errors") or sys.stderr
            return stream
        return sys.stderr

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()


wsgi_errors_stream: t.TextIO = _WSGIErrorsStream()  # type: ignore[assignment]

#: The handler ``app.logger`` gets when nothing else would handle its records.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Whether some handler on the way to the root would emit this logger's records."""
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


def create_logger(app: Flagon) -> logging.Logger:
    """The logger ``app.name``; DEBUG level in debug mode; the default handler if none applies."""
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
