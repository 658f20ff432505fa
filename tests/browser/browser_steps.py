"""What a person does on the forum, as Playwright steps: read and fill in forms, press buttons."""

from __future__ import annotations

import re
import typing as t

from live_forum import PASSWORD

_TOKEN = re.compile(r"\d+|[+−×]")


def solve_captcha(question: str) -> int:
    """The answer to a question such as ``"3 + 4 × 2"`` (× first, then + and − in order)."""
    tokens = _TOKEN.findall(question)
    terms, signs = [int(tokens[0])], []
    for operator, number in zip(tokens[1::2], tokens[2::2], strict=True):
        if operator == "×":
            terms[-1] *= int(number)
        else:
            signs.append(operator)
            terms.append(int(number))
    total = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        total += term if sign == "+" else -term
    return total


def register(
    page: t.Any, base: str, username: str, password: str = PASSWORD, wrong_answer: bool = False
) -> None:
    """Fill in the registration form, answering the question the page asks (or not)."""
    page.goto(f"{base}/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    question = page.locator(".captcha-question").inner_text()
    answer = solve_captcha(question) + (1 if wrong_answer else 0)
    page.get_by_label("Answer").fill(str(answer))
    page.get_by_role("button", name="Register").click()


def log_in(page: t.Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def log_out(page: t.Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def logged_in_name(page: t.Any) -> str | None:
    """The username the navigation shows, or None for a visitor."""
    name = page.locator(".nav-username")
    return name.inner_text() if name.count() else None
