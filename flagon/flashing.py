"""Message flashing: a note stored in the session by one request and shown by a later one.

Typically a view flashes "Saved." and redirects; the next page's template calls
``get_flashed_messages()``, which removes the messages from the session and returns them.
"""

from __future__ import annotations

import typing as t

from .globals import _request_ctx_stack, current_app, session
from .signals import message_flashed


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` in the session for the next :func:`get_flashed_messages`.

    ``category`` is free text; ``"message"``, ``"error"``, ``"info"`` and ``"warning"`` are the
    usual ones. Sends :data:`~flagon.signals.message_flashed`.
    """
    # Reassigned rather than appended in place, so the session sees the change (a backend
    # can't notice a list mutated inside it).
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    if message_flashed.receivers:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """The flashed messages, removed from the session; later calls in the same request return
    the same messages.

    ``with_categories`` gives ``(category, message)`` pairs instead of messages;
    ``category_filter`` keeps only the messages of those categories.
    """
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(
            "'get_flashed_messages' needs an active request, such as in a view function or a"
            " template rendered by one."
        )
    flashes = ctx.flashes
    if flashes is None:
        ctx_session = ctx.session
        flashes = ctx_session.pop("_flashes") if "_flashes" in ctx_session else []
        ctx.flashes = flashes
    if category_filter:
        # One category may be given as a plain string (not taken as a sequence of letters).
        categories = {category_filter} if isinstance(category_filter, str) else set(category_filter)
        flashes = [f for f in flashes if f[0] in categories]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes
