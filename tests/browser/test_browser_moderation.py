"""Moderation in Chromium: a member reports a comment, a moderator removes it from the queue
with a reason, and the removal is in the moderation log."""

from __future__ import annotations

from browser_steps import log_in, log_out
from sqlalchemy import select

from bbs.db import db
from bbs.models import MODERATOR, User


def test_a_reported_comment_is_removed_from_the_queue_and_logged(forum, page, browser_log):
    forum.make_user("ada")
    forum.make_user("spammer")
    forum.make_user("mod")
    with forum.app.app_context():
        db.session.scalar(select(User).where(User.username == "mod")).role = MODERATOR
        db.session.commit()
    post_id = forum.make_post("ada", "Garden tips", "Water in the morning.")

    log_in(page, forum.url, "spammer")
    page.goto(f"{forum.url}/posts/{post_id}")
    page.get_by_role("textbox", name="Comment").fill("Cheap watches at example.com")
    page.get_by_role("button", name="Comment").click()
    log_out(page)

    # ada reports the comment: a reason from the list, and a note.
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/{post_id}")
    page.get_by_role("link", name="Report comment by spammer").click()
    page.get_by_label("Spam").check()
    page.get_by_label("Anything the moderators should know").fill("Selling watches")
    page.get_by_role("button", name="Send the report").click()
    assert "The moderators will look at this comment." in page.locator(".flashes").inner_text()
    log_out(page)

    # The moderator finds it in the queue, with who reported it and why.
    log_in(page, forum.url, "mod")
    page.get_by_role("link", name="Moderation").click()
    item = page.locator(".queue-item")
    assert item.count() == 1
    assert "Cheap watches" in item.locator(".queue-content").inner_text()
    reports = item.locator(".queue-reports").inner_text()
    assert "ada" in reports and "Spam" in reports and "Selling watches" in reports

    # Deleting asks first, and wants a reason.
    item.get_by_role("button", name="Delete this comment by spammer").click()
    assert page.locator("h1").inner_text() == "Delete the comment"
    page.get_by_role("button", name="Delete the comment").click()
    assert page.locator(".field-error").inner_text().startswith("Say why")
    page.get_by_label("Reason").fill("Advertising is not allowed.")
    page.get_by_role("button", name="Delete the comment").click()
    assert "The comment has been deleted." in page.locator(".flashes").inner_text()
    assert page.locator(".queue-item").count() == 0

    page.goto(f"{forum.url}/posts/{post_id}")
    assert page.locator(".comment").count() == 0

    page.goto(f"{forum.url}/moderation/log")
    entry = page.locator(".log-entry").first
    assert "mod" in entry.inner_text() and "deleted a comment" in entry.inner_text()
    assert entry.locator(".log-reason").inner_text() == "Advertising is not allowed."
    browser_log.assert_clean()
