"""Never losing what a member writes, in Chromium: a comment sent with a stale token comes
back with its text, a draft survives a reload and follows the member to another device, and a
picture is uploaded and inserted at the cursor."""

from __future__ import annotations

import io

from browser_steps import log_in
from PIL import Image

COMMENT = "A long comment I would hate to lose, with <b>markup</b>."


def _comment_box(page):
    return page.get_by_role("textbox", name="Comment")


def test_a_comment_sent_with_a_stale_token_comes_back_and_can_be_sent_again(
    forum, page, browser_log
):
    forum.make_user("ada")
    post_id = forum.make_post("ada", "Stale", "Comment after a while.")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/{post_id}")
    _comment_box(page).fill(COMMENT)

    # Logging in again in another tab gives the session a new CSRF secret: this page's token
    # is stale now, as after hours away.
    other = page.context.new_page()
    log_in(other, forum.url, "ada")
    other.close()

    page.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_load_state()
    assert "Your form had expired, so nothing was saved" in page.locator(".flashes").inner_text()
    assert _comment_box(page).input_value() == COMMENT
    assert page.locator(".comment").count() == 0

    page.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".comment .comment-body").inner_text() == COMMENT
    # Sent and accepted: the copy kept in the browser is gone, the box is empty on reload.
    page.reload()
    assert _comment_box(page).input_value() == ""
    browser_log.assert_clean()


def test_a_draft_survives_a_reload_and_follows_the_member_to_another_device(
    forum, page, browser, browser_log
):
    forum.make_user("ada")
    post_id = forum.make_post("ada", "Drafts", "Write slowly.")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/{post_id}")
    _comment_box(page).press_sequentially("Half-written thoughts")
    page.locator(".draft-status", has_text="Draft saved").wait_for()

    page.reload()
    assert _comment_box(page).input_value() == "Half-written thoughts"

    laptop = browser.new_context()
    try:
        other = laptop.new_page()
        log_in(other, forum.url, "ada")
        other.goto(f"{forum.url}/posts/{post_id}")
        assert _comment_box(other).input_value() == "Half-written thoughts"
        assert "is restored below" in other.locator(".draft-notice").inner_text()
    finally:
        laptop.close()
    browser_log.assert_clean()


def test_a_picture_is_uploaded_and_inserted_at_the_cursor(forum, page, browser_log, tmp_path):
    forum.make_user("ada")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/new")
    page.get_by_label("Title").fill("With a picture")
    body = page.get_by_label("Body")
    body.fill("Before.\nAfter.")
    body.evaluate("area => area.setSelectionRange(8, 8)")  # the start of "After."

    picture = tmp_path / "red square.png"
    output = io.BytesIO()
    Image.new("RGB", (30, 30), (220, 20, 20)).save(output, "PNG")
    picture.write_bytes(output.getvalue())
    with page.expect_file_chooser() as chooser:
        page.get_by_role("link", name="Insert image").click()
    chooser.value.set_files(str(picture))
    page.locator(".draft-status", has_text="The picture is inserted.").wait_for()
    text = body.input_value()
    assert text.startswith("Before.\n![red square](/images/") and text.endswith(")\nAfter.")

    page.get_by_role("button", name="Publish").click()
    image = page.locator(".post-body img")
    assert image.get_attribute("alt") == "red square"
    image.evaluate("img => img.decode()")  # loaded: the Content-Security-Policy allowed it
    browser_log.assert_clean()
