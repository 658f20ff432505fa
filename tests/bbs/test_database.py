"""The database layer: connection settings, sessions per context, models and constraints."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from bbs_helpers import login, make_user, register
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bbs.db import database_url, db
from bbs.models import Avatar, Comment, Follow, Like, LoginFailure, Post, User, username_key


@pytest.mark.sqlite_only
def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_postgresql_urls_use_psycopg_3():
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.db").drivername == "sqlite"


def test_one_session_per_application_context_closed_at_teardown(app):
    with app.app_context():
        session = db.session
        assert db.session is session
        session.add(User(username="temp", email="t@example.com", password_hash="x"))
        session.flush()
    with app.app_context():
        assert db.session is not session
        # The first context ended without committing: its work was rolled back.
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def _another_writer(app):
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return "wrote"
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        connection.close()


@pytest.mark.sqlite_only
def test_requests_that_change_data_take_the_write_lock_up_front(app):
    with app.test_request_context("/", method="POST"):
        db.session.execute(select(1))
        assert _another_writer(app) == "database is locked"
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(1))
        assert _another_writer(app) == "wrote"


def test_usernames_are_unique_whatever_their_case(app):
    make_user(app, "Ada")
    with pytest.raises(IntegrityError):
        make_user(app, "aDA")
    assert username_key("ＡＤＡ") == username_key("ada")


def test_timestamps_come_back_in_utc(app, member):
    with app.app_context():
        user = db.session.get(User, member.id)
        assert user.created_at.tzinfo is not None
        assert user.created_at.utcoffset().total_seconds() == 0
        assert abs((datetime.now(UTC) - user.created_at).total_seconds()) < 60


def test_a_user_likes_a_post_once_and_never_follows_themselves(app, member, admin):
    with app.app_context():
        post = Post(author_id=member.id, title="t", body_markdown="b")
        db.session.add(post)
        db.session.commit()
        db.session.add(Like(user_id=admin.id, post_id=post.id))
        db.session.commit()
        db.session.add(Like(user_id=admin.id, post_id=post.id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Follow(follower_id=member.id, followed_id=member.id))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_deleting_a_user_deletes_what_they_wrote(app, member, admin):
    with app.app_context():
        post = Post(author_id=member.id, title="t", body_markdown="b")
        db.session.add(post)
        db.session.flush()
        db.session.add_all(
            [
                Comment(post_id=post.id, author_id=admin.id, body="nice"),
                Like(user_id=admin.id, post_id=post.id),
                Follow(follower_id=admin.id, followed_id=member.id),
                Avatar(user_id=member.id, data=b"png", mimetype="image/png", etag="e"),
            ]
        )
        db.session.commit()
        db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": member.id})
        db.session.commit()
        for model in (Post, Comment, Like, Follow, Avatar):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_sql_injection_strings_are_stored_as_text(app):
    sneaky = "'; DROP TABLE users; --"
    user = make_user(app, "bobby", bio=sneaky, blog="x' OR '1'='1")
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.bio == sneaky and stored.blog == "x' OR '1'='1"
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_roles(app, member, admin):
    assert member.has_role("member") and not member.has_role("admin") and not member.is_admin
    assert admin.has_role("member") and admin.has_role("admin") and admin.is_admin


def test_concurrent_writers_all_succeed(app):
    def visitor(number):
        client = app.test_client()
        address = {"REMOTE_ADDR": f"192.0.2.{number}"}
        statuses = [
            login(client, f"ghost{number}", "wrong password", environ_base=address).status_code
            for _ in range(3)
        ]
        statuses.append(
            register(
                client, username=f"writer{number}", email=f"writer{number}@example.com"
            ).status_code
        )
        return statuses

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(visitor, range(8)))
    assert results == [[200, 200, 200, 302]] * 8
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 8
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 24
