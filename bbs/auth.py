"""Who is logged in: the login manager, the user loader, logins kept server-side, and role
checks for views.

Every login is a row in ``login_sessions`` (:class:`bbs.models.LoginSession`). The session
cookie and the remember cookie carry a random token naming that row, not the user's id, so
deleting the row ends the login wherever the cookies were copied to: logging out deletes its
own row; a new password, "log out everywhere" and a ban delete all of the user's rows. A login
lasts at most ``REMEMBER_COOKIE_DURATION``. Logging in and out also renews the session's CSRF
secret, so tokens handed out before stop working.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import typing as t

from sqlalchemy import delete, exists, insert, literal, select, update
from sqlalchemy.orm import undefer

from flagon import abort, current_app, flash, session
from flagon.ext.login import (
    AnonymousUserMixin,
    LoginManager,
    current_user,
    logout_user,
    user_logged_in,
    user_logged_out,
)

from .db import db
from .i18n import N_, gettext
from .models import ROLES, EndedLogin, LoginSession, MemberWarning, User, UTCDateTime, utcnow

if t.TYPE_CHECKING:
    from flagon import Flagon

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
_TOKEN = re.compile(r"[0-9a-f]{64}\Z")


class Anonymous(AnonymousUserMixin):
    """A visitor nobody is logged in to; answers the same questions as :class:`User`."""

    id = None
    username = None
    role = None
    is_admin = False
    is_moderator = False

    def has_role(self, role: str) -> bool:
        return False

    def may_edit(self, owner_id: int | None) -> bool:
        return False


login_manager = LoginManager()
login_manager.anonymous_user = Anonymous
login_manager.login_view = "accounts.login"
login_manager.login_message = N_("Please log in to see this page.")
login_manager.localize_callback = gettext
login_manager.login_message_category = "info"
# login_user() stores what this method returns: a new login's token, not the user's id.
login_manager.id_attribute = "start_login"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_valid_login() -> t.Any:
    return utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]


def open_login(user: User) -> str:
    """Record a new login of ``user`` (committed) and return its token."""
    token = secrets.token_hex(32)
    db.session.execute(delete(LoginSession).where(LoginSession.created_at < _oldest_valid_login()))
    db.session.execute(delete(EndedLogin).where(EndedLogin.ended_at < _oldest_valid_login()))
    db.session.add(LoginSession(token_hash=_token_hash(token), user_id=user.id))
    db.session.commit()
    return token


@login_manager.user_loader
def load_user(token: t.Any) -> User | None:
    """The user of the login the session or remember cookie names, if it is still open."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None  # includes sessions from before logins were kept server-side
    warned = exists().where(MemberWarning.user_id == User.id, MemberWarning.seen_at.is_(None))
    query = (
        select(User, warned)
        .options(undefer(User.locale))  # every page's language depends on it
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == _token_hash(token),
            LoginSession.created_at >= _oldest_valid_login(),
        )
    )
    row = db.session.execute(query).first()
    if row is None:
        _explain_ended_login(_token_hash(token))
        return None
    user, has_warnings = row
    if has_warnings:
        _show_warnings(user)
    return user


def _explain_ended_login(token_hash: str) -> None:
    """Tell a browser whose login a moderator ended why it was logged out (once)."""
    found = EndedLogin.token_hash == token_hash
    reason = db.session.scalar(select(EndedLogin.reason).where(found))
    if reason is None:
        return
    db.session.commit()  # a fresh transaction for the write (SQLite: no lock upgrade)
    if db.rows_changed(delete(EndedLogin).where(found)):
        for key in ("_user_id", "_fresh", "_id", "_remember_seconds"):
            session.pop(key, None)
        flash(gettext("You have been logged out. %(reason)s", reason=reason), "error")
    db.session.commit()


def _show_warnings(user: User) -> None:
    """Flash the moderators' warnings ``user`` hasn't seen yet, and mark them seen."""
    db.session.commit()  # a fresh transaction for the write (SQLite: no lock upgrade)
    reasons = db.session.scalars(
        update(MemberWarning)
        .where(MemberWarning.user_id == user.id, MemberWarning.seen_at.is_(None))
        .values(seen_at=utcnow())
        .returning(MemberWarning.reason)
    ).all()
    db.session.commit()
    for reason in reasons:
        flash(gettext("A moderator has warned you: %(reason)s", reason=reason), "warning")


def end_login() -> None:
    """End this session's login server-side (not committed): its cookies stop working."""
    token = session.get("_user_id")
    if isinstance(token, str):
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )


def end_logins(user: User, because: str | None = None) -> None:
    """End every login of ``user`` (not committed), on every device. With ``because``, each
    browser is told that on its next request (see :class:`bbs.models.EndedLogin`)."""
    if because is not None:
        ended = select(
            LoginSession.token_hash,
            LoginSession.user_id,
            literal(because),
            literal(utcnow(), UTCDateTime()),
        ).where(LoginSession.user_id == user.id)
        db.session.execute(
            insert(EndedLogin).from_select(["token_hash", "user_id", "reason", "ended_at"], ended)
        )
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def log_out() -> None:
    """Log the current user out, here and server-side: a copy of this session's cookies
    logs nobody in afterwards."""
    end_login()
    db.session.commit()
    logout_user()


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


def _new_csrf_secret(_app: t.Any, **_extra: t.Any) -> None:
    # Tokens from before a login (or a logout) must not work after it: the next form gets a
    # new secret (WTForms' session CSRF keeps it under "csrf").
    session.pop("csrf", None)


def init_app(app: Flagon) -> None:
    login_manager.init_app(app)
    user_logged_in.connect(_new_csrf_secret, app)
    user_logged_out.connect(_new_csrf_secret, app)
