"""Atom feeds: valid XML, escaped titles, sanitised HTML content, the site's and each member's."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

import pytest
from bbs_helpers import make_user
from social_helpers import counted_queries, write_posts
from sqlalchemy import update

from bbs.db import db
from bbs.models import Post
from bbs.social.feeds import FEED_ENTRIES

A = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{A}feed"
    return feed


def entries(feed):
    return feed.findall(f"{A}entry")


def when(element):
    return datetime.fromisoformat(element.text.replace("Z", "+00:00"))


def test_the_site_feed_lists_the_newest_posts(app, client, member):
    ids = write_posts(app, member, 3, body="*Post* number {n}")
    feed = parse(client.get("/feed.atom"))
    assert feed.findtext(f"{A}title") == "bbs"
    assert feed.findtext(f"{A}id") == "http://localhost/feed.atom"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links == {"self": "http://localhost/feed.atom", "alternate": "http://localhost/"}
    items = entries(feed)
    assert [entry.findtext(f"{A}title") for entry in items] == ["Post 3", "Post 2", "Post 1"]
    newest = items[0]
    assert newest.findtext(f"{A}id") == f"http://localhost/posts/{ids[2]}"
    assert newest.find(f"{A}link").get("href") == f"http://localhost/posts/{ids[2]}"
    assert newest.findtext(f"{A}author/{A}name") == "ada"
    assert newest.findtext(f"{A}author/{A}uri") == "http://localhost/u/ada"
    content = newest.find(f"{A}content")
    assert content.get("type") == "html"
    assert content.text.strip() == "<p><em>Post</em> number 3</p>"
    assert when(feed.find(f"{A}updated")) == when(newest.find(f"{A}updated"))
    assert when(newest.find(f"{A}published")).tzinfo is not None


def test_markup_in_titles_and_bodies_stays_text(app, client, member):
    title = '</title><script>alert(1)</script> & "quotes" \x1b\x0b'
    body = "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    write_posts(app, member, 1, title=title, body=body)
    feed = parse(client.get("/feed.atom"))
    entry = entries(feed)[0]
    assert entry.findtext(f"{A}title") == '</title><script>alert(1)</script> & "quotes" '
    assert entry.find(f"{A}title").get("type") == "text"
    html = entry.findtext(f"{A}content")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text by readers


def test_the_feed_keeps_its_size(app, client, member):
    write_posts(app, member, FEED_ENTRIES + 5)
    assert len(entries(parse(client.get("/feed.atom")))) == FEED_ENTRIES


def test_an_empty_feed_is_valid(client):
    feed = parse(client.get("/feed.atom"))
    assert entries(feed) == [] and feed.findtext(f"{A}updated")


def test_a_members_feed_has_only_their_posts(app, client, member):
    write_posts(app, member, 2, title="Ada {n}")
    write_posts(app, make_user(app, "bob"), 2, title="Bob {n}")
    feed = parse(client.get("/u/ADA/feed.atom"))
    assert feed.findtext(f"{A}title") == "ada · bbs"
    assert feed.findtext(f"{A}id") == "http://localhost/u/ada/feed.atom"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links["alternate"] == "http://localhost/u/ada"
    assert [e.findtext(f"{A}title") for e in entries(feed)] == ["Ada 2", "Ada 1"]


def test_unknown_members_have_no_feed(client):
    assert client.get("/u/nobody/feed.atom").status_code == 404


def test_updated_follows_edits(app, client, member):
    write_posts(app, member)
    before = when(entries(parse(client.get("/feed.atom")))[0].find(f"{A}updated"))
    with app.app_context():
        db.session.execute(update(Post).values(title="Edited"))
        db.session.commit()
    after = when(entries(parse(client.get("/feed.atom")))[0].find(f"{A}updated"))
    assert after > before


def test_feeds_answer_conditional_requests(app, client, member):
    write_posts(app, member)
    first = client.get("/feed.atom")
    again = client.get("/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/feed.atom", "/u/ada/feed.atom"])
def test_feeds_cost_a_bounded_number_of_queries(app, client, member, path):
    write_posts(app, member, FEED_ENTRIES)
    with counted_queries(app) as statements:
        parse(client.get(path))
    assert len(statements) <= 2  # the author, then posts with their authors


LINKS = (
    "[a post](/posts/1) [relative](other) [section](#part) [web](https://example.org/x) "
    "[mail](mailto:ada@example.com) ![me](/avatar/ada) ![pic](pictures/a.png)"
)


def all_addresses(feed):
    """Every address in the feed: its links' and its entries' HTML's."""
    from html.parser import HTMLParser

    found = [link.get("href") for link in feed.iter(f"{A}link")]
    found += [element.text for element in feed.iter() if element.tag in (f"{A}id", f"{A}uri")]

    class Addresses(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(value for name, value in attrs if name in ("href", "src"))

    for content in feed.iter(f"{A}content"):
        Addresses().feed(content.text)
    return found


@pytest.mark.parametrize("settings", [{}, {"PUBLIC_URL": "https://forum.example"}])
def test_every_address_in_the_feeds_is_absolute(make_app, settings):
    from urllib.parse import urlsplit

    app = make_app(**settings)
    member = make_user(app, "ada")
    post_id = write_posts(app, member, 1, body=LINKS)[0]
    site = settings.get("PUBLIC_URL", "http://localhost")
    client = app.test_client()
    base_url = {"base_url": site} if settings else {}
    for path in ("/feed.atom", "/u/ada/feed.atom"):
        feed = parse(client.get(path, **base_url))
        assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == f"{site}/"
        addresses = all_addresses(feed)
        assert len(addresses) >= 12
        for address in addresses:
            assert urlsplit(address).scheme in ("http", "https", "mailto"), address
        content = feed.find(f"{A}entry/{A}content").text
        for expected in (
            f'href="{site}/posts/1"',
            f'href="{site}/posts/other"',
            f'href="{site}/posts/{post_id}#part"',
            'href="https://example.org/x"',
            'href="mailto:ada@example.com"',
            f'src="{site}/avatar/ada"',
            f'src="{site}/posts/pictures/a.png"',
        ):
            assert expected in content
