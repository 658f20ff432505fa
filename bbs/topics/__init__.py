"""Topics: categories and tags of posts, pinned and locked posts, and what members have read.

The blueprint serves the category and tag pages, the categories' stylesheet, moderators' pin
and lock actions, and the jump to a post's first unread comment.
"""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("topics", __name__)

from . import views  # noqa: E402,F401  (the views register themselves on bp)
