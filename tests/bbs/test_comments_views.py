"""Comments: writing them, deleting them (their author, the post's author or an admin: B4),
the comment counts, pages of comments, escaping, and bounded queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bbs_helpers import make_user, submit, token_for
from sqlalchemy import delete, event, func, select

from bbs.db import db
from bbs.models import Comment, Post, User, utcnow
from bbs.posts import content

pytestmark = pytest.mark.both_protocols


def make_post(app, author, title="A post", body="text"):
    with app.app_context():
        post = content.create_post(author, title, body)
        db.session.commit()
        return post


def add_comments(app, post, author, count, start=None):
    """``count`` comments on ``post``, a minute apart, numbered from 1; returns their ids."""
    start = start or utcnow() - timedelta(days=1)
    with app.app_context():
        comments = [
            content.add_comment(post, author, f"Comment number {n}") for n in range(1, count + 1)
        ]
        for n, comment in enumerate(comments, 1):
            comment.created_at = start + timedelta(minutes=n)
        db.session.commit()
        return [comment.id for comment in comments]


def counts(app, post_id):
    """(comment_count as stored, comments that exist) for a post."""
    with app.app_context():
        stored = db.session.scalar(select(Post.comment_count).where(Post.id == post_id))
        actual = db.session.scalar(select(func.count(Comment.id)).where(Comment.post_id == post_id))
        return stored, actual


def comment_texts(page):
    return re.findall(r"<p>(Comment number \d+)</p>", page)


@pytest.fixture
def grace(app):
    return make_user(app, "grace")


@pytest.fixture
def post(app, member):
    """A post by the member ``ada``."""
    return make_post(app, member)


# Writing -------------------------------------------------------------------------------------


def test_members_comment(app, post, grace):
    client = app.test_client(user=grace)
    response = submit(
        client, f"/posts/{post.id}/comments", {"body": "Nice *post*!"}, page=f"/posts/{post.id}"
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    match = re.fullmatch(rf"/posts/{post.id}#comment-(\d+)", location)
    assert match
    page = client.get(location).text
    assert f'id="comment-{match.group(1)}"' in page
    assert "<p>Nice <em>post</em>!</p>" in page
    assert '<span class="author">grace</span>' in page
    assert "1 comment<" in page
    assert counts(app, post.id) == (1, 1)
    assert "· 1 comment\n" in client.get("/").text


def test_anonymous_visitors_cannot_comment(app, client, post):
    page = client.get(f"/posts/{post.id}").text
    assert "comment-form" not in page
    assert f'href="/login?next=/posts/{post.id}">Log in</a> to comment.' in page
    response = submit(client, f"/posts/{post.id}/comments", {"body": "hi"}, page="/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert counts(app, post.id) == (0, 0)


def test_commenting_needs_a_csrf_token(app, member_client, post):
    response = member_client.post(f"/posts/{post.id}/comments", data={"body": "hi"})
    assert response.status_code == 400
    assert counts(app, post.id) == (0, 0)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "This field is required."),
        ("  \n ", "This field is required."),
        ("x" * 5001, "Field cannot be longer than 5000 characters."),
    ],
)
def test_invalid_comments_are_refused(app, member_client, post, body, error):
    response = submit(
        member_client, f"/posts/{post.id}/comments", {"body": body}, page=f"/posts/{post.id}"
    )
    assert response.status_code == 400
    assert error in response.text and 'class="post-page-title"' in response.text
    assert counts(app, post.id) == (0, 0)


def test_comments_on_missing_posts_are_404(member_client):
    token = token_for(member_client, "/")
    for path in ("/posts/999/comments", f"/posts/{10**40}/comments"):
        assert member_client.post(path, data={"csrf_token": token, "body": "x"}).status_code == 404


# Deleting: who may -------------------------------------------------------------------------


@pytest.fixture
def graces_comment(app, post, grace):
    """A comment by ``grace`` on ``ada``'s post."""
    return add_comments(app, post, grace, 1)[0]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("comment author", True),
        ("post author", True),
        ("admin", True),
        ("other member", False),
    ],
)
def test_who_may_delete_a_comment(app, post, grace, member, admin, graces_comment, who, allowed):
    user = {
        "comment author": grace,
        "post author": member,
        "admin": admin,
        "other member": make_user(app, "mallory"),
    }[who]
    client = app.test_client(user=user)
    page = client.get(f"/posts/{post.id}").text
    delete_form = f'action="/comments/{graces_comment}/delete"'
    assert (delete_form in page) is allowed
    response = client.post(
        f"/comments/{graces_comment}/delete", data={"csrf_token": token_for(client, "/")}
    )
    if allowed:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/posts/{post.id}#comments"
        assert "The comment is deleted." in client.get(response.headers["Location"]).text
        assert counts(app, post.id) == (0, 0)
    else:
        assert response.status_code == 403
        assert counts(app, post.id) == (1, 1)


