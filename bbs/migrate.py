"""Running the Alembic migrations in ``bbs/migrations`` against the app's database.

The app never creates tables itself: ``flagon --app bbs db upgrade``, run as the database's
owner, brings the schema to the latest revision.
"""

from __future__ import annotations

import os
import typing as t

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import db
from .models import UTCDateTime

if t.TYPE_CHECKING:
    from flagon import Flagon

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")

# Objects the migrations create by hand and the models don't describe: the SQLite full-text
# index (a virtual table and its shadow tables), the PostgreSQL search column and its index, and
# the mail queue's schema (procrastinate's, on PostgreSQL).
UNMODELLED_PREFIXES = ("posts_fts", "procrastinate_", "idx_procrastinate_")
UNMODELLED_NAMES = frozenset({"search_vector", "ix_posts_search_vector"})


def include_name(name: str | None, type_: str, parent_names: t.Any) -> bool:
    """Whether Alembic compares an object with the models (autogenerate)."""
    if name is None:
        return True
    return not name.startswith(UNMODELLED_PREFIXES) and name not in UNMODELLED_NAMES


def render_item(type_: str, obj: t.Any, autogen_context: t.Any) -> str | t.Literal[False]:
    """How autogenerate writes a model type into a migration: a UTCDateTime column is
    stored as ``sa.DateTime(timezone=True)``; the conversion is the model's business."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_config() -> Config:
    """An Alembic configuration for the forum's migrations (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def upgrade(app: Flagon, revision: str = "head") -> None:
    """Migrate ``app``'s database up to ``revision``."""
    _run(app, command.upgrade, revision)


def downgrade(app: Flagon, revision: str) -> None:
    """Migrate ``app``'s database down to ``revision`` (``base`` empties it)."""
    _run(app, command.downgrade, revision)


def make_revision(app: Flagon, message: str, autogenerate: bool = True) -> str:
    """Write a new revision file, comparing the models with the database when
    ``autogenerate``; returns its path."""
    config = alembic_config()
    head = head_revision()
    # Revisions are numbered in order (0001, 0002…), which reads better than random ids.
    number = f"{int(head) + 1:04d}" if head and head.isdigit() else None
    with app.app_context(), db.engine.begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(config, message=message, autogenerate=autogenerate, rev_id=number)
    return script.path  # type: ignore[union-attr]


def current_revision(app: Flagon) -> str | None:
    """The revision ``app``'s database is at; ``None`` before the first upgrade."""
    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision in ``bbs/migrations``."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _run(app: Flagon, operation: t.Callable[..., t.Any], revision: str) -> None:
    config = alembic_config()
    # One transaction for the whole run: a failing migration leaves the schema untouched
    # (on PostgreSQL and SQLite, whose DDL is transactional).
    with app.app_context(), db.engine.begin() as connection:
        config.attributes["connection"] = connection
        operation(config, revision)
