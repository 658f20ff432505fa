"""UserMixin and AnonymousUserMixin: the user protocol's defaults."""

from __future__ import annotations

import pytest

from flagon.ext.login import AnonymousUserMixin, UserMixin


class Plain(UserMixin):
    def __init__(self, id):
        self.id = id


def test_user_mixin_defaults():
    user = Plain(7)
    assert user.is_active is True
    assert user.is_authenticated is True
    assert user.is_anonymous is False
    assert user.get_id() == "7"


def test_get_id_without_id_names_the_missing_attribute():
    with pytest.raises(NotImplementedError, match="No `id` attribute - override `get_id`"):
        UserMixin().get_id()


def test_users_are_equal_by_id_and_stay_hashable():
    assert Plain(1) == Plain("1")
    assert Plain(1) != Plain(2)
    assert not (Plain(1) != Plain(1))
    assert Plain(1) != object()
    assert len({Plain(1), Plain(1)}) == 2  # identity hashing, as Flask-Login


def test_anonymous_user():
    anonymous = AnonymousUserMixin()
    assert anonymous.is_authenticated is False
    assert anonymous.is_active is False
    assert anonymous.is_anonymous is True
    assert anonymous.get_id() is None


def test_remember_token_follows_the_remember_token_attribute():
    user = Plain(1)
    user.remember_token = "first"
    before = user.get_remember_token()
    assert before and "first" not in before  # a digest, not the secret itself
    user.remember_token = "second"
    assert user.get_remember_token() != before


def test_remember_token_falls_back_to_the_password_hash():
    user = Plain(1)
    user.password_hash = "pbkdf2:sha256$old"
    before = user.get_remember_token()
    assert before and "pbkdf2" not in before
    user.password_hash = "pbkdf2:sha256$new"
    assert user.get_remember_token() != before


def test_remember_token_is_empty_without_a_secret_attribute():
    assert Plain(1).get_remember_token() == ""
