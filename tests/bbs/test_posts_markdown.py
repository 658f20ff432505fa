"""Markdown rendering: what members write becomes safe HTML (bbs.markdown)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bbs.markdown import render, render_cached, sanitize


def _attributes(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of ``html`` with its attributes, as a browser would read them."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if attrs:
                found.append((tag, dict(attrs)))

    Parser().feed(html)
    return found


def test_basic_markdown():
    html = render("# Title\n\nSome **bold** and _italic_ text, ~~struck~~.\n\n- one\n- two")
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<del>struck</del>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_single_line_breaks_are_kept():
    assert render("first line\nsecond line") == "<p>first line<br>\nsecond line</p>\n"


def test_fenced_code_blocks_keep_their_language_and_escape_their_content():
    html = render("```python\nif a < b:\n    print('<b>')\n```")
    assert html == (
        "<pre><code class=\"language-python\">if a &lt; b:\n    print('&lt;b&gt;')\n</code></pre>\n"
    )


def test_a_language_that_is_not_a_word_is_dropped():
    html = render('```"><script>alert(1)</script>\nx\n```')
    assert "<script" not in html and "class=" not in html
    assert "<pre><code>x\n</code></pre>" in html


def test_links_get_nofollow_noopener():
    html = render("[site](https://example.com) [mail](mailto:a@example.com) [here](/posts/1)")
    assert '<a href="https://example.com" rel="nofollow noopener">site</a>' in html
    assert '<a href="mailto:a@example.com" rel="nofollow noopener">mail</a>' in html
    assert '<a href="/posts/1" rel="nofollow noopener">here</a>' in html


def test_bare_addresses_become_links():
    assert '<a href="https://example.com/x" rel="nofollow noopener">' in render(
        "see https://example.com/x"
    )


def test_tables_have_no_inline_styles():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html
    assert "style" not in html  # the CSP forbids inline styles


def test_ordered_lists_keep_their_start():
    assert '<ol start="3">' in render("3. three\n4. four")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=x onerror=alert(1)",  # a broken tag
        "<svg onload=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "<iframe src=//evil.example></iframe>",
        "<style>body{display:none}</style>",
        '<div style="position:fixed">x</div>',
        "<!-- <script>alert(1)</script> -->",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_raw_html_is_shown_as_text(source):
    html = render(source)
    assert not re.search(r"<(script|img|svg|a|iframe|style|div)\b", html, re.IGNORECASE)
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_links_lose_their_target(source):
    html = render(source).lower()
    assert "javascript" not in html.replace(">javascript:alert(1)<", "><")
    assert "data:" not in html and "vbscript" not in html
    assert "href" not in html


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("![pic](/avatar/ada)", 'src="/avatar/ada"'),
        ("![pic](pictures/a.png)", 'src="pictures/a.png"'),
        ("![pic](data:image/png;base64,iVBORw0KGgo=)", None),
        ("![pic](data:image/svg+xml,<svg onload=alert(1)>)", None),
        ("![pic](javascript:alert(1))", None),
        ("![pic](mailto:a@example.com)", None),
        ("![pic](ftp://example.com/a.png)", None),
    ],
)
def test_images_only_from_this_site(source, kept):
    html = render(source)
    if kept:
        assert "<img" in html and 'alt="pic"' in html and kept in html
    else:
        assert "src=" not in html and "<svg" not in html


@pytest.mark.parametrize(
    ("source", "link"),
    [
        (
            "![pic](https://example.com/a.png)",
            '<a href="https://example.com/a.png" rel="nofollow noopener">pic</a>',
        ),
        (
            '![a *pic*](HTTP://example.com/a.png "A title")',
            '<a href="HTTP://example.com/a.png" title="A title" rel="nofollow noopener">a <em>pic</em></a>',
        ),
        (
            "![](//tracker.example/pixel.gif)",
            '<a href="//tracker.example/pixel.gif" rel="nofollow noopener">//tracker.example/pixel.gif</a>',
        ),
        (
            "[![badge](https://ci.example/badge.svg)](https://ci.example/)",
            '<a href="https://ci.example/" rel="nofollow noopener">badge</a>',
        ),
    ],
)
def test_images_from_other_sites_become_links(source, link):
    # The Content-Security-Policy lets pages load images from this site only (no tracking
    # pixels, nobody else learns who reads what): other sites' images are links to them.
    html = render(source)
    assert html == f"<p>{link}</p>\n"
    assert "<img" not in html


def test_the_sanitiser_and_the_csp_agree_on_images(client):
    from bbs.security import CONTENT_SECURITY_POLICY

    image_sources = next(
        rule for rule in CONTENT_SECURITY_POLICY.split("; ") if rule.startswith("img-src")
    )
    assert image_sources == "img-src 'self' data:"
    from bbs.markdown import sanitize

    for tag in [
        '<img src="https://example.com/a.png">',
        '<img src="//example.com/a.png">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
    ]:
        assert "src" not in sanitize(tag)


def test_headings_are_a_level_down_so_the_page_keeps_one_h1():
    html = render("# One\n\n## Two\n\n##### Five\n\n###### Six\n\nTitle\n=====")
    assert html == "<h2>One</h2>\n<h3>Two</h3>\n<h6>Five</h6>\n<h6>Six</h6>\n<h2>Title</h2>\n"


def test_titles_cannot_break_out_of_their_attribute():
    html = render('[x](https://example.com "a\\" onmouseover=\\"alert(1)")')
    assert _attributes(html) == [
        (
            "a",
            {
                "href": "https://example.com",
                "title": 'a" onmouseover="alert(1)',
                "rel": "nofollow noopener",
            },
        )
    ]


def test_sanitize_keeps_only_the_allowlist():
    html = sanitize(
        '<p class="x" id="y" onclick="z">a<script>b</script><b>c</b>'
        '<a href="https://e.example" target="_blank">d</a></p>'
    )
    assert html == ('<p>a<b>c</b><a href="https://e.example" rel="nofollow noopener">d</a></p>')


def test_rendering_returns_markup_that_templates_do_not_escape_again():
    assert render("**x**").__html__() == "<p><strong>x</strong></p>\n"
    assert render_cached("**x**") == render("**x**")
