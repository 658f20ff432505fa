"""Alembic's entry point: migrates the connection ``bbs.migrate`` hands over.

The migrations run through ``flagon --app bbs db upgrade``, which connects with the app's
database URL (as the database owner) and passes the connection in ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from bbs.migrate import include_name, render_item
from bbs.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Run the migrations with `flagon --app bbs db upgrade`.")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_name=include_name,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
