"""Sessions: per-visitor data kept between requests, behind a replaceable ``SessionInterface``."""

from __future__ import annotations

import typing as t
from collections.abc import MutableMapping

if t.TYPE_CHECKING:
    from .app import Flagon
    from .wrappers import Request, Response


class SessionMixin(MutableMapping):
    """What every session offers on top of a mapping."""

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (``PERMANENT_SESSION_LIFETIME``)."""
        return self.get("_permanent", False)

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: False for sessions that could not be opened (see :class:`NullSession`).
    new = False
    #: Set when the session changed and must be saved.
    modified = True
    #: Set when the session was read or written (the response then varies on ``Cookie``).
    accessed = True


class NullSession(dict, SessionMixin):  # type: ignore[misc]
    """The session used when none can be opened: readable and empty, refusing every write."""

    modified = False
    accessed = False

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the secret_key on"
            " the application to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail  # type: ignore[assignment]


class SessionInterface:
    """How sessions are loaded from a request and saved into a response.

    Subclass it and set ``app.session_interface``. ``open_session`` returning ``None`` means the
    session can't be used, and a :class:`NullSession` stands in.
    """

    null_session_class = NullSession

    def make_null_session(self, app: Flagon) -> NullSession:
        """The stand-in session for when ``open_session`` returned ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is the stand-in session (nothing to save)."""
        return isinstance(obj, self.null_session_class)

    def open_session(self, app: Flagon, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` when sessions are unavailable."""
        return None

    def save_session(self, app: Flagon, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` into ``response``."""
