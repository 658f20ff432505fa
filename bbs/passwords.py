"""Password hashing with Argon2id (argon2-cffi), and what the forum accepts as a password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from flagon import current_app

from .i18n import gettext

MIN_LENGTH = 8
MAX_LENGTH = 256
# The most common choices: refused whatever their length.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "12345678",
        "123456789",
        "1234567890",
        "qwertyuiop",
        "iloveyou",
        "11111111",
        "00000000",
        "abc12345",
        "abcd1234",
        "qwerty123",
        "1q2w3e4r",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "welcome1",
        "admin123",
        "letmein1",
        "passw0rd",
        "trustno1",
        "88888888",
        "66666666",
        "a1234567",
        "woaini1314",
    }
)


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("bbs.passwords")
    if hasher is None:
        hasher = PasswordHasher(**current_app.config["PASSWORD_HASHER"])
        current_app.extensions["bbs.passwords"] = hasher
    return hasher


def hash_password(password: str) -> str:
    """The Argon2id hash to store for ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return _hasher().check_needs_rehash(password_hash)


def waste_a_verification(password: str) -> None:
    """Spend the time a real check takes, so that unknown usernames answer as slowly as
    known ones and can't be told apart by timing."""
    dummy = current_app.extensions.get("bbs.passwords.dummy")
    if dummy is None:
        dummy = current_app.extensions["bbs.passwords.dummy"] = hash_password("not a password")
    verify_password(dummy, password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is too weak, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return gettext("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Use at most %(num)d characters.", num=MAX_LENGTH)
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        return gettext("Don't use your username in your password.")
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        return gettext("This password is too easy to guess.")
    return None
