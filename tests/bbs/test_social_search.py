"""The search page: titles and bodies, paginated, any query answered without an error."""

from __future__ import annotations

import re

import pytest
from bbs_helpers import make_user
from social_helpers import counted_queries, write_posts

from bbs.social.search import MAX_QUERY_LENGTH


def titles(page):
    """The titles of the posts found, without the marks on the words searched for."""
    unmarked = re.sub(r"</?mark>", "", page)
    return re.findall(r'class="post-title"><a href="/posts/\d+">([^<]+)<', unmarked)


@pytest.fixture
def tea(app, member):
    write_posts(app, member, 1, title="Brewing green tea", body="Water at 80 degrees.")
    write_posts(app, member, 1, title="Coffee", body="Grinding beans before brewing.")
    write_posts(app, member, 1, title="Bread", body="Flour, water, salt.")


def test_search_finds_titles_and_bodies(client, tea):
    page = client.get("/search?q=brewing").text
    assert sorted(titles(page)) == ["Brewing green tea", "Coffee"]
    assert "2 posts found" in page
    assert titles(client.get("/search?q=flour").text) == ["Bread"]
    assert titles(client.get("/search?q=water+green").text) == ["Brewing green tea"]


def test_no_results(client, tea):
    page = client.get("/search?q=pizza").text
    assert "No posts found for" in page and titles(page) == []


def test_the_empty_query_shows_the_form(client, tea):
    for path in ("/search", "/search?q=", "/search?q=+++"):
        response = client.get(path)
        assert response.status_code == 200
        assert 'name="q"' in response.text and titles(response.text) == []


def test_the_query_is_echoed_escaped(client, tea):
    query = '"><script>alert(1)</script><img src=x onerror=alert(1)> tea'
    page = client.get("/search", query_string={"q": query}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert 'class="search-query">&#34;&gt;&lt;script&gt;' in page  # every word must match


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        "tea AND",
        "AND",
        "OR OR",
        "NOT tea",
        "*",
        "tea*",
        "NEAR(",
        "NEAR(tea water",
        "title:tea",
        "^tea",
        ")(",
        "{tea}",
        "-tea",
        "+",
        "%",
        "\\",
        "🍵 tea",
        "ｔｅａ",
        "'; DROP TABLE posts; --",
    ],
)
def test_odd_queries_never_fail(client, tea, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert 'name="q"' in response.text
    assert titles(client.get("/search?q=tea").text) == ["Brewing green tea"]  # still there


def test_oversized_queries_are_cut(client, tea):
    response = client.get("/search", query_string={"q": "tea " * 2000})
    assert response.status_code == 200
    assert f"first {MAX_QUERY_LENGTH} characters" in response.text
    assert titles(response.text) == ["Brewing green tea"]


def test_results_are_paginated_keeping_the_query(make_app):
    app = make_app(POSTS_PER_PAGE=2)
    write_posts(app, make_user(app, "writer"), 5, title="Soup {n}", body="soup & more")
    client = app.test_client()
    first = client.get("/search?q=soup").text
    assert len(titles(first)) == 2 and "Page 1 of 3" in first
    assert re.search(r'href="/search\?(page=2&amp;q=soup|q=soup&amp;page=2)"', first)
    assert len(titles(client.get("/search?q=soup&page=3").text)) == 1
    for bad in ("0", "-1", "abc", "4", str(10**40)):
        assert client.get(f"/search?q=soup&page={bad}").status_code == 404


def test_search_costs_a_bounded_number_of_queries(app, client, member):
    write_posts(app, member, 20, title="Many {n}", body="common words")
    with counted_queries(app) as statements:
        page = client.get("/search?q=common").text
    assert len(titles(page)) == 20
    # The count, the page (authors joined in) and the members whose names match.
    assert len(statements) <= 3