def test_anonymous_visitors_cannot_delete_comments(app, client, post, graces_comment):
    assert "/delete" not in client.get(f"/posts/{post.id}").text
    path = f"/comments/{graces_comment}/delete"
    assert client.post(path).status_code == 400
    response = client.post(path, data={"csrf_token": token_for(client, "/login")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert counts(app, post.id) == (1, 1)


def test_deleting_comments_needs_a_csrf_token_and_post(app, member_client, post, graces_comment):
    assert member_client.post(f"/comments/{graces_comment}/delete").status_code == 400
    assert member_client.get(f"/comments/{graces_comment}/delete").status_code == 405
    assert counts(app, post.id) == (1, 1)


def test_deleting_a_missing_comment_is_404(member_client):
    token = token_for(member_client, "/")
    assert member_client.post("/comments/999/delete", data={"csrf_token": token}).status_code == 404


# Counts --------------------------------------------------------------------------------------


def test_counts_follow_additions_and_deletions(app, member, grace, post):
    ids = add_comments(app, post, grace, 3)
    other = make_post(app, member, "Other")
    add_comments(app, other, member, 2)
    assert counts(app, post.id) == (3, 3) and counts(app, other.id) == (2, 2)
    with app.app_context():
        content.delete_comment(db.session.get(Comment, ids[0]))
        db.session.commit()
    assert counts(app, post.id) == (2, 2) and counts(app, other.id) == (2, 2)


def test_counting_comments_does_not_mark_the_post_edited(app, grace, post):
    add_comments(app, post, grace, 2)
    with app.app_context():
        content.delete_comment(db.session.scalars(select(Comment)).first())
        db.session.commit()
        assert db.session.get(Post, post.id).updated_at == post.updated_at


def test_recounting_after_a_user_is_deleted(app, member, grace, post):
    add_comments(app, post, grace, 2)
    add_comments(app, post, member, 1)
    with app.app_context():
        db.session.execute(delete(User).where(User.id == grace.id))  # cascades to comments
        content.recount_comments([post.id])
        db.session.commit()
    assert counts(app, post.id) == (1, 1)
    with app.app_context():
        db.session.execute(delete(Comment))
        content.recount_comments()
        db.session.commit()
    assert counts(app, post.id) == (0, 0)


# Pages of comments ------------------------------------------------------------------------


@pytest.fixture
def paged_app(make_app):
    return make_app(COMMENTS_PER_PAGE=3)


def test_comments_are_paginated_oldest_first(paged_app):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    add_comments(paged_app, post, author, 7)
    client = paged_app.test_client()
    first = client.get(f"/posts/{post.id}").text
    assert comment_texts(first) == ["Comment number 1", "Comment number 2", "Comment number 3"]
    assert "Page 1 of 3" in first and "7 comments" in first
    assert f'href="/posts/{post.id}?page=2"' in first
    assert comment_texts(client.get(f"/posts/{post.id}?page=3").text) == ["Comment number 7"]


def test_a_new_comment_leads_to_the_last_page(paged_app):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    add_comments(paged_app, post, author, 6)
    client = paged_app.test_client(user=author)
    response = submit(
        client, f"/posts/{post.id}/comments", {"body": "Comment number 7"}, page=f"/posts/{post.id}"
    )
    location = response.headers["Location"]
    assert re.fullmatch(rf"/posts/{post.id}\?page=3#comment-\d+", location)
    assert comment_texts(client.get(location).text) == ["Comment number 7"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "4", str(10**40), "１"])
def test_comment_pages_that_dont_exist_are_404(paged_app, page):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    add_comments(paged_app, post, author, 7)
    response = paged_app.test_client().get(f"/posts/{post.id}", query_string={"page": page})
    assert response.status_code == 404
    assert "Page not found" in response.text


# Escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "see <img src=x onerror=alert(1)> here",
        "<img src=x onerror=alert(1)",
        "[x](javascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "<svg/onload=alert(1)>",
    ],
)
def test_comments_never_execute(app, member_client, post, body):
    response = submit(
        member_client, f"/posts/{post.id}/comments", {"body": body}, page=f"/posts/{post.id}"
    )
    assert response.status_code == 302
    page = member_client.get(f"/posts/{post.id}").text
    comment = page.split('class="markdown comment-body">')[1].split("</div>")[0]
    assert "<script" not in comment and "<img" not in comment and "<svg" not in comment
    assert "javascript:" not in comment.replace("[x](javascript:alert(1))", "")
    assert "href" not in comment and "data:" not in comment


