"""The admin pages: delete posts and comments, ban and unban members, change roles, arrange
the categories.

Every route of the blueprint is for admins only (checked before any of its views runs), and
everything that changes something is a POST with a CSRF token.
"""

from __future__ import annotations

from flagon import Blueprint, abort
from flagon.ext.login import current_user

from ..auth import login_manager
from ..models import ADMIN

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(ADMIN):
        abort(403)
    return None


from . import categories, views  # noqa: E402,F401  (the views register themselves on bp)
