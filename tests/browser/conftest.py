"""Fixtures for the browser tests: the forum served by waitress, and Debian's Chromium driven by
Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (or ``$CHROMIUM``)
once per test module, and each test gets a new browser context (its own cookies and cache).
Without Chromium or the ``playwright`` package the tests are skipped, unless
``FLAGON_REQUIRE_INTEGRATION=1`` (set in CI) turns the skip into a failure. When a test fails,
a screenshot of its page is saved in ``test-artifacts/``."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from chromium import CHROMIUM, TIMEOUT_MS, launch
from live_forum import LiveForum, forum_app, serve, serve_asgi

from bbs import migrate
from bbs.db import db

ARTIFACTS = "test-artifacts"


def _unavailable(reason: str) -> t.NoReturn:
    if os.environ.get("FLAGON_REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"FLAGON_REQUIRE_INTEGRATION=1 but {reason}")
    pytest.skip(reason)


# -- the forum, served for real -----------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_forum_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated once with Alembic; each test serves a copy."""
    folder = tmp_path_factory.mktemp("browser-forum")
    app = forum_app(folder / "bbs.sqlite3", folder / "instance")
    migrate.upgrade(app)
    with app.app_context():
        db.engine.dispose()  # closing the last connection folds the WAL into the file
    return folder / "bbs.sqlite3"


@pytest.fixture
def forum(migrated_forum_database: Path, tmp_path: Path) -> t.Iterator[LiveForum]:
    """A forum on a fresh migrated SQLite database, served by waitress in a thread."""
    database = tmp_path / "bbs.sqlite3"
    shutil.copy(migrated_forum_database, database)
    with serve(forum_app(database, tmp_path / "instance")) as forum:
        yield forum


@pytest.fixture
def asgi_forum(migrated_forum_database: Path, tmp_path: Path) -> t.Iterator[LiveForum]:
    """The same, served over ASGI by uvicorn in a thread."""
    database = tmp_path / "bbs.sqlite3"
    shutil.copy(migrated_forum_database, database)
    with serve_asgi(forum_app(database, tmp_path / "instance")) as forum:
        yield forum


# -- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> t.Iterator[t.Any]:
    """Chromium driven by Playwright's sync API, once both are known to be there."""
    if importlib.util.find_spec("playwright") is None:
        _unavailable("playwright is not installed (pip install -e '.[browser]')")
    if shutil.which(CHROMIUM) is None:
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@dataclass
class BrowserLog:
    """What the page said on its console, the script errors it raised, and the responses
    with a 5xx status it received."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]

    def assert_clean(self) -> None:
        """Nothing was blocked by the Content-Security-Policy, no script failed, no 5xx."""
        assert self.csp_violations == []
        assert self.page_errors == []
        assert self.server_errors == []


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(
    browser: t.Any, browser_log: BrowserLog, request: pytest.FixtureRequest
) -> t.Iterator[t.Any]:
    """A page in a new browser context (no cookies, no cache); screenshotted if the test
    fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on(
        "console", lambda message: browser_log.console.append(f"{message.type}: {message.text}")
    )
    page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))

    def record_server_error(response: t.Any) -> None:
        if response.status >= 500:
            browser_log.server_errors.append(
                f"{response.status} {response.request.method} {response.url}"
            )

    page.on("response", record_server_error)
    try:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            folder = request.config.rootpath / ARTIFACTS
            folder.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> t.Any:
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