# Bounded queries ---------------------------------------------------------------------------


def _queries(app, path, client=None):
    statements = []

    def count(connection, cursor, statement, *args):
        if statement != "BEGIN":
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert (client or app.test_client()).get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_post_page_runs_the_same_queries_for_5_or_200_comments(make_app):
    app = make_app(COMMENTS_PER_PAGE=500)
    authors = [make_user(app, f"user{n}") for n in range(5)]
    small = make_post(app, authors[0])
    large = make_post(app, authors[0])
    for author in authors:
        add_comments(app, small, author, 1)
        add_comments(app, large, author, 40)
    client = app.test_client(user=authors[1])
    small_count = _queries(app, f"/posts/{small.id}", client)
    large_page = client.get(f"/posts/{large.id}").text
    assert large_page.count('class="comment"') == 200
    assert _queries(app, f"/posts/{large.id}", client) == small_count
    # The user (through their login), the post with its author and category, its tags, the
    # comments with their authors, whether the user likes the post, the blocks between the
    # user and the page's authors, their draft of a comment on it, the user's read mark.
    # Plus the header's unread notification count.
    assert small_count <= 9
    # Anonymous: no user, no like, no blocks, no draft, no read mark, no notification count.
    assert _queries(app, f"/posts/{large.id}") == small_count - 6


def test_the_front_page_runs_the_same_queries_for_any_number_of_posts(app, member):
    make_post(app, member)
    few = _queries(app, "/")
    for n in range(30):
        make_post(app, make_user(app, f"writer{n}") if n % 10 == 0 else member, f"Post {n}")
    assert _queries(app, "/") == few


def test_headings_in_posts_and_comments_leave_the_page_one_h1(app, client, member, grace):
    post = make_post(app, member, "The title", "# A heading in the post")
    with app.app_context():
        content.add_comment(db.session.get(Post, post.id), grace, "# A heading in a comment")
        db.session.commit()
    page = client.get(f"/posts/{post.id}").text
    assert re.findall(r"<h1\b[^>]*>([^<]*)</h1>", page) == ["The title"]
    assert "<h2>A heading in the post</h2>" in page
    assert "<h2>A heading in a comment</h2>" in page


# Deleting: the markup, and where the member lands -------------------------------------------


