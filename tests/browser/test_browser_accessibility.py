"""Every kind of page the forum shows, checked by axe-core in Chromium: no violation of WCAG 2.1
A/AA (or of axe's best practices) with a "serious" or "critical" impact.

One forum, seeded once, and one browser serve the whole module; each role logs in once, in its
own browser context, and each page is its own test."""

from __future__ import annotations

import shutil
import typing as t
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_steps import log_in, logged_in_name
from chromium import TIMEOUT_MS
from every_page_forum import ADMIN, MEMBER, MODERATOR, POSTS_PER_PAGE, Seeded, seed
from live_forum import LiveForum, forum_app, serve

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")
ACCOUNTS = {"member": MEMBER, "moderator": MODERATOR, "admin": ADMIN}
PHONE_WIDTH = 375


def preview_a_comment(page: t.Any) -> None:
    page.get_by_label("Comment", exact=True).fill("A *preview*, with a [link](/).")
    page.get_by_role("button", name="Preview").click()
    page.locator("#comment-preview:not([hidden]) em").wait_for()


def older_topics(page: t.Any) -> None:
    page.locator("a[rel=next]").first.click()
    page.wait_for_url("**after=**")


def ban_confirmation(page: t.Any) -> None:
    page.get_by_role("button", name="Ban ken", exact=True).click()
    page.get_by_label("Reason").wait_for()


def refused_registration(page: t.Any) -> None:
    page.get_by_role("button", name="Register", exact=True).last.click()
    page.locator(".field-error").first.wait_for()


def saved_settings(page: t.Any) -> None:
    page.get_by_role("button", name="Save").click()
    page.locator(".flash-success").wait_for()


@dataclass(frozen=True)
class Visit:
    """A page to check: who looks at it, where, and what they do there first."""

    name: str
    role: str  # visitor, member, moderator or admin
    path: str  # formatted with the Seeded ids
    status: int = 200
    then: t.Callable[[t.Any], None] | None = None
    language: str | None = None  # an Accept-Language
    width: int = 1280
    scheme: str = "light"  # the colour scheme the browser prefers
    shows: tuple[str, ...] = ()  # CSS selectors of what the page must show to be checked


VISITS = [
    Visit("front page", "visitor", "/", shows=(".topic-pinned", ".topic .tag", ".category-badge")),
    Visit("older topics", "visitor", "/", then=older_topics, shows=(".topic",)),
    Visit("numbered page", "visitor", "/?page=2", shows=(".topic",)),
    Visit("category", "visitor", "/c/programming", shows=(".topic",)),
    Visit("tag", "visitor", "/tags/python", shows=(".topic",)),
    Visit(
        "conversation",
        "visitor",
        "/posts/{conversation}",
        shows=(".comment blockquote", ".comment-reply-to", ".comment-edited"),
    ),
    Visit("comment link", "visitor", "/comments/{edited_comment}"),
    Visit("post history", "visitor", "/posts/{conversation}/history", shows=(".diff-added",)),
    Visit(
        "comment history", "visitor", "/comments/{edited_comment}/history", shows=(".diff-added",)
    ),
    # An uploaded avatar's address carries its version.
    Visit("profile with avatar", "visitor", f"/u/{ADMIN}", shows=("img.avatar-large[src*='v=']",)),
    Visit("followers", "visitor", f"/u/{ADMIN}/followers", shows=(".person",)),
    Visit("following", "visitor", f"/u/{ADMIN}/following"),
    Visit("search posts", "visitor", "/search?q=recursion", shows=(".post-summary mark",)),
    Visit("search members", "visitor", "/search?q=gr", shows=(".member-list",)),
    Visit("search form", "visitor", "/search"),
    Visit("login", "visitor", "/login"),
    Visit("register", "visitor", "/register", shows=(".captcha-question",)),
    Visit("registration refused", "visitor", "/register", then=refused_registration),
    Visit("forgot password", "visitor", "/account/forgot-password"),
    Visit("not found", "visitor", "/no-such-page", status=404),
    Visit("method not allowed", "visitor", "/logout", status=405),
    Visit("bad request", "visitor", "/?after=broken", status=400),
    Visit("front page", "member", "/"),
    Visit("conversation", "member", "/posts/{conversation}"),
    Visit("comment preview", "member", "/posts/{conversation}", then=preview_a_comment),
    Visit("write", "member", "/posts/new"),
    Visit("edit post", "member", "/posts/{members_post}/edit"),
    Visit("edit comment", "member", "/comments/{members_comment}/edit"),
    Visit("own profile", "member", f"/u/{MEMBER}"),
    Visit("profile edit", "member", f"/u/{MEMBER}/edit"),
    Visit("notifications", "member", "/notifications", shows=(".notification",)),
    Visit("notification settings", "member", "/settings/notifications"),
    Visit("settings saved", "member", "/settings/notifications", then=saved_settings),
    Visit("change e-mail", "member", "/account/email"),
    Visit("change password", "member", "/account/password"),
    Visit("timeline", "member", "/following", shows=(".topic, .post-summary",)),
    Visit("image upload", "member", "/images/new"),
    Visit("report form", "moderator", "/posts/{others_post}/report"),
    Visit("moderation queue", "moderator", "/moderation/", shows=(".queue-report",)),
    Visit("moderation log", "moderator", "/moderation/log", shows=(".log-entry",)),
    Visit("admin posts", "admin", "/admin/", shows=(".admin-post",)),
    Visit("admin comments", "admin", "/admin/comments", shows=(".admin-comment",)),
    Visit("admin users", "admin", "/admin/users", shows=(".admin-user",)),
    Visit("ban confirmation", "admin", "/admin/users", then=ban_confirmation),
    Visit("front page in Chinese", "visitor", "/", language="zh-CN"),
    Visit("conversation in Chinese", "visitor", "/posts/{conversation}", language="zh-CN"),
    Visit("conversation in Chinese", "member", "/posts/{conversation}", language="zh-CN"),
    Visit("front page on a phone", "visitor", "/", width=PHONE_WIDTH),
    Visit("conversation on a phone", "visitor", "/posts/{conversation}", width=PHONE_WIDTH),
    Visit("conversation on a phone", "member", "/posts/{conversation}", width=PHONE_WIDTH),
    # The dark colour scheme has colours of its own: a page of each kind of content.
    *(
        Visit(f"{name} in the dark", role, path, status, then, scheme="dark")
        for name, role, path, status, then in [
            ("front page", "visitor", "/", 200, None),
            ("post history", "visitor", "/posts/{conversation}/history", 200, None),
            ("profile with avatar", "visitor", f"/u/{ADMIN}", 200, None),
            ("search posts", "visitor", "/search?q=recursion", 200, None),
            ("registration refused", "visitor", "/register", 200, refused_registration),
            ("not found", "visitor", "/no-such-page", 404, None),
            ("comment preview", "member", "/posts/{conversation}", 200, preview_a_comment),
            ("notifications", "member", "/notifications", 200, None),
            ("settings saved", "member", "/settings/notifications", 200, saved_settings),
            ("moderation queue", "moderator", "/moderation/", 200, None),
            ("ban confirmation", "admin", "/admin/users", 200, ban_confirmation),
        ]
    ),
]


