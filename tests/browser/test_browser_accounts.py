"""Registering, logging in and out, in Chromium."""

from __future__ import annotations

import pytest
from browser_steps import log_in, log_out, logged_in_name, register, solve_captcha


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("3 + 4 × 2", 11),
        ("3 × 4 − 2", 10),
        ("9 − 2 × 4", 1),
        ("2 × 2 + 7", 11),
    ],
)
def test_the_captcha_is_solved_as_a_person_would(question, answer):
    assert solve_captcha(question) == answer


def test_a_visitor_registers_logs_out_and_back_in(forum, page, browser_log):
    # A wrong answer to the question is refused, and a new question is asked.
    register(page, forum.url, "grace", wrong_answer=True)
    assert page.get_by_text("That is not the answer. Try the new question.").is_visible()
    assert logged_in_name(page) is None

    register(page, forum.url, "grace")
    assert page.url == f"{forum.url}/"
    assert "Welcome, grace!" in page.locator(".flashes").inner_text()
    assert logged_in_name(page) == "grace"

    log_out(page)
    assert "You have been logged out." in page.locator(".flashes").inner_text()
    assert logged_in_name(page) is None

    log_in(page, forum.url, "grace", "not the password")
    assert "Wrong username or password." in page.locator(".flashes").inner_text()
    log_in(page, forum.url, "grace")
    assert logged_in_name(page) == "grace"

    # The session cookie is out of the page's reach.
    assert page.evaluate("document.cookie") == ""
    browser_log.assert_clean()


def test_the_keyboard_reaches_the_skip_link_first_and_the_login_form_has_the_focus(
    forum, page, browser_log
):
    page.goto(f"{forum.url}/login")
    assert page.evaluate("document.activeElement.id") == "username"
    page.goto(f"{forum.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0  # shown once it has the focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    browser_log.assert_clean()
