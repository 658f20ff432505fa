"""The forum's commands: ``flagon --app bbs db upgrade``, ``flagon --app bbs create-admin``,
``flagon --app bbs seed-demo`` (in bbs/demo.py)."""

from __future__ import annotations

import typing as t

import click
from sqlalchemy.exc import IntegrityError

from flagon import current_app
from flagon.cli import with_appcontext

from . import migrate
from .accounts.forms import normalize_username, username_problem
from .accounts.views import name_taken
from .db import db
from .forms import Email
from .models import ADMIN, User
from .passwords import hash_password, password_problem

if t.TYPE_CHECKING:
    from flagon import Flagon


@click.group("db")
def db_group() -> None:
    """Database migrations (run them as the database owner)."""


@db_group.command("upgrade")
@with_appcontext
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate the database to REVISION (the newest by default)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    migrate.upgrade(app, revision)
    click.echo(f"Database at revision {migrate.current_revision(app)}.")


@db_group.command("downgrade")
@with_appcontext
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Migrate the database back to REVISION ("base" drops every table)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    migrate.downgrade(app, revision)
    click.echo(f"Database at revision {migrate.current_revision(app) or 'base (empty)'}.")


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Show the database's revision."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    current, head = migrate.current_revision(app), migrate.head_revision()
    if current is None:
        click.echo("No revision: the database is empty. Run `flagon --app bbs db upgrade`.")
    elif current == head:
        click.echo(f"{current} (head)")
    else:
        click.echo(f"{current} (behind {head}: run `flagon --app bbs db upgrade`)")


@db_group.command("revision")
@with_appcontext
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--empty", is_flag=True, help="Don't compare the models with the database.")
def revision_command(message: str, empty: bool) -> None:
    """Write a new migration (from the differences between the models and the database)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    path = migrate.make_revision(app, message, autogenerate=not empty)
    click.echo(f"Wrote {path}; review it before running it.")


@click.command("create-admin")
@with_appcontext
@click.option("--username", prompt=True, help="The admin's username.")
@click.option("--email", prompt=True, help="The admin's email address.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The password (asked for, hidden, when not given).",
)
def create_admin_command(username: str, email: str, password: str) -> None:
    """Create an admin account."""
    username = normalize_username(username) or ""
    email = email.strip()
    problem = (
        username_problem(username)
        or (None if Email().pattern_matches(email) else "Enter a valid email address.")
        or password_problem(password, username)
    )
    if problem is None:
        problem = name_taken(username)
    if problem:
        raise click.ClickException(problem)
    db.session.add(
        User(username=username, email=email, password_hash=hash_password(password), role=ADMIN)
    )
    try:
        db.session.commit()
    except IntegrityError:
        raise click.ClickException(f"The username {username!r} is taken.") from None
    click.echo(f"Admin {username!r} created. Log in at /login.")


def init_app(app: Flagon) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_admin_command)
    from .demo import seed_demo_command  # only the command line needs it

    app.cli.add_command(seed_demo_command)