@dataclass
class SeededForum:
    live: LiveForum
    ids: Seeded


@pytest.fixture(scope="module")
def every_page_forum(
    browser: t.Any, migrated_forum_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> t.Iterator[SeededForum]:
    """The seeded forum, served for the module (after ``browser``, which skips without one)."""
    folder = tmp_path_factory.mktemp("accessibility")
    shutil.copy(migrated_forum_database, folder / "bbs.sqlite3")
    # Without the notification stream, which would hold one of the server's threads for as
    # long as each member's page stays open (the badge polls instead; its markup is the same).
    app = forum_app(
        folder / "bbs.sqlite3",
        folder / "instance",
        POSTS_PER_PAGE=POSTS_PER_PAGE,
        NOTIFICATIONS_STREAM=False,
    )
    with serve(app) as live:
        yield SeededForum(live, seed(live))


@pytest.fixture(scope="module")
def contexts(browser: t.Any, every_page_forum: SeededForum) -> t.Iterator[t.Any]:
    """``contexts(visit)``: a browser context for the visit's role, language and width, made
    (and logged in) the first time it is asked for."""
    made: dict[tuple[str, str | None, int, str], t.Any] = {}

    def context_for(visit: Visit) -> t.Any:
        key = (visit.role, visit.language, visit.width, visit.scheme)
        if key not in made:
            context = browser.new_context(
                viewport={"width": visit.width, "height": 800}, color_scheme=visit.scheme
            )
            context.set_default_timeout(TIMEOUT_MS)
            if visit.role != "visitor":
                page = context.new_page()
                log_in(page, every_page_forum.live.url, ACCOUNTS[visit.role])
                assert logged_in_name(page) == ACCOUNTS[visit.role]
                page.close()
            if visit.language:  # after logging in, whose steps read the English labels
                context.set_extra_http_headers({"Accept-Language": visit.language})
            made[key] = context
        return made[key]

    yield context_for
    for context in made.values():
        context.close()


def describe(violations: list[dict[str, t.Any]]) -> str:
    """What a developer needs to fix each violation: the rule, its impact, what it asks for,
    and the elements that break it."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"  {' '.join(map(str, node['target']))}  {node['html'][:160]}")
            # What axe measured: the colours and their contrast, the missing name, …
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.strip()}" for line in summary.splitlines()[1:])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe() -> t.Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize(
    "visit",
    VISITS,
    ids=[f"{visit.role}-{visit.name.replace(' ', '-')}" for visit in VISITS],
)
def test_no_serious_accessibility_violations(
    visit: Visit, every_page_forum: SeededForum, contexts: t.Any, axe: t.Any
) -> None:
    page = contexts(visit).new_page()
    try:
        path = visit.path.format(**vars(every_page_forum.ids))
        response = page.goto(f"{every_page_forum.live.url}{path}")
        assert response is not None and response.status == visit.status, path
        if visit.role != "visitor":
            assert logged_in_name(page) == ACCOUNTS[visit.role]
        if visit.language:  # the page is in that language (zh-CN's is zh-Hans)
            assert (page.locator("html").get_attribute("lang") or "")[:2] == visit.language[:2]
        if visit.then:
            visit.then(page)
        for selector in visit.shows:
            assert page.locator(selector).count(), f"{path} shows no {selector}"
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]},
        )
        found = results.response["violations"]
        blocking = [violation for violation in found if violation["impact"] in BLOCKING]
        assert not blocking, f"{page.url}\n{describe(blocking)}"
        if found:  # moderate and minor ones: shown in the warnings summary, not failing
            warnings.warn(f"axe on {page.url}\n{describe(found)}", stacklevel=1)
    finally:
        page.close()
