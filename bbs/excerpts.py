"""Excerpts for search results: the text of a rendered post, cut around the words found, with
those words marked.

The text comes from the post's sanitised HTML, so no Markdown syntax shows; it is escaped
piece by piece around the marks, so whatever the post or the query holds, the excerpt is
only text and ``<mark>`` elements.
"""

from __future__ import annotations

import re
import typing as t
import unicodedata
from html.parser import HTMLParser

from markupsafe import Markup, escape

EXCERPT_LENGTH = 240
# Elements after which the text continues on a new line: their words must not run together.
_BLOCKS = frozenset(
    {"p", "br", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th"}
)
_SPACE = re.compile(r"\s+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: t.Any) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text a reader sees in ``html``, on one line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return _SPACE.sub(" ", "".join(parser.parts)).strip()


def _fold(text: str) -> str:
    """``text`` without case or accents, character for character (same length), so that a
    match in it is a match at the same place in ``text``: "Café" finds "cafe", as the SQLite
    index does."""
    return "".join(
        (unicodedata.normalize("NFKD", character)[:1].lower()[:1] or character)
        for character in text
    )


def _pattern(terms: t.Sequence[str]) -> re.Pattern[str] | None:
    # Whole words, as the full-text index matches them; longest first, so "forum" wins over
    # "for" where both could start.
    words = sorted({_fold(term) for term in terms if term}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def excerpt(text: str, terms: t.Sequence[str], length: int = EXCERPT_LENGTH) -> str:
    """About ``length`` characters of ``text``, around the first of ``terms`` found in it
    (from the start when none is), cut at spaces and marked with ``…`` where cut."""
    if len(text) <= length:
        return text
    pattern = _pattern(terms)
    found = pattern.search(_fold(text)) if pattern else None
    start = 0
    if found is not None and found.end() > length * 2 // 3:
        start = max(0, found.start() - length // 3)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    if start > 0:
        space = text.find(" ", start, found.start() if found else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def highlight(text: str, terms: t.Sequence[str]) -> Markup:
    """``text`` escaped, with each whole-word occurrence of ``terms`` in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    pieces: list[str] = []
    position = 0
    for found in pattern.finditer(_fold(text)):
        pieces.append(escape(text[position : found.start()]))
        pieces.append(Markup("<mark>%s</mark>") % text[found.start() : found.end()])
        position = found.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)
