"""The layout as a browser lays it out: nothing wider than the window, on a desktop or a phone."""

from __future__ import annotations

from browser_steps import log_in

LONG_LINE = "x = " + "'a_very_long_identifier' + " * 120


def page_overflow(page) -> int:
    """How many pixels the page is wider than its window (0: no horizontal scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_long_code_line_scrolls_inside_its_block_in_the_preview_and_the_post(
        forum, page, browser_log):
    forum.make_user("ada")
    log_in(page, forum.url, "ada")
    page.get_by_role("link", name="New post").click()
    page.get_by_label("Title").fill("Long lines")
    page.get_by_label("Body").fill(f"```\n{LONG_LINE}\n```\n")
    page.get_by_role("button", name="Preview").click()
    code = page.locator("#post-preview pre")
    code.wait_for()
    assert page_overflow(page) == 0
    assert code.evaluate("pre => pre.scrollWidth > pre.clientWidth")  # it scrolls itself

    page.get_by_role("button", name="Publish").click()
    page.locator(".post-body pre").wait_for()
    assert page_overflow(page) == 0
    browser_log.assert_clean()
