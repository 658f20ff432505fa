"""The layout: error pages, flashed messages, escaping, pagination of the front page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bbs_helpers import make_user, token_for
from sqlalchemy import event, update

from bbs.db import db
from bbs.models import Post, User, utcnow

pytestmark = pytest.mark.both_protocols

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_404_is_the_sites_own_page(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text and "/static/bbs.css" in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/logout"), ("get", "/posts/preview"), ("put", "/"), ("delete", "/login")],
)
def test_405_is_a_site_page_too(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert 'class="site-header"' in response.text and "/static/bbs.css" in response.text
    assert '<p class="error-code">405</p>' in response.text
    assert "<h1>That doesn't work here</h1>" in response.text
    assert "<title>405 Method Not Allowed · bbs</title>" in response.text
    assert response.headers["Allow"]


def test_the_405_page_says_when_an_address_is_only_a_forms_target(client):
    assert "not a page to open" in client.get("/logout").text
    assert "not a page to open" not in client.put("/").text


def test_500_is_the_sites_own_page(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert 'class="site-header"' in response.text
    assert "boom" not in response.text


def test_an_unreachable_database_is_a_503_page(make_app):
    app = make_app(
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
        DATABASE_URL="sqlite:////nonexistent/folder/db.sqlite3",
    )
    response = app.test_client(user=None).get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "temporarily unavailable" in response.text


def test_413_for_oversized_requests(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"username": "x" * 5000})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.text


def test_flashed_messages_are_shown_once(app, member_client):
    member_client.post("/logout", data={"csrf_token": token_for(member_client, "/")})
    assert "You have been logged out." in member_client.get("/").text
    assert "You have been logged out." not in member_client.get("/").text


def test_no_inline_scripts_or_styles(client, member_client, admin_client):
    pages = [client.get(p).text for p in ("/", "/login", "/register", "/nowhere")]
    pages += [member_client.get("/account/password").text, admin_client.get("/").text]
    for page in pages:
        # Scripts are files of this site's, nothing written inside the page.
        scripts = re.findall(r"<script\b[^>]*>.*?</script>", page, re.DOTALL)
        assert page.count("<script") == len(scripts)
        for script in scripts:
            assert re.fullmatch(r'<script src="/static/[\w.-]+\.js" defer></script>', script)
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son\w+=", page)


def test_usernames_and_titles_are_escaped(app):
    author = make_user(app, "mallory")
    with app.app_context():
        db.session.add(Post(author_id=author.id, title=XSS, body_markdown=XSS))
        # Names with markup can't be registered; one that got in some other way is escaped.
        db.session.execute(update(User).where(User.id == author.id).values(username=XSS[:32]))
        db.session.commit()
    page = app.test_client(user=author).get("/").text
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert 'class="nav-username">&lt;script&gt;' in page


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def many_posts(app, member):
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        db.session.add_all(
            Post(
                author_id=member.id,
                title=f"Post number {n}",
                body_markdown="text",
                created_at=start + timedelta(minutes=n),
            )
            for n in range(1, 46)
        )
        db.session.commit()


def _titles(page):
    return re.findall(r'class="post-title"><a href="/posts/\d+">([^<]+)<', page)


def _older_link(page):
    found = re.search(r'rel="next" href="(/\?after=[A-Za-z0-9_-]+)"', page)
    return found and found.group(1)


def test_the_front_page_lists_the_newest_first(client, many_posts):
    page = client.get("/").text
    titles = _titles(page)
    assert len(titles) == 20
    assert titles[0] == "Post number 45" and titles[-1] == "Post number 26"
    assert 'rel="prev"' not in page
    second = client.get(_older_link(page)).text
    assert _titles(second) == [f"Post number {n}" for n in range(25, 5, -1)]
    third = client.get(_older_link(second)).text
    assert _titles(third) == [f"Post number {n}" for n in range(5, 0, -1)]
    assert _older_link(third) is None


def test_the_last_page(client, many_posts):
    # Numbered links from before keyset pages still show the same page.
    page = client.get("/?page=3").text
    assert _titles(page) == [f"Post number {n}" for n in range(5, 0, -1)]
    assert _older_link(page) is None and 'rel="prev"' in page


def test_page_size_is_configurable(make_app, member):
    app = make_app(POSTS_PER_PAGE=5)
    writer = make_user(app, "writer")
    with app.app_context():
        db.session.add_all(
            Post(author_id=writer.id, title=f"p{n}", body_markdown="b") for n in range(12)
        )
        db.session.commit()
    client = app.test_client()
    first = client.get("/").text
    assert len(_titles(first)) == 5
    assert len(_titles(client.get(_older_link(first)).text)) == 5


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", " 1", "4", str(10**40), "１"])
def test_pages_that_dont_exist_are_404(client, many_posts, page):
    response = client.get("/", query_string={"page": page})
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_empty_forum_has_a_first_page(client):
    response = client.get("/?page=1")
    assert response.status_code == 200 and "No posts yet." in response.text
    assert client.get("/?page=2").status_code == 404


def test_a_page_costs_a_bounded_number_of_queries(app, many_posts):
    statements = []

    def count(connection, cursor, statement, *args):
        if statement != "BEGIN":
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert app.test_client().get("/?page=2").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 3  # the page (authors, categories joined), tags, categories


@pytest.mark.parametrize(
    "path, data",
    [
        ("/u/a%00b", None),
        ("/avatar/a%00b", None),
        ("/search?q=a%00b", None),
        ("/login", {"username": "a\x00b", "password": "x"}),
    ],
)
def test_nul_characters_are_refused_before_any_view(client, path, data):
    response = client.post(path, data=data) if data else client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.text


def test_the_favicon_is_served_and_cached(client):
    import io

    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and (16, 16) in icon.info["sizes"]
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").text


def test_every_page_starts_with_a_skip_link_to_its_content(client):
    page = client.get("/").text
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#content">Skip to content</a>')
    assert '<main class="container" id="content" tabindex="-1">' in page


def test_a_fields_description_and_errors_are_named_together(member_client):
    from bbs_helpers import submit

    response = submit(member_client, "/posts/new", {"title": "A title", "body": ""})
    field = re.search(r"<textarea [^>]*>", response.text).group(0)
    assert 'aria-describedby="body-help body-error-1"' in field
    assert '<p class="field-help" id="body-help">' in response.text
    assert 'id="body-error-1">This field is required.</p>' in response.text
