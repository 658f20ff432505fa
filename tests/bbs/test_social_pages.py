"""The social and moderation pages keep to the site's rules: no inline scripts or styles."""

from __future__ import annotations

import re

from bbs_helpers import make_user
from social_helpers import write_comment, write_posts


def test_no_inline_scripts_or_styles(app, member, member_client, admin_client):
    [post_id] = write_posts(app, member, title="tea")
    write_comment(app, make_user(app, "bob"), post_id)
    pages = [
        member_client.get(path).text
        for path in (
            "/following",
            "/search",
            "/search?q=tea",
            "/u/ada/followers",
            "/u/bob/following",
            f"/posts/{post_id}",
            "/u/bob",
        )
    ]
    pages += [
        admin_client.get(path).text for path in ("/admin/", "/admin/comments", "/admin/users")
    ]
    for page in pages:
        assert "<script>" not in page and not re.search(r"<script(?![^>]*\ssrc=)", page)
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son\w+=", page)


def test_pages_advertise_the_site_feed(client):
    page = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feed.atom"' in page
