"""Take the README's screenshot of the forum: ``python tests/browser/forum_screenshot.py [PATH]``.

Seeds a throwaway database with a few members, posts, comments and likes, serves it, logs in
as one member and saves the front page, 1280×800, to PATH (``docs/images/forum.png``).
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from chromium import launch
from live_forum import PASSWORD, LiveForum, forum_app, serve
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from bbs import migrate
from bbs.db import db
from bbs.models import User, utcnow
from bbs.posts.content import add_comment, create_post
from bbs.social.follows import follow
from bbs.social.likes import like

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "images" / "forum.png"
MEMBERS = ["ada", "grace", "linus", "margaret", "ken"]
# (author, title, body, minutes ago, comments, likes)
POSTS = [
    (
        "margaret",
        "What would you keep from the 1969 flight software?",
        "Priority scheduling saved the landing. What else still holds up?",
        2000,
        6,
        4,
    ),
    ("ken", "Small tools that do one thing well", "Pipes, still the best **glue**.", 1500, 3, 5),
    ("linus", "Show us your desk setup", "Mine has too many keyboards.", 900, 9, 2),
    (
        "grace",
        "Tips for explaining recursion to new programmers",
        "Start with a mirror facing a mirror.",
        240,
        4,
        3,
    ),
    (
        "ada",
        "Markdown works here, code blocks included",
        "```python\nprint('hello, forum')\n```",
        45,
        2,
        1,
    ),
    (
        "grace",
        "Welcome! Introduce yourself in this thread",
        "Say hello, and tell us what you're building.",
        8,
        5,
        4,
    ),
]


def seed(forum: LiveForum) -> None:
    for name in MEMBERS:
        forum.make_user(name)
    now = utcnow()
    with forum.app.app_context():
        members = {user.username: user for user in db.session.scalars(select(User))}
        for author, title, body, minutes_ago, comments, likes in POSTS:
            post = create_post(members[author], title, body)
            post.created_at = post.updated_at = now - timedelta(minutes=minutes_ago)
            for number in range(comments):
                add_comment(post, members[MEMBERS[number % len(MEMBERS)]], "Thanks for sharing!")
            for name in MEMBERS[:likes]:
                like(members[name].id, post.id)
        follow(members["ada"].id, members["grace"].id)
        db.session.commit()


def main(output: Path = OUTPUT) -> None:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp())
    app = forum_app(folder / "bbs.sqlite3", folder / "instance")
    migrate.upgrade(app)
    with serve(app) as forum:
        seed(forum)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme="light")
            page.goto(f"{forum.url}/login")
            page.get_by_label("Username").fill("ada")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{forum.url}/")
            page.wait_for_load_state("networkidle")
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
            browser.close()
    print(f"saved {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
