"""The forum on PostgreSQL, set up as deploy/ describes: migrations run by the owner role, the
app connected as a role that may change rows but never the schema, the whole forum test suite
passing against it. (tests/bbs is on sys.path through this folder's conftest.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from bbs_helpers import forum_config, make_user, submit
from forum_servers import REPO

from bbs import create_app, migrate
from bbs.db import db

pytestmark = pytest.mark.slow

TABLES = {"users", "avatars", "posts", "comments", "likes", "follows", "login_failures"}
SUITE_TIMEOUT = 600  # seconds: the whole forum suite, however much it grows


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, connect_timeout=10)


def refused(url: str, statement: str) -> bool:
    """Whether running ``statement`` as ``url``'s role fails for want of a privilege."""
    with connect(url) as connection:
        try:
            connection.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            return True
        finally:
            connection.rollback()
    return False


def test_the_owner_role_ran_the_migrations_and_owns_every_table(postgres):
    with connect(postgres.owner_url) as connection:
        owners = dict(
            connection.execute(
                "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        )
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert TABLES <= owners.keys()
    assert set(owners.values()) == {"bbs_owner"}
    assert revision == (migrate.head_revision(),)


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE intruder (id integer)",
        "CREATE TEMPORARY TABLE intruder (id integer)",
        "DROP TABLE comments",
        "ALTER TABLE users ADD COLUMN intruder integer",
        "TRUNCATE posts",
        "CREATE INDEX intruder ON posts (title)",
        "CREATE VIEW intruder AS SELECT 1",
        "CREATE FUNCTION intruder() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "CREATE SCHEMA intruder",
    ],
)
def test_the_app_role_cannot_change_the_schema(postgres, statement):
    assert refused(postgres.app_url, statement)


def test_the_app_role_has_data_rights_on_every_table_and_sequence(postgres):
    with connect(postgres.app_url) as connection:
        rights = connection.execute("""
            SELECT c.relname,
                   has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),
                   has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'),
                   has_table_privilege(c.oid, 'TRUNCATE'),
                   has_table_privilege(c.oid, 'REFERENCES'), has_table_privilege(c.oid, 'TRIGGER')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
        """).fetchall()
        sequences = connection.execute("""
            SELECT c.relname, has_sequence_privilege(c.oid, 'USAGE'),
                   has_sequence_privilege(c.oid, 'SELECT'), has_sequence_privilege(c.oid, 'UPDATE')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'S'
        """).fetchall()
    assert TABLES <= {name for name, *_ in rights}
    for name, *privileges in rights:
        assert privileges == [True] * 4 + [False] * 3, name
    assert sequences
    for name, *privileges in sequences:
        assert privileges == [True, True, False], name


def test_tables_the_owner_creates_later_get_the_same_rights(postgres):
    # What a future migration does: the default privileges cover its tables.
    with connect(postgres.owner_url) as connection:
        connection.execute("CREATE TABLE later (id serial PRIMARY KEY, note text)")
        connection.commit()
    try:
        with connect(postgres.app_url) as connection:
            connection.execute("INSERT INTO later (note) VALUES ('new rows are fine')")
            assert connection.execute("SELECT note FROM later").fetchall() == [
                ("new rows are fine",)
            ]
            connection.rollback()
        assert refused(postgres.app_url, "DROP TABLE later")
    finally:
        with connect(postgres.owner_url) as connection:
            connection.execute("DROP TABLE later")
            connection.commit()


def test_other_roles_cannot_connect(postgres):
    postgres.cluster.psql("--command", "CREATE ROLE outsider LOGIN PASSWORD 'outsider'")
    outsider = postgres.cluster.url("outsider", "outsider", "bbs")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        connect(outsider)


NUL = "\x00"


@pytest.fixture
def app_on_postgresql(postgres, tmp_path):
    """The forum as deployed, on the cluster as bbs_app, answering errors with its pages."""
    app = create_app(
        forum_config(
            None, DATABASE_URL=postgres.app_url, TESTING=False, PROPAGATE_EXCEPTIONS=False
        ),
        instance_path=str(tmp_path),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_nul_characters_get_an_answer_not_a_server_error(app_on_postgresql):
    # PostgreSQL refuses NUL in text, which SQLite stores: it must never reach a query.
    app = app_on_postgresql
    writer = make_user(app, f"nul{uuid.uuid4().hex[:8]}")
    member = app.test_client(user=writer)
    visitor = app.test_client()
    statuses = {
        "profile": visitor.get("/u/a%00b").status_code,
        "avatar": visitor.get("/avatar/a%00b").status_code,
        "search": visitor.get("/search?q=tea%00").status_code,
        "login": submit(
            visitor, "/login", {"username": f"a{NUL}b", "password": f"pass{NUL}word"}
        ).status_code,
        "post": submit(member, "/posts/new", {"title": f"a{NUL}b", "body": f"x{NUL}y"}).status_code,
        "profile edit": submit(
            member, f"/u/{writer.username}/edit", {"email": f"a{NUL}@example.com", "bio": f"b{NUL}"}
        ).status_code,
    }
    assert {what: status for what, status in statuses.items() if status >= 500} == {}


def test_the_forum_test_suite_passes_as_the_app_role(postgres, tmp_path):
    """tests/bbs, its apps connected as bbs_app; bbs_owner empties the tables between tests."""
    environment = {
        **os.environ,
        "BBS_TEST_DATABASE_URL": postgres.app_url,
        "BBS_TEST_OWNER_DATABASE_URL": postgres.owner_url,
    }
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={tmp_path / 'suite'}",
                "tests/bbs",
            ],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=SUITE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"the forum suite ran over {SUITE_TIMEOUT} s:\n{timeout.stdout}")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    # On failure, the tail of pytest's report: the failures' ends and the short summary.
    assert result.returncode == 0, f"{result.stdout[-12000:]}\n{result.stderr[-3000:]}"
    assert " passed" in summary and "skipped" in summary  # the SQLite-only tests
