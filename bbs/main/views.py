"""The front page."""

from __future__ import annotations

from flagon import current_app, send_from_directory

from ..topics import categories
from ..topics.listing import page_of, render_topics, topics
from . import bp


@bp.get("/")
def index():
    """Every topic, pinned ones first, then by last activity (see :mod:`bbs.topics`)."""
    page = page_of(topics())
    return render_topics("main/index.html", page, categories=categories.ordered())


# Browsers ask for /favicon.ico on every site, whatever the page links: a week in their cache.
FAVICON_MAX_AGE = 7 * 24 * 3600


@bp.get("/favicon.ico")
def favicon():
    folder = current_app.static_folder
    assert folder is not None  # the forum ships its static folder
    return send_from_directory(
        folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )
