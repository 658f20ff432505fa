"""Posts and their comments: writing, reading, editing and deleting them (B3, B4)."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("posts", __name__)

from . import views  # noqa: E402,F401  (the views register themselves on bp)
from . import edits  # noqa: E402,F401
