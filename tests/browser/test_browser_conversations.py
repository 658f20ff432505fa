"""Replying to a comment with a quote of the text selected in it and an @mention, in Chromium."""

from __future__ import annotations

from browser_steps import log_in
from sqlalchemy import select

from bbs.db import db
from bbs.models import Post, User
from bbs.posts.content import add_comment


def comment_as(forum, username: str, post_id: int, body: str) -> int:
    with forum.app.app_context():
        author = db.session.scalar(select(User).where(User.username == username))
        found = add_comment(db.session.get(Post, post_id), author, body)
        db.session.commit()
        return found.id


def select_text(page, selector: str, text: str) -> None:
    """Select ``text`` inside the first element matching ``selector``, as a mouse would."""
    page.evaluate(
        """([selector, text]) => {
            const walker = document.createTreeWalker(
                document.querySelector(selector), NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + text.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found");
        }""",
        [selector, text],
    )


def test_a_member_replies_quoting_the_selected_text_and_mentions_its_author(
    forum, page, browser_log
):
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    graces = comment_as(forum, "grace", post_id, "Tea is best. Milk <b>too</b>.")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/{post_id}")

    # The time is relative, with the full time on hover (times.js).
    stamp = page.locator(f"#comment-{graces} time").first
    assert stamp.inner_text() == "just now"
    local = page.evaluate(
        """element => new Intl.DateTimeFormat(undefined, {dateStyle: "full", timeStyle: "long"})
            .format(new Date(element.getAttribute("datetime")))""",
        stamp.element_handle(),
    )
    assert stamp.get_attribute("title") == local  # the reader's time zone, not the server's

    select_text(page, f"#comment-{graces} .comment-body", "Milk <b>too</b>.")
    page.get_by_role("link", name="Quote grace").click()
    page.get_by_role("link", name="Reply to grace").click()
    indicator = page.locator("#replying-to")
    assert indicator.is_visible() and "@grace" in indicator.inner_text()
    box = page.get_by_role("textbox", name="Comment")
    assert box.input_value() == (f"> @grace [wrote](/comments/{graces}):\n> Milk <b>too</b>.\n\n")
    assert page.url == f"{forum.url}/posts/{post_id}"  # all in place, no page load
    box.press_sequentially("Agreed, @grace!")
    page.get_by_role("button", name="Reply").click()

    reply = page.locator(".comment").nth(1)
    reply.wait_for()
    assert reply.locator(".author").inner_text() == "ada"
    quoted = reply.locator(".comment-body blockquote")
    assert "Milk <b>too</b>." in quoted.inner_text()  # the markup stays text
    assert reply.locator(".comment-body b").count() == 0
    assert quoted.get_by_role("link", name="wrote").get_attribute("href") == (f"/comments/{graces}")
    back = reply.get_by_role("link", name="in reply to @grace")
    assert back.get_attribute("href") == f"#comment-{graces}"

    mention = reply.locator(".comment-body > p a.mention")
    assert mention.inner_text() == "@grace"
    mention.click()
    page.wait_for_url(f"{forum.url}/u/grace")
    browser_log.assert_clean()
