"""Free tags on posts: normalised (``Python 3`` and ``python-3`` are one tag), at most
``MAX_TAGS`` a post, each at most ``MAX_TAG_LENGTH`` characters."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..db import db
from ..i18n import gettext
from ..models import Post, PostTag, Tag

MAX_TAGS = 5
MAX_TAG_LENGTH = 30
# Letters and digits of any script, joined by "-", ".", "+" or "#" (c++, c#, node.js).
_TAG = re.compile(r"[^\W_][\w.+#-]*", re.UNICODE)


class TagError(ValueError):
    """Tags that can't be used; the message says why, for the form."""


def normalise_tag(raw: str) -> str:
    """The stored form of a tag: NFKC, case-folded, inner spaces and ``_`` made ``-``."""
    tag = unicodedata.normalize("NFKC", raw).casefold().strip()
    return re.sub(r"[\s_]+", "-", tag)


def parse_tags(text: str) -> list[str]:
    """The tags of a comma-separated list, normalised, duplicates dropped, in order."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = normalise_tag(raw)
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise TagError(
                gettext("A tag may be at most %(num)d characters long.", num=MAX_TAG_LENGTH)
            )
        if not _TAG.fullmatch(tag) or "__" in tag:
            raise TagError(
                gettext(
                    "“%(tag)s” can't be a tag: use letters and digits, joined by - . + or #.",
                    tag=tag,
                )
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise TagError(gettext("A post may have at most %(num)d tags.", num=MAX_TAGS))
    return tags


def is_tag_name(name: str) -> bool:
    """Whether ``name`` is a tag in its stored form (for tag pages' URLs)."""
    return len(name) <= MAX_TAG_LENGTH and _TAG.fullmatch(name) is not None


def set_tags(post: Post, names: list[str]) -> None:
    """Make ``names`` (already parsed) the tags of ``post``; new tags are created, race-free."""
    db.session.execute(delete(PostTag).where(PostTag.post_id == post.id))
    if names:
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        db.session.execute(
            dialect.insert(Tag)
            .values([{"name": name} for name in names])
            .on_conflict_do_nothing(index_elements=["name"])
        )
        tag_ids = db.session.scalars(select(Tag.id).where(Tag.name.in_(names))).all()
        db.session.execute(
            dialect.insert(PostTag).values([{"post_id": post.id, "tag_id": i} for i in tag_ids])
        )
    db.session.expire(post, ["tags"])
