"""Fixtures for the forum: an app on a migrated temporary SQLite database, clients, users.

With ``BBS_TEST_DATABASE_URL`` set (tests/integration/bbs does it), the apps use that already
migrated database instead, emptied before each test through ``BBS_TEST_OWNER_DATABASE_URL``
(a role allowed to truncate; the same URL when unset). Tests marked ``sqlite_only`` are skipped.
"""

from __future__ import annotations

import os
import shutil
import typing as t

import pytest
from bbs_helpers import forum_config, make_user
from jinja2 import FileSystemBytecodeCache

from bbs import create_app, migrate
from bbs.db import db
from bbs.models import ADMIN
from flagon.testing import FlagonClient

SHARED_DATABASE_URL = os.environ.get("BBS_TEST_DATABASE_URL")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: needs the forum on SQLite")
    config.addinivalue_line(
        "markers",
        "both_protocols: runs each test over WSGI and over ASGI (the test client then sends "
        "every request as an ASGI server would)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # On PostgreSQL (the suite's second run) over WSGI only: the database is what it checks.
    if metafunc.definition.get_closest_marker("both_protocols") and not SHARED_DATABASE_URL:
        metafunc.parametrize("protocol", ["wsgi", "asgi"], indirect=True)


@pytest.fixture(autouse=True)
def protocol(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the test client calls the forum: WSGI, or ASGI for modules marked both_protocols."""
    name = getattr(request, "param", "wsgi")
    if name == "asgi":
        monkeypatch.setattr(FlagonClient, "asgi", True)
    return name


def pytest_runtest_setup(item: pytest.Item) -> None:
    if SHARED_DATABASE_URL and item.get_closest_marker("sqlite_only"):
        pytest.skip("SQLite only; this run uses BBS_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def shared_database() -> t.Iterator[t.Callable[[], None] | None]:
    """With BBS_TEST_DATABASE_URL: a function emptying every table of that database."""
    if not SHARED_DATABASE_URL:
        yield None
        return
    from sqlalchemy import text

    from bbs.db import make_engine
    from bbs.models import Base

    engine = make_engine(os.environ.get("BBS_TEST_OWNER_DATABASE_URL", SHARED_DATABASE_URL))
    # What the migrations put in the tables (the first category), read before any test runs:
    # each test starts from it, as one on a freshly migrated SQLite copy does.
    # Only the migration's own row (the first category): other tests may have used the database.
    categories = Base.metadata.tables["categories"]
    with engine.connect() as connection:
        first = (
            connection.execute(categories.select().order_by(categories.c.id).limit(1))
            .mappings()
            .all()
        )
    seeded = {categories: [dict(row) for row in first]} if first else {}
    # Rows are deleted, dependents first, rather than truncated: a TRUNCATE of every table
    # costs tens of milliseconds, over a thousand tests. Then the ids start again from 1.
    emptied = "; ".join(
        f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)
    )

    def empty() -> None:
        with engine.begin() as connection:
            # A connection some test left open must fail the run, not hang it.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql(emptied)
            connection.exec_driver_sql(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
            )
            for table, rows in seeded.items():
                connection.execute(table.insert(), rows)
                # The rows keep their ids: new ones continue after them.
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f' (SELECT max(id) FROM "{table.name}"))'
                    )
                )

    yield empty
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> t.Any:
    """A database file migrated once with Alembic; each test gets a copy."""
    if SHARED_DATABASE_URL:
        return None  # migrated by its owner beforehand
    folder = tmp_path_factory.mktemp("bbs-migrated")
    app = create_app(forum_config(folder / "bbs.sqlite3"), instance_path=str(folder))
    migrate.upgrade(app)
    with app.app_context():
        db.engine.dispose()  # closing the last connection folds the WAL into the file
    return folder / "bbs.sqlite3"


@pytest.fixture(scope="session")
def compiled_templates(tmp_path_factory: pytest.TempPathFactory) -> FileSystemBytecodeCache:
    """Jinja's compiled templates, shared by every test's app: each test makes its own app,
    which would otherwise compile the templates of every page it shows again."""
    return FileSystemBytecodeCache(str(tmp_path_factory.mktemp("bbs-templates")))


@pytest.fixture
def make_app(
    migrated_database: t.Any,
    shared_database: t.Any,
    compiled_templates: FileSystemBytecodeCache,
    tmp_path: t.Any,
) -> t.Iterator[t.Callable[..., t.Any]]:
    """``make_app(**config)``: a forum app with extra settings, on a fresh migrated database."""
    apps = []

    def make(**overrides: t.Any) -> t.Any:
        if shared_database is not None:
            shared_database()
            overrides = {"DATABASE_URL": SHARED_DATABASE_URL, **overrides}
            database = None
        else:
            database = tmp_path / f"bbs-{len(apps)}.sqlite3"
            shutil.copy(migrated_database, database)
        app = create_app(
            forum_config(database, **overrides), instance_path=str(tmp_path / "instance")
        )
        app.jinja_env.bytecode_cache = compiled_templates
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def smtp_server() -> t.Iterator[t.Any]:
    """A real SMTP server on loopback; ``smtp_server.mailbox.messages`` is what it got."""
    from mail_helpers import SMTPServer

    with SMTPServer() as server:
        yield server


@pytest.fixture
def mail_app(make_app: t.Callable[..., t.Any], smtp_server: t.Any) -> t.Any:
    """A forum app sending its mails to ``smtp_server``."""
    return make_app(**smtp_server.settings)


@pytest.fixture
def app(make_app: t.Callable[..., t.Any]) -> t.Any:
    return make_app()


@pytest.fixture
def client(app: t.Any) -> t.Any:
    return app.test_client()


@pytest.fixture
def member(app: t.Any) -> t.Any:
    return make_user(app, "ada")


@pytest.fixture
def admin(app: t.Any) -> t.Any:
    return make_user(app, "root", role=ADMIN)


@pytest.fixture
def member_client(app: t.Any, member: t.Any) -> t.Any:
    """A client logged in as the member ``ada``."""
    return app.test_client(user=member)


@pytest.fixture
def admin_client(app: t.Any, admin: t.Any) -> t.Any:
    """A client logged in as the admin ``root``."""
    return app.test_client(user=admin)
