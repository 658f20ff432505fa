"""Render the stored HTML of existing posts again (``posts.body_html``), with the Markdown
rules of this release: headings a level down (the page's title is its only <h1>), and images
from other sites shown as links (pages load images from this site only).

No schema change. Downgrading leaves the HTML as it is: the older code shows it just as well.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bbs.markdown import render

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    posts = sa.table(
        "posts",
        sa.column("id", sa.Integer),
        sa.column("body_markdown", sa.Text),
        sa.column("body_html", sa.Text),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(posts.c.id, posts.c.body_markdown, posts.c.body_html)
            .where(posts.c.id > last_id)
            .order_by(posts.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for post_id, markdown, html in rows:
            fresh = str(render(markdown or ""))
            if fresh != html:
                connection.execute(
                    posts.update().where(posts.c.id == post_id).values(body_html=fresh)
                )
        last_id = rows[-1].id


def downgrade() -> None:
    pass
