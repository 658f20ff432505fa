"""Search results: excerpts of the rendered text (no Markdown), the words found marked safely,
and members found by name."""

from __future__ import annotations

import re

from bbs_helpers import make_user
from social_helpers import write_posts

from bbs.excerpts import excerpt, highlight, plain_text


def excerpts(page):
    return re.findall(r'<p class="post-excerpt">(.*?)</p>', page, re.DOTALL)


def test_excerpts_show_the_rendered_text_without_markdown(app, client, member):
    body = (
        "# Heading\n\nSome **bold** and _slanted_ words, a [link](https://example.org), "
        "`code`, and a lantern.\n\n- one\n- two\n\n![a chart](/images/abc)"
    )
    write_posts(app, member, 1, title="Lights", body=body)
    (found,) = excerpts(client.get("/search?q=lantern").text)
    unmarked = re.sub(r"</?mark>", "", found)
    assert unmarked.startswith("Heading Some bold and slanted words, a link, code")
    for syntax in ("**", "_slanted_", "](", "# ", "`", "- one", "!["):
        assert syntax not in unmarked
    assert "<mark>lantern</mark>" in found
    assert "<" not in re.sub(r"</?mark>", "", found)  # only the marks are markup


def test_the_excerpt_is_cut_around_the_word_found(app, client, member):
    body = "Filler words here. " * 40 + "The lantern glows. " + "More filler after. " * 40
    write_posts(app, member, 1, title="Long", body=body)
    (found,) = excerpts(client.get("/search?q=lantern").text)
    assert found.startswith("…") and found.endswith("…")
    assert "<mark>lantern</mark> glows" in found
    assert len(re.sub(r"</?mark>", "", found)) < 300


def test_terms_with_html_characters_are_marked_safely(app, client, member):
    write_posts(app, member, 1, title="Script & bold", body="The bold script & more <i>x</i>.")
    page = client.get("/search", query_string={"q": "<script>bold</script>"}).text
    assert "<script>bold" not in page
    (found,) = excerpts(page)
    assert found == ("The <mark>bold</mark> <mark>script</mark> &amp; more &lt;i&gt;x&lt;/i&gt;.")
    assert '<a href="/posts/1"><mark>Script</mark> &amp; <mark>bold</mark></a>' in page


def test_accented_words_are_marked_as_the_index_matches_them():
    assert highlight("Un Café, des CAFÉS", ["café"]) == "Un <mark>Café</mark>, des CAFÉS"


def test_a_word_is_marked_only_whole():
    assert highlight("tea, teapot, Tea", ["tea"]) == "<mark>tea</mark>, teapot, <mark>Tea</mark>"


def test_plain_text_keeps_words_of_separate_blocks_apart():
    assert plain_text("<p>one</p><p>two<br>three</p><ul><li>four</li></ul>") == (
        "one two three four"
    )
    assert excerpt("short text", ["x"]) == "short text"


def test_members_are_found_by_the_start_or_any_part_of_their_name(app, client):
    for name in ("Lantern", "lanternfish", "oldlantern", "Bob"):
        make_user(app, name)
    make_user(app, "lanternbanned", banned=True)
    page = client.get("/search?q=LANTERN").text
    section = page.split('class="card member-results"')[1].split("</section>")[0]
    names = re.findall(r'<span class="author">([^<]+)</span>', section)
    assert names == ["Lantern", "lanternfish", "oldlantern"]


def test_member_search_treats_wildcards_as_text(app, client):
    make_user(app, "percent")
    page = client.get("/search", query_string={"q": "%"}).text
    assert "member-results" not in page
    make_user(app, "under_score")
    page = client.get("/search", query_string={"q": "_"}).text
    assert re.findall(r'<span class="author">([^<]+)</span>', page) == ["under_score"]
