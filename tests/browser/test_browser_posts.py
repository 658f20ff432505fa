"""Writing a Markdown post, reading it, commenting on it and liking it, in Chromium."""

from __future__ import annotations

from browser_steps import log_in

BODY = """\
Some **bold** words,
and a line break.

```
print("hello")
```

<img src="x" onerror="document.title='pwned'"> is shown as text.
"""


def test_a_member_writes_a_post_previews_it_and_finds_it_on_the_first_page(
    forum, page, browser_log
):
    forum.make_user("ada")
    log_in(page, forum.url, "ada")

    page.get_by_role("link", name="New post").click()
    page.get_by_label("Title").fill("Hello, <b>world</b>")
    page.get_by_label("Body").fill(BODY)

    # The preview comes from the server through editor.js (a file: no inline script runs).
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#post-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "bold"
    assert preview.locator("pre code").inner_text().strip() == 'print("hello")'

    page.get_by_role("button", name="Publish").click()
    assert "Your post is published." in page.locator(".flashes").inner_text()

    # On the first page, with the markup of the title shown as text; then opened from there.
    page.goto(f"{forum.url}/")
    page.get_by_role("link", name="Hello, <b>world</b>").click()
    body = page.locator(".post-body")
    assert body.locator("strong").inner_text() == "bold"
    assert body.locator("br").count() == 1  # the hard line break
    assert body.locator("pre code").inner_text().strip() == 'print("hello")'
    assert '<img src="x"' in body.inner_text()
    assert body.locator("img").count() == 0
    assert page.title().startswith("Hello, <b>world</b>")  # not "pwned": no handler ran

    browser_log.assert_clean()


def test_a_member_comments_on_a_post_likes_it_and_deletes_the_comment(forum, page, browser_log):
    forum.make_user("ada")
    log_in(page, forum.url, "ada")
    page.get_by_role("link", name="New post").click()
    page.get_by_label("Title").fill("Tea or coffee?")
    page.get_by_label("Body").fill("Discuss.")
    page.get_by_role("button", name="Publish").click()
    post_url = page.url

    page.get_by_role("textbox", name="Comment").fill("Tea, **obviously**.")
    page.get_by_role("button", name="Comment").click()
    comment = page.locator(".comment")
    assert comment.locator(".author").inner_text() == "ada"
    assert comment.locator(".comment-body strong").inner_text() == "obviously"
    assert page.locator(".comments-title").inner_text() == "1 comment"

    page.get_by_role("button", name="Like", exact=True).click()
    assert page.url.split("#")[0] == post_url
    assert page.locator(".like-count").first.inner_text() == "1 like"
    page.get_by_role("button", name="Unlike").click()
    assert page.locator(".like-count").first.inner_text() == "0 likes"
    page.get_by_role("button", name="Like", exact=True).click()

    # Deleting asks first (editor.js); saying no keeps the comment.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".comment-delete").click()
    assert page.locator(".comment").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".comment-delete").click()
    page.locator(".flashes").wait_for()
    assert "The comment is deleted." in page.locator(".flashes").inner_text()
    assert page.locator(".comment").count() == 0

    page.goto(f"{forum.url}/")
    assert "0 comments · 1 like" in page.locator(".post-summary .post-meta").inner_text()
    browser_log.assert_clean()


def test_an_empty_comment_leaves_the_browser_on_the_post_page_with_the_error(
    forum, page, browser_log
):
    forum.make_user("ada")
    post_id = forum.make_post("ada", "Quiet", "Say something.")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/posts/{post_id}")
    page.get_by_role("button", name="Comment").click()
    page.wait_for_load_state()
    assert page.url == f"{forum.url}/posts/{post_id}"
    box = page.get_by_role("textbox", name="Comment")
    assert box.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "body"
    assert "This field is required." in page.locator(".comment-form .field-error").inner_text()
    page.goto(page.url)  # the address is a page: opened again (a GET), it shows the post
    assert page.locator(".post-page-title").inner_text() == "Quiet"
    assert page.locator(".field-error").count() == 0
    browser_log.assert_clean()


def test_an_image_from_another_site_is_a_link_and_nothing_is_blocked(forum, page, browser_log):
    forum.make_user("ada")
    post_id = forum.make_post(
        "ada", "Pictures", "![a chart](https://images.example/chart.png)\n\n![me](/avatar/ada)"
    )
    page.goto(f"{forum.url}/posts/{post_id}")
    body = page.locator(".post-body")
    assert body.get_by_role("link", name="a chart").get_attribute("href") == (
        "https://images.example/chart.png"
    )
    image = body.locator("img")
    assert image.count() == 1 and image.get_attribute("src") == "/avatar/ada"
    image.evaluate("img => img.decode()")  # loaded, not a broken icon
    browser_log.assert_clean()
