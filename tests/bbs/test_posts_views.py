"""Posts: writing, reading, editing and deleting them, and who may do what (B2, B3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from bbs_helpers import make_user, submit, token_for
from sqlalchemy import func, select

from bbs.db import db
from bbs.models import Comment, Post, User
from bbs.posts import content

pytestmark = pytest.mark.both_protocols

XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


def make_post(app, author, title="A title", body="Some *text*."):
    with app.app_context():
        post = content.create_post(author, title, body)
        db.session.commit()
        return post


def load_post(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id)


def post_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Post.id)))


@pytest.fixture
def post(app, member):
    return make_post(app, member, "Hello, forum", "First line\nsecond line\n\n`code`")


@pytest.fixture
def other_client(app):
    return app.test_client(user=make_user(app, "grace"))


# Writing -------------------------------------------------------------------------------------


def test_writing_a_post(app, member_client):
    response = submit(member_client, "/posts/new", {"title": "  My first post ", "body": "**Hi**"})
    assert response.status_code == 302
    post_id = int(re.fullmatch(r"/posts/(\d+)", response.headers["Location"]).group(1))
    post = load_post(app, post_id)
    assert post.title == "My first post" and post.body_markdown == "**Hi**"
    assert post.body_html == "<p><strong>Hi</strong></p>\n"
    page = member_client.get(response.headers["Location"]).text
    assert "Your post is published." in page
    assert '<h1 class="post-page-title">My first post</h1>' in page
    assert "<p><strong>Hi</strong></p>" in page
    assert '<span class="author">ada</span>' in page


def test_the_editor_offers_a_preview(member_client):
    page = member_client.get("/posts/new").text
    assert 'data-preview-url="/posts/preview"' in page
    assert '<script src="/static/editor.js" defer></script>' in page
    assert "New post" in member_client.get("/").text  # the navigation links to it


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/posts/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = submit(client, "/posts/new", {"title": "t", "body": "b"}, page="/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "New post" not in client.get("/").text


def test_banned_members_cannot_post(app):
    troll = make_user(app, "troll")
    troll_client = app.test_client(user=troll)
    token = token_for(troll_client, "/posts/new")
    with app.app_context():
        db.session.get(User, troll.id).banned = True
        db.session.commit()
    response = troll_client.post(
        "/posts/new", data={"csrf_token": token, "title": "t", "body": "b"}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert post_count(app) == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "", "body": "text"}, "This field is required."),
        ({"title": "   ", "body": "text"}, "This field is required."),
        ({"title": "t", "body": " \n "}, "This field is required."),
        ({"title": "x" * 201, "body": "text"}, "Field cannot be longer than 200 characters."),
        ({"title": "t", "body": "x" * 40_001}, "Field cannot be longer than 40000 characters."),
        ({"body": "text"}, "This field is required."),
    ],
)
def test_invalid_posts_are_refused(app, member_client, data, error):
    response = submit(member_client, "/posts/new", data)
    assert response.status_code == 200
    assert error in response.text
    assert post_count(app) == 0


def test_posting_without_a_csrf_token_is_refused(app, member_client):
    response = member_client.post("/posts/new", data={"title": "t", "body": "b"})
    assert response.status_code == 400
    response = member_client.post(
        "/posts/new", data={"title": "t", "body": "b", "csrf_token": "forged##token"}
    )
    assert response.status_code == 400
    assert post_count(app) == 0


def test_sql_is_stored_as_text(app, member_client):
    title = "'; DROP TABLE posts; --"
    response = submit(member_client, "/posts/new", {"title": title, "body": "1' OR '1'='1"})
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).text
    assert "&#39;; DROP TABLE posts; --" in page and "<p>1' OR '1'='1</p>" in page


# Reading -------------------------------------------------------------------------------------


def test_the_post_page(client, post):
    page = client.get(f"/posts/{post.id}").text
    assert "<title>Hello, forum · bbs</title>" in page
    assert "<p>First line<br>\nsecond line</p>" in page and "<code>code</code>" in page
    assert "0 likes" in page and "0 comments" in page
    assert "Log in</a> to comment." in page
    assert "Edit</a>" not in page and "Delete" not in page
    assert "edited" not in page


def test_the_front_page_links_to_posts_newest_first(app, client, member):
    first = make_post(app, member, "Older")
    second = make_post(app, member, "Newer")
    page = client.get("/").text
    assert page.index("Newer") < page.index("Older")
    assert f'class="post-title"><a href="/posts/{second.id}">Newer</a>' in page
    assert f'class="post-title"><a href="/posts/{first.id}">Older</a>' in page


@pytest.mark.parametrize(
    "path",
    ["/posts/999", "/posts/0", f"/posts/{10**40}", "/posts/abc", "/posts/-1", "/posts/2147483648"],
)
def test_missing_posts_are_404(client, member_client, path):
    assert client.get(path).status_code == 404
    assert member_client.get(path).status_code == 404
    assert member_client.get(path + "/edit").status_code == 404


def test_missing_posts_are_404_for_changes_too(member_client):
    token = token_for(member_client, "/")
    for path in ("/posts/999/edit", "/posts/999/delete", f"/posts/{10**40}/delete"):
        response = member_client.post(path, data={"csrf_token": token, "title": "t", "body": "b"})
        assert response.status_code == 404


# Editing and deleting: who may ------------------------------------------------------------


def test_the_author_edits_their_post(app, member_client, post):
    page = member_client.get(f"/posts/{post.id}/edit").text
    assert 'value="Hello, forum"' in page and "First line\nsecond line" in page
    response = submit(
        member_client, f"/posts/{post.id}/edit", {"title": "Hello again", "body": "# Changed"}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post.id}"
    changed = load_post(app, post.id)
    assert changed.title == "Hello again" and changed.body_html == "<h2>Changed</h2>\n"
    assert changed.updated_at > post.updated_at and changed.created_at == post.created_at


def test_an_edited_post_says_so(app, client, post):
    with app.app_context():
        stored = db.session.get(Post, post.id)
        stored.updated_at = stored.created_at.replace(year=stored.created_at.year + 1)
        db.session.commit()
    assert "edited <time" in client.get(f"/posts/{post.id}").text


def test_an_admin_edits_and_deletes_anyones_post(app, admin_client, post):
    assert admin_client.get(f"/posts/{post.id}/edit").status_code == 200
    response = submit(
        admin_client, f"/posts/{post.id}/edit", {"title": "Moderated", "body": "removed"}
    )
    assert response.status_code == 302
    assert load_post(app, post.id).title == "Moderated"
    assert load_post(app, post.id).author_id == post.author_id
    response = admin_client.post(
        f"/posts/{post.id}/delete", data={"csrf_token": token_for(admin_client, "/")}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert load_post(app, post.id) is None


def test_the_author_deletes_their_post_and_its_comments(app, member, member_client, post):
    with app.app_context():
        content.add_comment(post, member, "a comment")
        db.session.commit()
    page = member_client.get(f"/posts/{post.id}").text
    assert 'data-confirm="Delete this post and its comments?"' in page
    response = member_client.post(
        f"/posts/{post.id}/delete", data={"csrf_token": token_for(member_client, "/")}
    )
    assert response.status_code == 302
    assert "The post is deleted." in member_client.get("/").text
    assert load_post(app, post.id) is None
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_edit_and_delete_buttons_only_for_those_allowed(
    client, member_client, admin_client, other_client, post
):
    path = f"/posts/{post.id}"
    for allowed in (member_client, admin_client):
        page = allowed.get(path).text
        assert f'href="/posts/{post.id}/edit">Edit</a>' in page
        assert f'action="/posts/{post.id}/delete"' in page
    for refused in (client, other_client):
        page = refused.get(path).text
        assert f"/posts/{post.id}/edit" not in page and "/delete" not in page


def test_other_members_may_not_edit_or_delete(app, other_client, post):
    assert other_client.get(f"/posts/{post.id}/edit").status_code == 403
    token = token_for(other_client, "/")
    response = other_client.post(
        f"/posts/{post.id}/edit", data={"csrf_token": token, "title": "Mine", "body": "now"}
    )
    assert response.status_code == 403
    assert "Not allowed" in response.text
    response = other_client.post(f"/posts/{post.id}/delete", data={"csrf_token": token})
    assert response.status_code == 403
    unchanged = load_post(app, post.id)
    assert unchanged.title == "Hello, forum" and unchanged.body_markdown == post.body_markdown


def test_anonymous_visitors_may_not_edit_or_delete(app, client, post):
    assert client.get(f"/posts/{post.id}/edit").status_code == 302
    token = token_for(client, "/login")
    for path in (f"/posts/{post.id}/edit", f"/posts/{post.id}/delete"):
        response = client.post(path, data={"csrf_token": token, "title": "x", "body": "y"})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
        assert client.post(path, data={"title": "x", "body": "y"}).status_code == 400
    assert load_post(app, post.id).title == "Hello, forum"


def test_delete_is_post_only(member_client, post):
    assert member_client.get(f"/posts/{post.id}/delete").status_code == 405


def test_edits_need_a_csrf_token(app, member_client, post):
    response = member_client.post(f"/posts/{post.id}/edit", data={"title": "t", "body": "b"})
    assert response.status_code == 400
    assert member_client.post(f"/posts/{post.id}/delete").status_code == 400
    assert load_post(app, post.id).title == "Hello, forum"


def test_a_direct_post_must_send_every_field(app, member_client, post):
    response = submit(member_client, f"/posts/{post.id}/edit", {"body": "only the body"}, page="/")
    assert response.status_code == 200 and "This field is required." in response.text
    assert load_post(app, post.id).body_markdown == post.body_markdown


# Escaping ------------------------------------------------------------------------------------

XSS_BODIES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",
    "[x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="javascript:alert(1)">x</a>',
    "</p></div><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
]


SITE_SCRIPTS = {
    "/static/editor.js",
    "/static/conversation.js",
    "/static/times.js",
    "/static/notifications.js",
    "/static/live_comments.js",
}


class _ActiveContent(HTMLParser):
    """Collects what a browser would run: scripts (but the site's own), event handlers,
    script and data URLs, and elements that can carry them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") not in SITE_SCRIPTS:
            self.found.append("<script>")
        if tag in ("svg", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE
            ):
                self.found.append(f"{tag} {name}={value}")


def _executable(page):
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found


def test_titles_and_bodies_never_execute(app, client, member_client):
    body = "\n\n".join(XSS_BODIES)
    response = submit(member_client, "/posts/new", {"title": XSS_TITLE, "body": body})
    assert response.status_code == 302
    location = response.headers["Location"]
    for page in (
        client.get(location).text,
        client.get("/").text,
        member_client.get(location + "/edit").text,
    ):
        assert _executable(page) == []
    page = client.get(location).text
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_no_inline_scripts_or_styles(member_client, post):
    for path in ("/posts/new", f"/posts/{post.id}", f"/posts/{post.id}/edit"):
        page = member_client.get(path).text
        assert re.findall(r"<script(?! src=)", page) == []
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son\w+=", page)


# The preview ------------------------------------------------------------------------------


def test_the_preview_returns_sanitised_html(member_client):
    token = token_for(member_client, "/posts/new")
    response = member_client.post(
        "/posts/preview",
        headers={"X-CSRF-Token": token},
        data={"body": "**b**\nand <script>x</script> [l](javascript:x)"},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {
        "html": "<p><strong>b</strong><br>\n"
        "and &lt;script&gt;x&lt;/script&gt; "
        '<a rel="nofollow noopener">l</a></p>\n'
    }


def test_the_preview_needs_a_token_a_member_and_a_bounded_text(client, member_client):
    assert member_client.post("/posts/preview", data={"body": "x"}).status_code == 400
    assert (
        member_client.post(
            "/posts/preview", data={"body": "x"}, headers={"X-CSRF-Token": "forged##x"}
        ).status_code
        == 400
    )
    token = token_for(client, "/login")
    assert (
        client.post(
            "/posts/preview", data={"body": "x"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )
    token = token_for(member_client, "/posts/new")
    response = member_client.post(
        "/posts/preview", data={"body": "x" * 40_001}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 413
    assert member_client.get("/posts/preview").status_code == 405
