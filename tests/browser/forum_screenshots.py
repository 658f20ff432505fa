"""Take the screenshots of the README and docs/bbs.md: ``python tests/browser/forum_screenshots.py
[FOLDER]``.

Seeds a throwaway database with a few members, categories, posts, a conversation (a reply with
a quote and a mention, an edited comment, the notifications they make) and a report, serves it, and saves the pages below,
1280×800 (the phone one 390×844), to FOLDER (``docs/images``).
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
from sqlalchemy import select, update

from bbs import migrate
from bbs.db import db
from bbs.models import ADMIN, MODERATOR, Category, Report, User, utcnow
from bbs.posts.content import add_comment, create_post, edit_comment
from bbs.posts.replies import quote
from bbs.social.follows import follow
from bbs.social.likes import like
from bbs.topics import categories

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "images"
MEMBERS = ["ada", "grace", "linus", "margaret", "ken"]
CATEGORIES = [
    ("Announcements", "#b42318", "News about the forum itself."),
    ("Programming", "#2f5bd3", "Code, languages and tools."),
    ("Hardware", "#067647", "Keyboards, routers, soldering irons."),
]
# (author, category, tags, title, body, minutes ago, comments, likes)
POSTS = [
    (
        "margaret",
        "Programming",
        ["history"],
        "What would you keep from the 1969 flight software?",
        "Priority scheduling saved the landing. What else still holds up?",
        2000,
        6,
        4,
    ),
    (
        "ken",
        "Programming",
        ["unix", "tools"],
        "Small tools that do one thing well",
        "Pipes, still the best **glue**.",
        1500,
        3,
        5,
    ),
    ("linus", "Hardware", ["desk"], "Show us your desk setup", "Too many keyboards.", 900, 9, 2),
    (
        "ada",
        "Programming",
        ["python"],
        "Markdown works here, code blocks included",
        "```python\nprint('hello, forum')\n```",
        45,
        2,
        1,
    ),
    (
        "grace",
        "Announcements",
        [],
        "Welcome! Introduce yourself in this thread",
        "Say hello, and tell us what you're building.",
        8,
        5,
        4,
    ),
]
THE_CONVERSATION = "Tips for explaining recursion to new programmers"


def seed(forum: LiveForum) -> int:
    """Fill the forum; returns the id of the post with the conversation."""
    for name in MEMBERS:
        forum.make_user(name)
    now = utcnow()
    with forum.app.app_context():
        db.session.execute(update(User).values(email_verified_at=now))
        db.session.execute(update(User).where(User.username == "ada").values(role=ADMIN))
        db.session.execute(update(User).where(User.username == "grace").values(role=MODERATOR))
        db.session.execute(update(Category).values(name="General", description="Anything else."))
        members = {user.username: user for user in db.session.scalars(select(User))}
        made = {
            name: categories.create(name, name.lower(), about, colour).id
            for name, colour, about in CATEGORIES
        }
        for author, category, tags, title, body, minutes_ago, comments, likes in POSTS:
            post = create_post(members[author], title, body, category_id=made[category], tags=tags)
            post.created_at = post.updated_at = now - timedelta(minutes=minutes_ago)
            for number in range(comments):
                add_comment(post, members[MEMBERS[number % len(MEMBERS)]], "Thanks for sharing!")
            for name in MEMBERS[:likes]:
                like(members[name].id, post.id)
            db.session.flush()
            post.last_activity_at = post.created_at + timedelta(minutes=minutes_ago // 3)
        post = create_post(
            members["grace"],
            THE_CONVERSATION,
            "Start with a mirror facing a mirror, then show the base case.",
            category_id=made["Programming"],
            tags=["teaching"],
        )
        first = add_comment(
            post,
            members["linus"],
            "I draw the call stack on paper: each call gets a box, and the boxes go away in "
            "reverse order.",
        )
        link = f"/comments/{first.id}"
        answer = add_comment(
            post,
            members["ada"],
            quote("linus", link, "each call gets a box")
            + "Exactly. And @margaret's trick: make them *predict* the output first.",
            reply_to=first,
        )
        edit_comment(
            answer,
            answer.body.replace("Exactly.", "Exactly, boxes work."),
            members["ada"],
        )
        add_comment(
            post,
            members["grace"],
            "@ada, stealing the predict-first trick for Thursday's workshop.",
            reply_to=answer,
        )
        db.session.add(
            Report(reporter_id=members["ken"].id, comment_id=first.id, reason="off-topic")
        )
        follow(members["ada"].id, members["grace"].id)
        follow(members["grace"].id, members["ada"].id)
        like(members["margaret"].id, post.id)
        db.session.commit()
        return post.id


def _log_in(page, forum: LiveForum, username: str) -> None:
    page.goto(f"{forum.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def main(output: Path = OUTPUT) -> None:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp())
    app = forum_app(folder / "bbs.sqlite3", folder / "instance")
    migrate.upgrade(app)
    output.mkdir(parents=True, exist_ok=True)
    with serve(app) as forum:
        post_id = seed(forum)
        shots = {
            "forum.png": "/",
            "conversation.png": f"/posts/{post_id}",
            "moderation.png": "/moderation/",
            "categories.png": "/c/programming",
            "notifications.png": "/notifications",
        }
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme="light")
            _log_in(page, forum, "ada")
            for name, path in shots.items():
                page.goto(f"{forum.url}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(output / name))
                print(f"saved {output / name}")
            phone = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="light")
            _log_in(phone, forum, "ada")
            phone.goto(f"{forum.url}/posts/{post_id}")
            phone.wait_for_load_state("networkidle")
            phone.screenshot(path=str(output / "phone.png"))
            print(f"saved {output / 'phone.png'}")
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
