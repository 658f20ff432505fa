"""Fixtures for the forum: an app on a migrated temporary SQLite database, clients, users."""

from __future__ import annotations

import shutil
import typing as t

import pytest
from bbs_helpers import forum_config, make_user

from bbs import create_app, migrate
from bbs.db import db
from bbs.models import ADMIN


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> t.Any:
    """A database file migrated once with Alembic; each test gets a copy."""
    folder = tmp_path_factory.mktemp("bbs-migrated")
    app = create_app(forum_config(folder / "bbs.sqlite3"), instance_path=str(folder))
    migrate.upgrade(app)
    with app.app_context():
        db.engine.dispose()  # closing the last connection folds the WAL into the file
    return folder / "bbs.sqlite3"


@pytest.fixture
def make_app(migrated_database: t.Any, tmp_path: t.Any) -> t.Iterator[t.Callable[..., t.Any]]:
    """``make_app(**config)``: a forum app with extra settings, on a fresh migrated database."""
    apps = []

    def make(**overrides: t.Any) -> t.Any:
        database = tmp_path / f"bbs-{len(apps)}.sqlite3"
        shutil.copy(migrated_database, database)
        app = create_app(forum_config(database, **overrides),
                         instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


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
