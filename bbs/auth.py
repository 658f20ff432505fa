"""Who is logged in: the login manager, the user loader, and role checks for views.

Sessions carry a stamp derived from the user's remember token: rotating the token (password
change, "log out everywhere") ends the user's other sessions as well as their remember cookies.
"""

from __future__ import annotations

import functools
import typing as t

from flagon import abort, session
from flagon.ext.login import AnonymousUserMixin, LoginManager, current_user
from flagon.ext.login import user_loaded_from_cookie, user_logged_in, user_logged_out

from .db import db
from .models import ROLES, User

if t.TYPE_CHECKING:
    from flagon import Flagon

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
STAMP_KEY = "_bbs_stamp"


class Anonymous(AnonymousUserMixin):
    """A visitor nobody is logged in to; answers the same questions as :class:`User`."""

    id = None
    username = None
    role = None
    is_admin = False

    def has_role(self, role: str) -> bool:
        return False

    def may_edit(self, owner_id: int | None) -> bool:
        return False


login_manager = LoginManager()
login_manager.anonymous_user = Anonymous
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user whose id the session or remember cookie holds, if the session is still valid."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None:
        return None
    stamp = session.get(STAMP_KEY)
    if stamp is not None and stamp != user.session_stamp():
        return None  # the session predates a password change or "log out everywhere"
    return user


def _stamp_session(_app: t.Any, user: t.Any = None, **_extra: t.Any) -> None:
    if isinstance(user, User):
        session[STAMP_KEY] = user.session_stamp()


def _unstamp_session(_app: t.Any, **_extra: t.Any) -> None:
    session.pop(STAMP_KEY, None)


def role_required(role: str) -> t.Callable[[F], F]:
    """Let only users with ``role`` (or a higher one) through.

    Anonymous visitors are sent to the login page; logged-in users without the role get 403.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorator


def init_app(app: Flagon) -> None:
    login_manager.init_app(app)
    user_logged_in.connect(_stamp_session, app)
    user_loaded_from_cookie.connect(_stamp_session, app)
    user_logged_out.connect(_unstamp_session, app)
