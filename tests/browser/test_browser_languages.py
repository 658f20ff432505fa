"""A Chinese page in Chromium: times.js keeps the server's Chinese wording of relative times."""

from __future__ import annotations


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