def test_the_delete_form_is_not_inside_a_paragraph(app, post, graces_comment, grace):
    from html.parser import HTMLParser

    page = app.test_client(user=grace).get(f"/posts/{post.id}").text
    open_elements: list[str] = []
    forms_in_paragraphs = []

    class Nesting(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "form" and "p" in open_elements:
                forms_in_paragraphs.append(dict(attrs).get("action"))
            if tag not in ("input", "img", "br", "meta", "link", "hr"):
                open_elements.append(tag)

        def handle_endtag(self, tag):
            if tag in open_elements:
                del open_elements[len(open_elements) - 1 - open_elements[::-1].index(tag) :]

    Nesting().feed(page)
    assert f'action="/comments/{graces_comment}/delete"' in page
    assert forms_in_paragraphs == []


def test_delete_buttons_say_whose_comment_they_delete(app, post, graces_comment, member):
    page = app.test_client(user=member).get(f"/posts/{post.id}").text
    assert 'aria-label="Delete comment by grace">Delete</button>' in page


def delete_from_page(client, comment_id, page):
    return client.post(
        f"/comments/{comment_id}/delete", data={"csrf_token": token_for(client, "/"), "page": page}
    )


def test_deleting_a_comment_returns_to_its_page_of_comments(paged_app):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    ids = add_comments(paged_app, post, author, 7)
    client = paged_app.test_client(user=author)
    page = client.get(f"/posts/{post.id}?page=2").text
    assert 'name="page" value="2"' in page
    response = delete_from_page(client, ids[3], "2")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/posts/{post.id}?page=2#comments"
    landed = client.get(response.headers["Location"]).text
    assert "The comment is deleted." in landed
    assert comment_texts(landed) == ["Comment number 5", "Comment number 6", "Comment number 7"]
    # The last comment of the last page: that page is gone, the one before it is shown.
    response = delete_from_page(client, ids[6], "3")
    assert response.headers["Location"] == f"/posts/{post.id}?page=2#comments"


@pytest.mark.parametrize(
    "page", ["", "0", "-1", "abc", "１", str(10**40), "//evil.example", "https://evil.example/"]
)
def test_the_page_to_return_to_is_always_one_of_the_posts(paged_app, page):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    ids = add_comments(paged_app, post, author, 7)
    client = paged_app.test_client(user=author)
    response = delete_from_page(client, ids[0], page)
    assert response.status_code == 302
    assert response.headers["Location"] in (
        f"/posts/{post.id}#comments",
        f"/posts/{post.id}?page=2#comments",
    )


# A refused comment ---------------------------------------------------------------------------


def test_the_comment_form_posts_to_the_post_page(app, member_client, post):
    page = member_client.get(f"/posts/{post.id}").text
    assert f'<form method="post" action="/posts/{post.id}" class="form comment-form"' in page
    assert 'id="comment-form"' in page


def test_a_refused_comment_is_shown_at_an_address_that_can_be_loaded_again(paged_app):
    author = make_user(paged_app, "ada")
    post = make_post(paged_app, author)
    add_comments(paged_app, post, author, 7)
    client = paged_app.test_client(user=author)
    address = f"/posts/{post.id}?page=2"
    assert f'action="{address}"' in client.get(address).text
    response = submit(client, address, {"body": "  "}, page=address)
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert comment_texts(response.text) == [
        "Comment number 4",
        "Comment number 5",
        "Comment number 6",
    ]
    assert client.get(address).status_code == 200  # where the browser is: a page
    assert counts(paged_app, post.id) == (7, 7)


def test_comments_sent_to_the_post_page_are_added(app, post, grace):
    client = app.test_client(user=grace)
    response = submit(client, f"/posts/{post.id}", {"body": "Hello"})
    assert response.status_code == 302
    assert re.fullmatch(rf"/posts/{post.id}#comment-\d+", response.headers["Location"])
    assert counts(app, post.id) == (1, 1)


def test_visitors_posting_to_the_post_page_are_sent_to_log_in(app, client, post):
    response = submit(client, f"/posts/{post.id}", {"body": "hi"}, page="/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert counts(app, post.id) == (0, 0)
