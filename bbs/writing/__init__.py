"""Writing tools for posts and comments: uploading pictures, and drafts kept on the server."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("writing", __name__)

from . import drafts, images  # noqa: E402,F401  (the views register themselves on bp)
