"""Moderation: members report posts and comments, block and mute each other; moderators
work through the reports, warn and ban, and every action lands in the moderation log.

Two blueprints: ``bp`` (under ``/moderation``) is for moderators and admins only, checked
before any of its views runs; ``members`` holds what every logged-in member can do.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flagon import Flagon


def init_app(app: Flagon) -> None:
    """Register the moderation blueprints, their views imported here (importing the views
    only now keeps ``bbs.moderation``'s helpers free of import cycles)."""
    from . import blocks, log, queue, reports  # noqa: F401  (the views register themselves)
    from .blueprints import bp, members

    app.register_blueprint(bp)
    app.register_blueprint(members)
