"""Topics as a member sees them: categories and tags, pinned and locked topics, the order by
last activity, the "new" marker with its jump link, and keyset pages."""

from __future__ import annotations

import re

import pytest
from bbs_helpers import csrf_token, make_user, submit, token_for
from social_helpers import counted_queries, write_posts
from sqlalchemy import select

from bbs.db import db
from bbs.models import Category, Post


def _titles(page):
    return re.findall(r'class="post-title">.*?<a href="/posts/\d+">([^<]+)<', page, re.DOTALL)


def _post(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id)


def _comment(client, post_id, body="A reply."):
    return submit(client, f"/posts/{post_id}/comments", {"body": body}, page=f"/posts/{post_id}")


def _moderate(client, post_id, action):
    return submit(client, f"/posts/{post_id}/{action}", {}, page=f"/posts/{post_id}")


def test_a_new_post_takes_its_category_and_normalised_tags(app, member_client):
    with app.app_context():
        general = db.session.scalars(select(Category).order_by(Category.id)).first()
    response = submit(
        member_client,
        "/posts/new",
        {
            "title": "Tagged",
            "body": "Text",
            "category": str(general.id),
            "tags": "Python 3, sqlite",
        },
    )
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).text
    assert 'href="/tags/python-3"' in page and 'href="/tags/sqlite"' in page
    assert f'href="/c/{general.slug}"' in page
    tagged = member_client.get("/tags/python-3").text
    assert _titles(tagged) == ["Tagged"]
    assert _titles(member_client.get(f"/c/{general.slug}").text) == ["Tagged"]


@pytest.mark.parametrize("path", ["/c/nothing-here", "/tags/nothing-here", "/tags/" + "x" * 300])
def test_unknown_categories_and_tags_are_404(client, path):
    assert client.get(path).status_code == 404


def test_a_post_with_a_category_that_does_not_exist_is_refused(app, member_client):
    response = submit(
        member_client, "/posts/new", {"title": "T", "body": "B", "category": "999999"}
    )
    assert response.status_code == 200 and "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.title == "T")) is None


def test_topics_are_ordered_by_their_last_activity(app, client, member_client, member):
    old, _middle, _new = write_posts(app, member, 3, title="Topic {n}")
    assert _titles(client.get("/").text) == ["Topic 3", "Topic 2", "Topic 1"]
    assert _comment(member_client, old).status_code == 302
    assert _titles(client.get("/").text) == ["Topic 1", "Topic 3", "Topic 2"]


def test_pinned_topics_come_first_and_only_admins_pin(
    app, client, member_client, admin_client, member
):
    first, _second, _third = write_posts(app, member, 3, title="Topic {n}")
    assert _moderate(member_client, first, "pin").status_code == 403
    assert not _post(app, first).pinned
    # Without the CSRF token, even an admin's request is refused.
    assert admin_client.post(f"/posts/{first}/pin").status_code == 400
    assert _moderate(admin_client, first, "pin").status_code == 302
    front = client.get("/").text
    assert _titles(front) == ["Topic 1", "Topic 3", "Topic 2"]
    assert "topic-pinned" in front
    assert _moderate(admin_client, first, "unpin").status_code == 302
    assert _titles(client.get("/").text) == ["Topic 3", "Topic 2", "Topic 1"]


def test_pinning_a_missing_post_is_404(admin_client):
    assert _moderate(admin_client, 999999, "pin").status_code == 404


