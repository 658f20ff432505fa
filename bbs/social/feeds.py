"""Atom feeds (RFC 4287): the newest posts of the whole site, and of each member.

The XML is built with ElementTree, which escapes every text and attribute; characters XML
can't carry at all (most control characters) are dropped first, so any title gives a valid
document. Entries carry the post's sanitised HTML as ``type="html"`` content.
"""

from __future__ import annotations

import re
import typing as t
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import Response, current_app, request

from ..db import db
from ..markdown import absolute_links
from ..models import Post, utcnow
from ..urls import absolute_url
from . import bp
from .follows import find_member
from .links import post_url, user_url

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MIMETYPE = "application/atom+xml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
FEED_ENTRIES = 20
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters an XML 1.0 document may not contain."""
    return _NOT_XML.sub("", value)


def atom_date(value: datetime) -> str:
    """An RFC 3339 date in UTC: ``2024-05-06T07:08:09Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = xml_text(text)
    return element


def build_feed(title: str, feed_url: str, page_url: str, posts: t.Sequence[Post]) -> bytes:
    """An Atom document for ``posts`` (newest first), published at ``feed_url``.

    Every address in it is absolute, the links inside the posts' HTML too (a feed reader shows
    them away from the site), and ``xml:base`` names the site for readers that look for it.
    """
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_BASE: absolute_url("main.index")})
    _add(feed, "title", title)
    _add(feed, "id", feed_url)
    _add(feed, "link", rel="self", type=ATOM_MIMETYPE, href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    newest = max((post.updated_at for post in posts), default=None)
    _add(feed, "updated", atom_date(newest or utcnow()))
    _add(feed, "generator", "bbs")
    for post in posts:
        url = post_url(post.id, _external=True)
        entry = _add(feed, "entry")
        _add(entry, "title", post.title, type="text")
        _add(entry, "id", url)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "published", atom_date(post.created_at))
        _add(entry, "updated", atom_date(post.updated_at))
        author = _add(entry, "author")
        _add(author, "name", post.author.username)
        _add(author, "uri", user_url(post.author.username, _external=True))
        _add(entry, "content", absolute_links(post.body_html, url), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _newest_posts(*conditions: t.Any) -> list[Post]:
    statement = (
        select(Post)
        .options(joinedload(Post.author))
        .where(*conditions)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(FEED_ENTRIES)
    )
    return list(db.session.scalars(statement))


def _atom_response(document: bytes) -> Response:
    response = Response(document, content_type=f"{ATOM_MIMETYPE}; charset=utf-8")
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/feed.atom")
def site_feed():
    posts = _newest_posts()
    feed_url = absolute_url("social.site_feed")
    page_url = absolute_url("main.index")
    return _atom_response(build_feed(current_app.config["SITE_NAME"], feed_url, page_url, posts))


@bp.get("/u/<username>/feed.atom")
def user_feed(username: str):
    user = find_member(username)
    posts = _newest_posts(Post.author_id == user.id)
    title = f"{user.username} · {current_app.config['SITE_NAME']}"
    feed_url = absolute_url("social.user_feed", username=user.username)
    return _atom_response(
        build_feed(title, feed_url, user_url(user.username, _external=True), posts)
    )
