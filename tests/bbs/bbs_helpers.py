"""Helpers for the forum's tests: reading forms out of pages, and filling them in as a
browser would (CSRF token, captcha), plus making accounts directly in the database."""

from __future__ import annotations

import re
import typing as t
from html.parser import HTMLParser

from bbs.db import db
from bbs.models import MEMBER, User, utcnow
from bbs.passwords import hash_password

PASSWORD = "correct horse battery"

# Cheap Argon2 parameters: the tests check behaviour, not hashing cost.
FAST_HASHER = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def forum_config(database: t.Any, **overrides: t.Any) -> dict[str, t.Any]:
    """Settings for a test app on the SQLite file ``database``."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "a secret for the tests, long enough for the forum to accept",
        "DATABASE_URL": f"sqlite:///{database}",
        "PASSWORD_HASHER": FAST_HASHER,
        # Sent by a thread of the test process on PostgreSQL too (no worker runs there).
        "MAIL_QUEUE": "thread",
        # Test accounts are minutes old: the new-member limits are tested on their own.
        "NEW_MEMBER_DAYS": 0,
    }
    config.update(overrides)
    return config


_CAPTCHA = re.compile(r'class="captcha-question">([^<]+)<')
_CAPTCHA_TOKEN = re.compile(r"\d+|[+−×]")


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


def form_inputs(html: str) -> dict[str, str]:
    """The first value of every ``<input>`` of a page, by name."""
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def csrf_token(html: str) -> str:
    """The CSRF token of a page's form."""
    return form_inputs(html)["csrf_token"]


def solve_captcha(html: str) -> str:
    """The answer to the registration page's question, worked out as a person would."""
    question = _CAPTCHA.search(html)
    if question is None:
        raise AssertionError("no captcha on the page")
    tokens = _CAPTCHA_TOKEN.findall(question.group(1))
    # Multiplication first, then + and − from left to right.
    terms: list[int] = [int(tokens[0])]
    signs: list[str] = []
    for operator, number in zip(tokens[1::2], tokens[2::2], strict=True):
        if operator == "×":
            terms[-1] *= int(number)
        else:
            signs.append(operator)
            terms.append(int(number))
    total = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        total = total + term if sign == "+" else total - term
    return str(total)


def token_for(client: t.Any, path: str = "/login", **kwargs: t.Any) -> str:
    """A CSRF token valid for ``client``'s session, read from the page at ``path``."""
    return csrf_token(client.get(path, **kwargs).text)


def submit(
    client: t.Any, path: str, data: dict[str, t.Any], page: str | None = None, **kwargs: t.Any
) -> t.Any:
    """POST ``data`` to ``path`` with the CSRF token of the page at ``page`` (``path``);
    ``kwargs`` (headers, base_url…) go with both requests."""
    token = token_for(client, page or path.split("?")[0], **kwargs)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def register(
    client: t.Any,
    username: str = "newcomer",
    password: str = PASSWORD,
    email: str = "newcomer@example.com",
    **overrides: t.Any,
) -> t.Any:
    """Fill in and send the registration form."""
    page = client.get("/register").text
    data = {
        "csrf_token": csrf_token(page),
        "username": username,
        "email": email,
        "password": password,
        "confirm": password,
        "captcha": solve_captcha(page),
    }
    data.update(overrides)
    return client.post("/register", data=data)


def login(
    client: t.Any,
    username: str,
    password: str = PASSWORD,
    remember: bool = False,
    next: str | None = None,
    **kwargs: t.Any,
) -> t.Any:
    """Fill in and send the login form."""
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    path = "/login" if next is None else f"/login?next={next}"
    return submit(client, path, data, page="/login", **kwargs)


def make_user(
    app: t.Any, username: str, password: str = PASSWORD, role: str = MEMBER, **fields: t.Any
) -> User:
    """Create an account directly in the database; the returned user stays usable. Its
    address is ``<username>@example.com``, verified, unless ``fields`` say otherwise."""
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("email_verified_at", utcnow())
    with app.app_context():
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user


def logged_in_name(client: t.Any) -> str | None:
    """The username the navigation shows, or None for an anonymous visitor."""
    match = re.search(r'class="nav-username">([^<]*)<', client.get("/").text)
    return match.group(1) if match else None
