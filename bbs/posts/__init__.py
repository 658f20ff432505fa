"""Posts and their comments: writing, reading, editing and deleting them (B3, B4)."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("posts", __name__)

from . import (  # noqa: E402  (the views need bp)
    edits,  # noqa: F401
    live,  # noqa: F401
    views,  # noqa: F401  (the views register themselves on bp)
)
