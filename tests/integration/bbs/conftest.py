"""Fixtures for the forum on real parts: a PostgreSQL cluster set up the way deploy/ says, and
a migrated SQLite database. The servers' own fixtures live with the tests that use them."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest
from forum_servers import (
    DEPLOY,
    PostgresCluster,
    flagon_db_upgrade,
    new_cluster_folder,
    postgres_bin_dir,
)
from live_servers import free_port

OWNER, OWNER_PASSWORD = "bbs_owner", "owner's password"
APP, APP_PASSWORD = "bbs_app", "the app's password"
DATABASE = "bbs"


@dataclass
class ForumDatabase:
    cluster: PostgresCluster
    owner_url: str
    app_url: str


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[ForumDatabase]:
    """A throwaway cluster with the forum's database made by deploy/postgresql.sql and
    migrated by ``flagon --app bbs db upgrade`` as the owner role."""
    cluster = PostgresCluster(postgres_bin_dir(), new_cluster_folder(), free_port())
    try:
        cluster.start()
        cluster.psql(
            "--set",
            f"owner_password={OWNER_PASSWORD}",
            "--set",
            f"app_password={APP_PASSWORD}",
            "--file",
            str(DEPLOY / "postgresql.sql"),
        )
        database = ForumDatabase(
            cluster,
            owner_url=cluster.url(OWNER, OWNER_PASSWORD, DATABASE),
            app_url=cluster.url(APP, APP_PASSWORD, DATABASE),
        )
        flagon_db_upgrade(tmp_path_factory.mktemp("bbs-owner"), database.owner_url)
        yield database
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database file (the forum's default), new for each test module."""
    folder: Path = tmp_path_factory.mktemp("bbs-sqlite")
    url = f"sqlite:///{folder / 'bbs.sqlite3'}"
    flagon_db_upgrade(folder, url)
    return url
