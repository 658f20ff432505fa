"""What changed between two versions of a text: lines first, then words within changed lines,
so an edit of one word in a long post is shown as that word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

SAME, ADDED, REMOVED = "same", "added", "removed"
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text that both versions share (``same``), or only the new (``added``) or the
    old (``removed``) one has. Plain text: templates escape it."""

    kind: str
    text: str


def _compare(old: list[str], new: list[str], pieces: list[Piece], words: bool) -> None:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece(SAME, "".join(old[old_start:old_end])))
        elif operation == "replace" and words:
            _compare(
                _WORDS.findall("".join(old[old_start:old_end])),
                _WORDS.findall("".join(new[new_start:new_end])),
                pieces,
                words=False,
            )
        else:
            if old_end > old_start:
                pieces.append(Piece(REMOVED, "".join(old[old_start:old_end])))
            if new_end > new_start:
                pieces.append(Piece(ADDED, "".join(new[new_start:new_end])))


def diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``, in order; runs of one kind are joined."""
    pieces: list[Piece] = []
    _compare(old.splitlines(keepends=True), new.splitlines(keepends=True), pieces, words=True)
    joined: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if joined and joined[-1].kind == piece.kind:
            joined[-1] = Piece(piece.kind, joined[-1].text + piece.text)
        else:
            joined.append(piece)
    return joined
