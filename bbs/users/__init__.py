"""Profiles and avatars: ``/u/<name>``, editing a profile, uploading and serving avatars."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("users", __name__)

from . import views  # noqa: E402,F401  (the views register themselves on bp)
