"""Chinese pages in Chromium: the scripts (times, the editor, replies) speak the page's
language, with the words the page gives them."""

from __future__ import annotations

from browser_steps import log_in


def test_a_chinese_page_keeps_its_relative_times_in_chinese(forum, page, browser_log):
    forum.make_user("ada")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(f"{forum.url}/posts/{post_id}")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    stamp = page.locator("article time").first
    page.wait_for_function("element => element.title !== ''", arg=stamp.element_handle())
    assert stamp.inner_text() == "刚刚"  # times.js ran (the title) and left the words alone
    assert page.get_by_role("link", name="登录").first.is_visible()


def test_the_editor_and_the_reply_buttons_speak_chinese(forum, page, browser_log):
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    log_in(page, forum.url, "grace")
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(f"{forum.url}/posts/{post_id}")
    box = page.get_by_role("textbox", name="评论")
    box.press_sequentially("Milk, **always**.")
    page.locator(".draft-status", has_text="草稿已于").wait_for()  # the draft is on the server

    preview = page.get_by_role("button", name="预览")
    preview.click()
    page.locator("#comment-preview strong", has_text="always").wait_for()
    assert preview.inner_text() == "隐藏预览"
    preview.click()
    assert preview.inner_text() == "预览"

    page.get_by_role("button", name="评论", exact=True).click()
    page.locator(".comment").first.wait_for()
    page.get_by_role("link", name="回复 grace").click()
    send = page.locator("#comment-form button[type=submit]")
    assert send.inner_text() == "回复"  # conversation.js, in place
    page.locator(".replying-to-cancel").click()
    assert send.inner_text() == "评论"
    stamp = page.locator(".comment time").first
    page.wait_for_function("element => element.title !== ''", arg=stamp.element_handle())
    assert stamp.inner_text() == "刚刚"
    browser_log.assert_clean()
