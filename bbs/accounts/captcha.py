"""The registration captcha: a small sum whose answer is kept in the visitor's session.

Each page view asks a new question. The session (a signed cookie the visitor can read) holds
only an HMAC of the answer, a random nonce and an expiry, so the cookie doesn't give the answer
away. A question is answered once, right or wrong: checking it removes it from the session and
records its nonce in ``answered_captchas``, so sending the same cookie again (a replay) finds
the question already answered. One guess per question: the answer can't be found by trying
every number on one cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from flagon import current_app, session

from ..db import db
from ..limits import purge
from ..models import AnsweredCaptcha, utcnow

SESSION_KEY = "_captcha"
_ANSWER = re.compile(r"-?[0-9]{1,4}\Z")
OPERATORS = {"+": lambda a, b: a + b, "−": lambda a, b: a - b, "×": lambda a, b: a * b}


def _digest(nonce: str, answer: int) -> str:
    key = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"bbs.captcha", "sha256")
    return hmac.new(key.digest(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def _question() -> tuple[str, int]:
    while True:
        first, second, third = (secrets.randbelow(9) + 1 for _ in range(3))
        plus_or_minus = secrets.choice(["+", "−"])
        # × binds tighter: "a op b × c" is a op (b × c).
        if secrets.randbelow(2):
            text = f"{first} {plus_or_minus} {second} × {third}"
            answer = OPERATORS[plus_or_minus](first, second * third)
        else:
            text = f"{first} × {second} {plus_or_minus} {third}"
            answer = OPERATORS[plus_or_minus](first * second, third)
        if answer >= 0:
            return text, answer


def new_captcha() -> str:
    """Ask a new question for this visitor; returns its text, such as ``"3 + 4 × 2"``."""
    text, answer = _question()
    nonce = secrets.token_hex(8)
    lifetime = current_app.config["CAPTCHA_TIME_LIMIT"].total_seconds()
    session[SESSION_KEY] = {
        "nonce": nonce,
        "digest": _digest(nonce, answer),
        "expires": time.time() + lifetime,
    }
    return text


def check_captcha(given: str | None) -> bool:
    """Whether ``given`` answers the question this visitor was asked. The question is used up
    whatever the answer (recorded in the database, not committed)."""
    asked = session.pop(SESSION_KEY, None)
    if not isinstance(asked, dict):
        return False
    try:
        expires = float(asked["expires"])
        expected = str(asked["digest"])
        nonce = str(asked["nonce"])
    except (KeyError, TypeError, ValueError):
        return False
    if time.time() > expires or not _first_answer(nonce, expires):
        return False
    if given is None:
        return False
    given = given.strip().replace("−", "-")
    if not _ANSWER.match(given):
        return False
    return hmac.compare_digest(expected, _digest(nonce, int(given)))


def _first_answer(nonce: str, expires: float) -> bool:
    """Record that question ``nonce`` has been answered; False if it already had been."""
    purge(AnsweredCaptcha, AnsweredCaptcha.expires_at, utcnow())
    try:
        with db.session.begin_nested():  # the primary key decides, even between workers
            db.session.add(
                AnsweredCaptcha(nonce=nonce[:32], expires_at=datetime.fromtimestamp(expires, UTC))
            )
    except IntegrityError:
        return False
    return True
