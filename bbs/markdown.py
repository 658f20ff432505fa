"""Markdown for what members write: posts, comments, bios.

:func:`render` turns Markdown into HTML that is safe to put in a page as it is. Two layers keep
it safe: mistune escapes any raw HTML in the text (it is shown, never interpreted), and nh3
then keeps only an allowlist of tags and attributes, links to ``http``, ``https``, ``mailto``
or this site, and images from this site only. Single line breaks are kept (hard wraps), and
fenced code blocks keep their language as a ``language-…`` class.

Two things make the HTML fit the page it goes into. Headings are one level down (``# x`` is an
``<h2>``): the page's own title is its only ``<h1>``. And an image from another site
(``![alt](https://…)``) becomes a link to it: the page never loads it (the
Content-Security-Policy allows images from this site only), so reading a post tells no other
site who read it, or when.

``@name`` is a mention: :func:`mentioned_names` lists those a text holds (never inside code or
links), and :func:`render` makes each one that ``mentions`` knows a link to the member's profile.
"""

from __future__ import annotations

import functools
import re
import typing as t
from urllib.parse import quote, urljoin

import mistune
import nh3
from markupsafe import Markup
from mistune.core import BlockState, InlineState

from .names import username_key

TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "code": {"class"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Where an image may come from: a path on this site (no other site, no mailto:, no data:).
_IMAGE_SOURCE = re.compile(r"^(?:/(?!/)|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE)
# An image address naming another site: shown as a link instead.
_EXTERNAL_IMAGE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_ANCHOR_TAG = re.compile(r"</?a\b[^>]*>")
_CODE_CLASS = re.compile(r"^language-[A-Za-z0-9_+.#-]{1,32}$")
_DIGITS = re.compile(r"^\d{1,9}$")
MENTION_CLASS = "mention"
# "@" and a name as usernames are made (letters, digits, "_", "." and "-"), not ending in "."
# or "-" (the end of a sentence), and not preceded by what would make it part of an address
# or a word (ada@example.com).
MENTION_PATTERN = r"(?<![\w.@/+-])@(?P<mention_name>\w(?:[\w.-]*\w)?)"
_NAME_MAX_LENGTH = 32


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop attribute values the allowlist alone can't judge."""
    if tag == "img" and attribute == "src":
        return value if _IMAGE_SOURCE.match(value) else None
    if tag == "code" and attribute == "class":
        return value if _CODE_CLASS.match(value) else None
    if tag == "ol" and attribute == "start":
        return value if _DIGITS.match(value) else None
    if tag == "a" and attribute == "href" and value.startswith("#harmful"):
        return None  # mistune's stand-in for a javascript:/data: link: no link at all
    if tag == "a" and attribute == "class":
        return value if value == MENTION_CLASS else None
    return value


def _make_cleaner(attribute_filter: t.Callable[[str, str, str], str | None]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
    )


_cleaner = _make_cleaner(_filter_attribute)


class _ForumRenderer(mistune.HTMLRenderer):
    """mistune's HTML, with headings a level down and other sites' images as links."""

    def heading(self, text: str, level: int, **attrs: t.Any) -> str:
        return super().heading(text, min(level + 1, 6), **attrs)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if not _EXTERNAL_IMAGE.match(url.strip()):
            return super().image(text, url, title)
        label = mistune.util.striptags(text).strip() or url
        return self.link(mistune.util.escape(label) if label == url else text, url, title)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        # An image link inside a link (``[![alt](https://…)](https://…)``) keeps only its text:
        # links can't nest. Raw HTML is escaped, so any <a> here is one rendered above.
        return super().link(_ANCHOR_TAG.sub("", text), url, title)

    def mention(self, text: str, username: str | None) -> str:
        if username is None:  # not a member: the text as written
            return mistune.util.escape(text)
        href = mistune.util.escape(profile_path(username))
        return f'<a class="{MENTION_CLASS}" href="{href}">{mistune.util.escape(text)}</a>'


def profile_path(username: str) -> str:
    """The path of a member's profile page (``/u/<name>``)."""
    return "/u/" + quote(username, safe="")


def _parse_mention(inline: t.Any, match: re.Match[str], state: InlineState) -> int:
    name = match.group("mention_name")
    known = state.env.get("mentions", {})
    username = known.get(username_key(name)) if len(name) <= _NAME_MAX_LENGTH else None
    state.append_token({"type": "mention", "raw": "@" + name, "attrs": {"username": username}})
    return match.end()


def _mentions(md: mistune.Markdown) -> None:
    md.inline.register("mention", MENTION_PATTERN, _parse_mention, before="link")


_markdown = mistune.create_markdown(
    renderer=_ForumRenderer(escape=True),  # raw HTML in the text is shown as text
    hard_wrap=True,
    plugins=["strikethrough", "table", "url", _mentions],
)


def absolute_links(html: str, base: str) -> Markup:
    """Sanitised ``html`` with every link and image address made absolute, resolved against
    ``base`` (an absolute URL): for HTML read away from the site, such as in a feed."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        kept = _filter_attribute(tag, attribute, value)
        if kept is not None and (tag, attribute) in (("a", "href"), ("img", "src")):
            return urljoin(base, kept)
        return kept

    return Markup(_make_cleaner(absolute).clean(html))


def sanitize(html: str) -> Markup:
    """``html`` reduced to the allowlist: safe to insert into a page."""
    return Markup(_cleaner.clean(html))


def _parse(text: str, mentions: t.Mapping[str, str]) -> tuple[str, BlockState]:
    state = BlockState()
    state.env["mentions"] = mentions
    html, state = _markdown.parse(text, state)
    return t.cast(str, html), state


def render(text: str, mentions: t.Mapping[str, str] | None = None) -> Markup:
    """The sanitised HTML for the Markdown ``text``; each ``@name`` whose username key
    (:func:`bbs.names.username_key`) ``mentions`` maps to a username links to that profile."""
    return sanitize(_parse(text, mentions or {})[0])


def mentioned_names(text: str) -> list[str]:
    """The names ``text`` mentions (``@name`` outside code and links), in order, repeated
    as often as they are: whether they are members is for the caller to find out."""
    if "@" not in text:
        return []
    found: list[str] = []

    def collect(tokens: t.Iterable[dict[str, t.Any]]) -> None:
        for token in tokens:
            if token["type"] == "mention":
                found.append(token["raw"][1:])
            elif token["type"] not in ("link", "image"):  # a link's text is no mention
                collect(token.get("children", ()))

    collect(_parse(text, {})[1].tokens)
    return found


def mention_candidates(text: str) -> set[str]:
    """The username keys of every ``@name`` in ``text``, code and links included: a quick
    superset of :func:`mentioned_names`, for looking up the members of a page at once."""
    if "@" not in text:
        return set()
    return {
        username_key(match.group("mention_name"))
        for match in _MENTION.finditer(text)
        if len(match.group("mention_name")) <= _NAME_MAX_LENGTH
    }


_MENTION = re.compile(MENTION_PATTERN)


@functools.lru_cache(maxsize=1024)
def _render_cached(text: str, mentions: tuple[tuple[str, str], ...]) -> Markup:
    return render(text, dict(mentions))


def render_cached(text: str, mentions: t.Mapping[str, str] | None = None) -> Markup:
    """:func:`render`, remembering recent results: for short texts shown often (comments).
    Only the mentions ``text`` may hold are part of the key, so a page's lookup of all its
    names shares the results of another page's."""
    relevant = (
        tuple(sorted((key, mentions[key]) for key in mention_candidates(text) if key in mentions))
        if mentions
        else ()
    )
    return _render_cached(text, relevant)
