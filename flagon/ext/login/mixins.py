"""What the login extension expects of a user object, with sensible defaults to inherit."""

from __future__ import annotations

import hashlib
import typing as t


class UserMixin:
    """Default implementations of the user protocol: active, authenticated, id from ``self.id``.

    Users compare equal when their ids do. Override :meth:`get_remember_token` (or keep a
    ``remember_token`` attribute) so that changing it revokes every remember cookie issued before.
    """

    # Defining __eq__ would make instances unhashable; keep identity hashing.
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        """Whether the account may log in (``login_user`` refuses inactive users)."""
        return True

    @property
    def is_authenticated(self) -> bool:
        """Whether this is a real, logged-in user; anonymous users say False."""
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        """False for real users."""
        return False

    def get_id(self) -> str:
        """The user's id as a string, stored in the session and the remember cookie."""
        try:
            return str(self.id)  # type: ignore[attr-defined]
        except AttributeError:
            raise NotImplementedError("No `id` attribute - override `get_id`") from None

    def get_remember_token(self) -> str:
        """A value that changes whenever old remember cookies must stop working.

        The default digests the ``remember_token`` attribute, else ``password_hash``, so a new
        random ``remember_token`` ("log out everywhere") or a new password revokes earlier
        cookies. Without either attribute it is empty: cookies are then not revocable.
        """
        secret = getattr(self, "remember_token", None)
        if secret is None:
            secret = getattr(self, "password_hash", None)
        if secret is None:
            return ""
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        # The cookie is signed, not encrypted: carry a digest, never the secret itself.
        return hashlib.sha256(bytes(secret)).hexdigest()[:32]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UserMixin):
            return self.get_id() == other.get_id()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        if equal is NotImplemented:
            return NotImplemented
        return not equal


class AnonymousUserMixin:
    """The user of a request nobody is logged in to: not authenticated, not active, no id."""

    @property
    def is_authenticated(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return False

    @property
    def is_anonymous(self) -> bool:
        return True

    def get_id(self) -> None:
        return None


def remember_token_of(user: t.Any) -> str:
    """The user's current remember token; users without ``get_remember_token`` have none."""
    get_token = getattr(user, "get_remember_token", None)
    if get_token is None:
        return ""
    token = get_token()
    return "" if token is None else str(token)