def test_moderation_redirects_only_within_the_site(app, admin_client, member):
    [post_id] = write_posts(app, member)
    token = token_for(admin_client, f"/posts/{post_id}")
    response = admin_client.post(
        f"/posts/{post_id}/pin", data={"csrf_token": token, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/posts/{post_id}"


def test_a_locked_topic_refuses_comments(app, member_client, admin_client, member):
    [post_id] = write_posts(app, member)
    assert _moderate(member_client, post_id, "lock").status_code == 403
    assert _moderate(admin_client, post_id, "lock").status_code == 302
    page = member_client.get(f"/posts/{post_id}").text
    assert "This topic is locked" in page and 'name="body"' not in page
    token = csrf_token(page)
    refused = member_client.post(
        f"/posts/{post_id}/comments", data={"csrf_token": token, "body": "Still?"}
    )
    assert refused.status_code == 403 and "locked" in refused.text
    assert _post(app, post_id).comment_count == 0
    assert _moderate(admin_client, post_id, "unlock").status_code == 302
    assert _comment(member_client, post_id).status_code == 302
    assert _post(app, post_id).comment_count == 1


def test_the_new_marker_counts_comments_since_the_last_visit(app, make_app, member):
    from bbs_helpers import login

    app = make_app(COMMENTS_PER_PAGE=3)
    writer = make_user(app, "writer")
    reader = make_user(app, "reader")
    [post_id] = write_posts(app, writer)
    writer_client, reader_client = app.test_client(), app.test_client()
    login(writer_client, writer.username)
    login(reader_client, reader.username)
    for n in range(4):
        _comment(writer_client, post_id, f"Early {n}")
    # Never opened: no marker (everything is new, nothing to jump back to).
    assert "topic-new" not in reader_client.get("/").text
    reader_client.get(f"/posts/{post_id}?page=2")  # sees every comment so far
    assert "topic-new" not in reader_client.get("/").text
    for n in range(3):
        _comment(writer_client, post_id, f"Late {n}")
    front = reader_client.get("/").text
    assert re.search(f'class="topic-new" href="/posts/{post_id}/unread"', front)
    assert re.search(r'class="topic-new-count">3<', front)
    # The jump lands on the first unread comment: the 5th, on page 2 of 3-comment pages.
    jump = reader_client.get(f"/posts/{post_id}/unread")
    assert jump.status_code == 302
    target, anchor = jump.headers["Location"].split("#")
    assert target == f"/posts/{post_id}?page=2"
    page = reader_client.get(target).text
    assert f'id="{anchor}"' in page and "Late 0" in page
    # Once the rest is read, the marker goes.
    reader_client.get(f"/posts/{post_id}?page=3")
    assert "topic-new" not in reader_client.get("/").text


def test_the_jump_link_for_visitors_and_missing_posts(app, client, member):
    [post_id] = write_posts(app, member)
    response = client.get(f"/posts/{post_id}/unread")
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post_id}"
    assert client.get("/posts/999999/unread").status_code == 404


def _older(page):
    found = re.search(r'rel="next" href="([^"]+)"', page)
    return found and found.group(1).replace("&amp;", "&")


def _newer(page):
    found = re.search(r'rel="prev" href="([^"]+)"', page)
    return found and found.group(1).replace("&amp;", "&")


def test_keyset_pages_walk_forward_and_back(make_app, member):
    app = make_app(POSTS_PER_PAGE=4)
    writer = make_user(app, "writer")
    write_posts(app, writer, 10, title="Topic {n}")
    client = app.test_client()
    first = client.get("/").text
    second = client.get(_older(first)).text
    third = client.get(_older(second)).text
    assert _titles(third) == ["Topic 2", "Topic 1"] and _older(third) is None
    back = client.get(_newer(third)).text
    assert _titles(back) == _titles(second) == [f"Topic {n}" for n in range(6, 2, -1)]
    top = client.get(_newer(back)).text
    assert _titles(top) == _titles(first)


@pytest.mark.parametrize(
    "query",
    [
        "after=not-a-cursor",
        "after=",
        "before=%00%ff",
        "after=" + "A" * 200,
        "after=MS45OTk5OTk5OTk5OTk5OTk5OTkuMQ",  # a key with a time past the year 9000
        "before=MC4xLjk5OTk5OTk5OTk",  # an id past the largest
    ],
)
@pytest.mark.parametrize("listing", ["/", "/tags/python", "/c/{category}"])
def test_a_broken_cursor_is_a_400(app, client, member, query, listing):
    with app.app_context():
        category = db.session.scalars(select(Category)).first()
        post = Post(author_id=member.id, title="T", body_markdown="B", category_id=category.id)
        db.session.add(post)
        db.session.flush()
        from bbs.topics.tags import set_tags

        set_tags(post, ["python"])
        db.session.commit()
    response = client.get(f"{listing.format(category=category.slug)}?{query}")
    assert response.status_code == 400
    if "%00" not in query:  # not even text: refused before the page is asked
        assert "page link is broken" in response.text


def test_a_deep_numbered_page_past_the_end_is_404(app, client, member):
    write_posts(app, member, 3)
    assert client.get("/?page=1000").status_code == 404
    assert client.get("/?page=1").status_code == 200


def test_a_cursor_past_the_last_topic_offers_the_way_back(app, client, member):
    from bbs.keyset import encode_cursor
    from bbs.models import utcnow

    write_posts(app, member, 3)
    oldest = encode_cursor((False, utcnow().replace(year=2000), 1))
    page = client.get(f"/?after={oldest}")
    assert page.status_code == 200 and "Back to the first page" in page.text


def test_a_deep_cursor_page_costs_what_the_first_does(make_app, member):
    from bbs_helpers import login

    app = make_app(POSTS_PER_PAGE=5)
    writer = make_user(app, "writer")
    write_posts(app, writer, 60)
    client = app.test_client()
    login(client, writer.username)
    path, pages = "/", []
    while path:
        with counted_queries(app) as statements:
            page = client.get(path).text
        pages.append(len(statements))
        path = _older(page)
    assert len(pages) == 12
    assert len(set(pages)) == 1 and pages[0] <= 6  # with the unread notification count
    with counted_queries(app) as statements:
        client.get("/posts/1/unread")
    assert len(statements) <= 4
