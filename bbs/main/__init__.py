"""The front page: the topics with the latest activity, a page at a time."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("main", __name__)

from . import views  # noqa: E402,F401  (the views register themselves on bp)
