"""The header's notification badge updates live in Chromium: by server-sent events under WSGI,
over a WebSocket under ASGI, by polling without either."""

from __future__ import annotations

import time

from browser_steps import log_in
from test_browser_conversations import comment_as


def test_the_badge_counts_a_reply_with_a_mention_without_a_reload(forum, page, browser):
    forum.app.config.update(NOTIFICATIONS_STREAM_INTERVAL=0.5, NOTIFICATIONS_STREAM_SECONDS=60)
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("grace", "Tea or coffee?", "Discuss.")
    comment_as(forum, "ada", post_id, "Tea, of course.")
    badge, loads = watch_the_badge(page, forum, "ada")

    other = browser.new_context()
    try:
        graces = other.new_page()
        log_in(graces, forum.url, "grace")
        graces.goto(f"{forum.url}/posts/{post_id}")
        graces.get_by_role("link", name="Reply to ada").click()
        graces.get_by_role("textbox", name="Comment").press_sequentially("Agreed, @ada!")
        graces.get_by_role("button", name="Reply").click()
        graces.locator(".comment").nth(1).wait_for()
    finally:
        other.close()

    badge.wait_for(state="visible", timeout=15000)
    assert badge.inner_text() == "1"
    assert loads == []  # the same page, never reloaded
    page.locator(".nav-notifications").click()
    page.wait_for_load_state()
    assert "grace" in page.locator(".notification-list").inner_text()
    assert "replied to your comment" in page.locator(".notification-list").inner_text()


def test_over_asgi_the_badge_listens_on_a_websocket(asgi_forum, page):
    forum = asgi_forum
    forum.app.config.update(NOTIFICATIONS_STREAM_INTERVAL=0.2, NOTIFICATIONS_STREAM_SECONDS=60)
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    badge, loads = watch_the_badge(page, forum, "ada")
    page.wait_for_function("() => true")  # let the page's scripts open their socket
    comment_as(forum, "grace", post_id, "Coffee, @ada.")
    badge.wait_for(state="visible", timeout=15000)
    assert badge.inner_text() == "1" and loads == []
    assert sockets and all(url.endswith("/notifications/live") for url in sockets)


def test_over_asgi_an_open_post_page_announces_new_comments(asgi_forum, page):
    forum = asgi_forum
    forum.app.config.update(NOTIFICATIONS_STREAM_INTERVAL=0.2, NOTIFICATIONS_STREAM_SECONDS=60)
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    log_in(page, forum.url, "ada")
    with page.expect_websocket(
        lambda socket: socket.url.endswith(f"/posts/{post_id}/live")
    ) as live:
        page.goto(f"{forum.url}/posts/{post_id}")
    live.value.wait_for_event("framereceived")  # it has noted the latest comment
    notice = page.locator(".new-comments")
    assert notice.is_hidden()
    comment_as(forum, "grace", post_id, "Coffee, obviously.")
    notice.wait_for(state="visible", timeout=15000)
    assert notice.inner_text() == "1 new comment"
    notice.get_by_role("link").click()
    page.wait_for_load_state()
    assert "Coffee, obviously." in page.locator(".comment").last.inner_text()


def test_without_the_stream_the_badge_polls_the_count(forum, page):
    forum.app.config.update(NOTIFICATIONS_STREAM=False, NOTIFICATIONS_POLL_SECONDS=0.5)
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    badge, loads = watch_the_badge(page, forum, "ada")
    comment_as(forum, "grace", post_id, "Coffee, @ada.")
    badge.wait_for(state="visible", timeout=15000)
    assert badge.inner_text() == "1" and loads == []


def watch_the_badge(page, forum, username: str):
    """``username``'s front page with no unread notifications: its badge, and a list that
    grows each time the page loads (so a test can tell the badge changed without a reload)."""
    log_in(page, forum.url, username)
    page.goto(f"{forum.url}/")
    badge = page.locator(".nav-notifications .notification-badge")
    assert badge.is_hidden()
    loads: list[int] = []
    page.on("load", lambda _page: loads.append(1))
    return badge, loads


def test_opening_an_unread_notification_marks_it_read(forum, page):
    forum.make_user("ada")
    forum.make_user("grace")
    post_id = forum.make_post("ada", "Tea or coffee?", "Discuss.")
    comment_as(forum, "grace", post_id, "Coffee, @ada.")
    log_in(page, forum.url, "ada")
    page.goto(f"{forum.url}/notifications")
    unread = page.locator(".notification-unread")
    assert unread.count() == 1
    with page.context.expect_page() as opened:  # a middle click: a new tab, this page stays
        unread.get_by_role("link", name="mentioned you").click(button="middle")
    opened.value.close()
    assert page.locator(".notification-unread").count() == 0  # shown as read at once
    assert not page.get_by_role("button", name="Mark as read").is_visible()
    page.get_by_role("link", name="mentioned you").click()
    page.wait_for_load_state()
    assert "Coffee, @ada." in page.locator(".comment").last.inner_text()
    count = f"{forum.url}/notifications/count"
    deadline = time.monotonic() + 10
    while page.request.get(count).json()["unread"] and time.monotonic() < deadline:
        time.sleep(0.1)  # the beacon is sent as the page is left, and answered on its own
    page.goto(f"{forum.url}/notifications")
    assert page.locator(".notification-unread").count() == 0
    assert page.get_by_role("link", name="mentioned you").is_visible()
