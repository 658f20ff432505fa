"""The moderation blueprints: ``bp`` (under ``/moderation``) for moderators and admins,
checked before any of its views runs, and ``members`` for what every member can do."""

from __future__ import annotations

from flagon import Blueprint, abort
from flagon.ext.login import current_user

from ..auth import login_manager

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
members = Blueprint("safety", __name__)


@bp.before_request
def _moderators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_moderator:
        abort(403)
    return None
