"""The layout as a browser lays it out: nothing wider than the window, on a desktop or a phone."""

from __future__ import annotations

import itertools

from browser_steps import log_in

LONG_LINE = "x = " + "'a_very_long_identifier' + " * 120


def page_overflow(page) -> int:
    """How many pixels the page is wider than its window (0: no horizontal scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_long_code_line_scrolls_inside_its_block_in_the_preview_and_the_post(
    forum, page, browser_log
):
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


def make_admin(forum, username: str) -> None:
    from sqlalchemy import update

    from bbs.db import db
    from bbs.models import User

    forum.make_user(username)
    with forum.app.app_context():
        db.session.execute(update(User).where(User.username == username).values(role="admin"))
        db.session.commit()


def test_the_moderation_pages_fit_a_phone(forum, page, browser_log):
    make_admin(forum, "root")
    for name in ("ada", "grace_hopper_the_admiral", "x" * 30):
        forum.make_user(name)
    post_id = forum.make_post("grace_hopper_the_admiral", "A rather long title " * 8, "Body.")
    with forum.app.app_context():
        from bbs.db import db
        from bbs.models import Post, Report, User
        from bbs.posts.content import add_comment

        comment = add_comment(
            db.session.get(Post, post_id), db.session.get(User, 2), "A comment " * 30
        )
        db.session.add(Report(reporter_id=2, reason="spam", details="word " * 60, post_id=post_id))
        db.session.add(Report(reporter_id=4, reason="other", comment_id=comment.id))
        db.session.commit()
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, forum.url, "root")
    for path in ("/admin/users", "/admin/", "/admin/comments", "/admin/categories", "/moderation/"):
        page.goto(f"{forum.url}{path}")
        assert page_overflow(page) == 0, path
    # Still usable: every account's buttons are there, and inside the window.
    page.goto(f"{forum.url}/admin/users")
    ban = page.get_by_role("button", name="Ban ada")
    box = ban.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    ban.click()
    # The confirmation page fits too, and asks for the reason the log keeps.
    assert page_overflow(page) == 0
    page.get_by_label("Reason").fill("Spam, " * 40)
    page.get_by_role("button", name="Ban ada").click()
    assert "ada has been banned." in page.locator(".flashes").inner_text()
    page.goto(f"{forum.url}/moderation/log")
    assert page.locator(".log-entry").count() == 1
    assert page_overflow(page) == 0
    browser_log.assert_clean()


def header_rows(page) -> int:
    """How many lines the site header's items take."""
    middles = page.evaluate(
        """() => [...document.querySelectorAll('.nav > a, .nav li')].map(item => {
            const box = item.getBoundingClientRect();
            return (box.top + box.bottom) / 2;
        })"""
    )
    # Items of one line are centred on it: their middles lie within a few pixels.
    ordered = sorted(middles)
    return 1 + sum(below - above > 8 for above, below in itertools.pairwise(ordered))


def test_an_admins_header_is_one_line_on_a_desktop(forum, page, browser_log):
    make_admin(forum, "grace_hopper")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, forum.url, "grace_hopper")
    for path in ("/", "/admin/users"):
        page.goto(f"{forum.url}{path}")
        assert header_rows(page) == 1, path
    browser_log.assert_clean()
