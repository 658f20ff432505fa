"""Beyond the original forum: likes, follows and the "following" timeline, Atom feeds, search."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("social", __name__)

from . import feeds, follows, likes, search  # noqa: E402,F401  (views register themselves on bp)
