"""Alembic migrations: the schema is created by them (never by the app) and matches the models."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bbs import create_app, migrate
from bbs.db import db
from bbs.models import Base, Post

TABLES = {"users", "avatars", "posts", "comments", "likes", "follows", "login_failures"}


def _empty_app(tmp_path):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3"},
        instance_path=str(tmp_path),
    )


def _tables(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_the_app_never_creates_tables_itself(tmp_path):
    app = _empty_app(tmp_path)
    app.test_client().get("/static/bbs.css")
    assert _tables(app) == set()


def test_upgrade_creates_the_schema_and_downgrade_removes_it(tmp_path):
    app = _empty_app(tmp_path)
    assert migrate.current_revision(app) is None
    migrate.upgrade(app)
    assert migrate.current_revision(app) == migrate.head_revision()
    assert TABLES <= _tables(app)
    assert "posts_fts" in _tables(app)
    migrate.downgrade(app, "base")
    assert _tables(app) == {"alembic_version"}


def test_the_models_match_the_migrations(app):
    options = {"include_name": migrate.include_name, "compare_type": True}
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts=options), Base.metadata
        )
    assert differences == []


def test_db_commands(tmp_path):
    app = _empty_app(tmp_path)
    runner = app.test_cli_runner()
    assert "database is empty" in runner.invoke(args=["db", "current"]).output
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {migrate.head_revision()}" in result.output
    current = runner.invoke(args=["db", "current"]).output
    assert current == f"{migrate.head_revision()} (head)\n"
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0 and "base (empty)" in result.output


def test_the_flagon_command_runs_the_migrations(tmp_path):
    environment = dict(
        os.environ,
        BBS_INSTANCE_PATH=str(tmp_path),
        BBS_DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite3",
        FLAGON_SKIP_DOTENV="1",
    )
    flagon = os.path.join(os.path.dirname(sys.executable), "flagon")
    result = subprocess.run(
        [flagon, "--app", "bbs", "db", "upgrade"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.sqlite3").exists()
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}, instance_path=str(tmp_path)
    )
    assert TABLES <= _tables(app)


def test_each_downgrade_keeps_the_rows_of_the_tables_it_keeps(tmp_path):
    from bbs_helpers import make_user
    from sqlalchemy import func, select, text

    from bbs.models import Post

    app = _empty_app(tmp_path)
    migrate.upgrade(app)
    author = make_user(app, "ada")
    with app.app_context():
        db.session.add(Post(author_id=author.id, title="kept", body_markdown="kept"))
        db.session.commit()
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    for revision in script.walk_revisions():
        if revision.down_revision is None:
            break
        migrate.downgrade(app, revision.down_revision)
        with app.app_context():
            users = db.session.execute(text("SELECT count(*) FROM users")).scalar()
            posts = db.session.scalar(select(func.count()).select_from(Post.__table__))
        assert (users, posts) == (1, 1), revision.revision


def _old_user(app, username, email=None):
    """Add an account with the columns every revision since 0005 has; returns its id."""
    from sqlalchemy import text

    from bbs.models import utcnow
    from bbs.names import username_key, username_skeleton

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (username, username_key, username_skeleton, email,"
                " password_hash, role, banned, remember_token, blog, github, phone, qq, bio,"
                " created_at) VALUES (:name, :key, :skeleton, :email, 'x', 'member', :no,"
                " 'r', '', '', '', '', '', :now)"
            ),
            {
                "name": username,
                "key": username_key(username),
                "skeleton": username_skeleton(username),
                "email": email or f"{username}@example.com",
                "no": False,
                "now": utcnow().replace(tzinfo=None),
            },
        )
        user_id = db.session.execute(
            text("SELECT id FROM users WHERE username = :name"), {"name": username}
        ).scalar()
        db.session.commit()
    return user_id


def _old_post(app, author_id, **values):
    """A post written as the code before 0010 wrote it (the columns it knew)."""
    from sqlalchemy import column, table

    from bbs.models import utcnow

    row = {"title": "Old", "body_markdown": "", "body_html": "", "created_at": utcnow()}
    row.update(like_count=0, comment_count=0)
    row.update(values, author_id=author_id)
    row.setdefault("updated_at", row["created_at"])
    with app.app_context():
        posts = table(
            "posts", *(column(name, Post.__table__.c[name].type) for name in ["id", *row])
        )
        statement = posts.insert().values(row).returning(posts.c.id)
        post_id = db.session.execute(statement).scalar_one()
        db.session.commit()
        return post_id


def test_0006_renders_existing_posts_again(tmp_path):
    from sqlalchemy import select

    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0005")
    author_id = _old_user(app, "ada")
    post_id = _old_post(
        app,
        author_id,
        body_html="<h1>Big</h1>",
        body_markdown="# Big\n\n![chart](https://example.com/chart.png)",
    )
    migrate.upgrade(app)
    with app.app_context():
        html = db.session.scalar(select(Post.body_html).where(Post.id == post_id))
    assert html == (
        '<h2>Big</h2>\n<p><a href="https://example.com/chart.png" '
        'rel="nofollow noopener">chart</a></p>\n'
    )


def test_0007_keeps_accounts_sharing_an_address_and_makes_addresses_unique(tmp_path):
    from bbs_helpers import make_user
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from bbs.models import User

    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0006")
    first = _old_user(app, "ada", "Ada@Example.com")
    second = _old_user(app, "bob", "ada@example.COM ")
    third = _old_user(app, "cy", "cy@example.com")
    migrate.upgrade(app, "0007")
    with app.app_context():
        rows = db.session.execute(
            select(User.id, User.email, User.email_key, User.email_verified_at).order_by(User.id)
        ).all()
    assert rows == [
        (first, "Ada@Example.com", "ada@example.com", None),
        (second, "ada@example.COM ", f"ada@example.com#{second}", None),
        (third, "cy@example.com", "cy@example.com", None),
    ]
    try:
        make_user(app, "dora", email="CY@example.com")
    except IntegrityError:
        pass
    else:
        raise AssertionError("a second account got a taken address")


def test_0009_allows_moderators_and_its_downgrade_makes_them_members(tmp_path):
    import pytest
    from bbs_helpers import make_user
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from bbs.models import MODERATOR, Post

    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0008")
    with pytest.raises(IntegrityError):
        make_user(app, "early", role=MODERATOR)
    migrate.upgrade(app)
    moderator = make_user(app, "mod", role=MODERATOR)
    with app.app_context():
        db.session.add(Post(author_id=moderator.id, title="kept", body_markdown="kept"))
        db.session.commit()
    with pytest.raises(IntegrityError):
        make_user(app, "boss", role="owner")
    migrate.downgrade(app, "0008")
    with app.app_context():
        role = db.session.execute(text("SELECT role FROM users")).scalar()
        posts = db.session.execute(text("SELECT count(*) FROM posts")).scalar()
    assert (role, posts) == ("member", 1)
    with pytest.raises(IntegrityError):
        make_user(app, "again", role=MODERATOR)


def test_0010_puts_existing_posts_in_general_sorted_by_their_last_comment(tmp_path):
    from datetime import timedelta

    from bbs_helpers import make_user
    from sqlalchemy import select

    from bbs.models import Category, Comment, utcnow

    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0009")
    author = make_user(app, "ada")
    long_ago = utcnow() - timedelta(days=30)
    quiet = _old_post(app, author.id, created_at=long_ago)
    busy = _old_post(app, author.id, created_at=long_ago)
    with app.app_context():
        comments = Comment.__table__
        for days in (20, 10):
            db.session.execute(
                comments.insert().values(
                    post_id=busy,
                    author_id=author.id,
                    body="hi",
                    created_at=long_ago + timedelta(days=days),
                )
            )
        db.session.commit()
    migrate.upgrade(app)
    with app.app_context():
        general = db.session.scalars(select(Category)).one()
        rows = {post.id: post for post in db.session.scalars(select(Post).order_by(Post.id))}
    assert (general.name, general.slug) == ("General", "general")
    assert {post.category_id for post in rows.values()} == {general.id}
    assert rows[quiet].last_activity_at == long_ago
    assert rows[busy].last_activity_at == long_ago + timedelta(days=20)
    assert not rows[busy].pinned and not rows[busy].locked


def test_0012_adds_an_empty_locale_to_existing_members_and_its_downgrade_drops_it(tmp_path):
    from sqlalchemy import text

    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0011")
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (username, username_key, username_skeleton, email, email_key,"
                " password_hash, role, banned, remember_token, blog, github, phone, qq, bio,"
                " created_at) VALUES ('ada', 'ada', 'ada', 'a@example.com', 'a@example.com',"
                " 'x', 'member', 0, 't', '', '', '', '', '', '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
    migrate.upgrade(app, "0012")
    with app.app_context():
        assert db.session.execute(text("SELECT username, locale FROM users")).all() == [("ada", "")]
    migrate.downgrade(app, "0011")
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        kept = db.session.execute(text("SELECT username FROM users")).scalars().all()
    assert "locale" not in columns and kept == ["ada"]


def test_0013_adds_the_notification_tables_and_its_downgrade_drops_only_them(tmp_path):
    app = _empty_app(tmp_path)
    migrate.upgrade(app, "0012")
    before = _tables(app)
    migrate.upgrade(app, "0013")
    assert _tables(app) - before == {"notifications", "notification_preferences"}
    migrate.downgrade(app, "0012")
    assert _tables(app) == before
