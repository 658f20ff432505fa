"""Things the login tests share: a user class, a signal recorder, browser-like cookie moves."""

from __future__ import annotations

from contextlib import contextmanager

from flagon.ext.login import UserMixin


class User(UserMixin):
    def __init__(self, id: str, name: str, active: bool = True, remember_token: str = "t0"):
        self.id = id
        self.name = name
        self.active = active
        self.remember_token = remember_token

    @property
    def is_active(self) -> bool:
        return self.active


@contextmanager
def listen(signal):
    """Record what ``signal`` sends while the block runs: a list of (sender, kwargs)."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))

    signal.connect(receiver)
    try:
        yield heard
    finally:
        signal.disconnect(receiver)


def drop_session(client) -> None:
    """Forget the session cookie, as a browser does when it is closed."""
    client.delete_cookie("session")


def remember_cookie(client, name: str = "remember_token"):
    return client.get_cookie(name)
