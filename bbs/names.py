"""What makes two usernames the same, or too alike to tell apart.

``username_key`` folds case and compatibility forms (``Ada``, ``ADA``, ``ａｄａ``), and must be
unique. ``username_skeleton`` goes further, after Unicode's UTS #39: every character is replaced
by the one it is confusable with, from Unicode's confusables data as shipped by the
``confusable_homoglyphs`` package, so ``rооt`` (Cyrillic о) and ``root``, or ``paypa1`` and
``paypal``, share a skeleton; skeletons are unique too. ``mixes_scripts`` refuses names that
mix writing systems (Latin with Cyrillic, say), except the combinations a language needs:
Latin, Han and the Japanese kana; Latin, Han and Bopomofo; Latin, Han and Hangul.
"""

from __future__ import annotations

import functools
import unicodedata

from confusable_homoglyphs import categories, confusables

NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})  # digits, "_", ".", "-", combining marks
# UTS #39's "highly restrictive" combinations.
SCRIPT_COMBINATIONS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_DIRECTION_MARKS = "\u200e\u200f"


def username_key(username: str) -> str:
    """The form of a username that must be unique: ``Ada``, ``ADA`` and ``ａｄａ`` are one."""
    return unicodedata.normalize("NFKC", username).casefold()


def scripts(username: str) -> frozenset[str]:
    """The writing systems ``username``'s letters belong to (digits and punctuation aside)."""
    return frozenset(categories.alias(character) for character in username) - NEUTRAL_SCRIPTS


def mixes_scripts(username: str) -> bool:
    """Whether ``username`` mixes writing systems in a way no language needs."""
    found = scripts(username)
    return len(found) > 1 and not any(found <= allowed for allowed in SCRIPT_COMBINATIONS)


def _homoglyphs(character: str) -> list[str]:
    found = confusables.is_confusable(character, greedy=True, preferred_aliases=[])
    if not found:
        return []
    return [glyph["c"].strip(_DIRECTION_MARKS) for glyph in found[0]["homoglyphs"]]


@functools.lru_cache(maxsize=4096)
def _prototype(character: str) -> str:
    """What ``character`` looks like: itself, or the character (or characters) it is listed
    as a confusable of. A character many others look like stands for itself; two that only
    look like each other are both represented by the smaller."""
    homoglyphs = _homoglyphs(character)
    if len(homoglyphs) != 1:
        return character
    (other,) = homoglyphs
    if len(other) == 1 and _homoglyphs(other) == [character] and character < other:
        return character
    return other


def username_skeleton(username: str) -> str:
    """The form of a username that look-alikes share (UTS #39's skeleton of its key)."""
    decomposed = unicodedata.normalize("NFD", username_key(username))
    return unicodedata.normalize("NFD", "".join(_prototype(c) for c in decomposed))
