"""Logging users in and out, ``current_user``, and the decorators that protect views."""

from __future__ import annotations

import inspect
import typing as t
import weakref
from datetime import timedelta
from functools import wraps

from ...globals import _app_ctx_stack, _request_ctx_stack, current_app, g, request, session
from ...local import LocalProxy
from .config import EXEMPT_METHODS
from .remember import cookie_name, decode_remember_cookie
from .signals import user_logged_in, user_logged_out, user_login_confirmed

if t.TYPE_CHECKING:
    from ...app import Flagon
    from .manager import LoginManager

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_MISSING = object()
_ALLOWED = object()

#: The user of the current request: the logged-in user, else the manager's anonymous user
#: (``None`` outside a request). Loaded on first use and kept for the rest of the request.
current_user: t.Any = LocalProxy(lambda: _get_user())


def _manager(app: Flagon) -> LoginManager:
    try:
        return app.login_manager  # type: ignore[attr-defined]
    except AttributeError:
        raise RuntimeError(
            "No LoginManager is set up for this application. Create one with"
            " 'LoginManager(app)' or call 'login_manager.init_app(app)'."
        ) from None


def _get_user() -> t.Any:
    """The current request's user, loading it the first time it is asked for."""
    ctx = _request_ctx_stack.top
    if ctx is None:
        return None
    app_ctx = _app_ctx_stack.top
    assert app_ctx is not None  # a request context always has an app context under it
    state = app_ctx.g
    user = getattr(state, "_login_user", _MISSING)
    if user is not _MISSING:
        # ``g`` outlives the request when the app context was pushed around several requests
        # (common in test suites): a user cached for another request must not be reused.
        owner = getattr(state, "_login_request", None)
        if owner is None or owner() is ctx:
            return user
    _manager(ctx.app)._load_user()
    return state._login_user


def cache_user(user: t.Any) -> None:
    """Make ``user`` the current user for the rest of this request (in ``g._login_user``)."""
    app_ctx, ctx = _app_ctx_stack.top, _request_ctx_stack.top
    assert app_ctx is not None, "cache_user needs a request"
    state = app_ctx.g
    state._login_user = user
    state._login_request = weakref.ref(ctx)


def _discard(*keys: str) -> None:
    for key in keys:
        if key in session:
            del session[key]


def set_remember_operation(operation: str, in_session: bool = True) -> None:
    """Ask the after-request hook to ``"set"`` or ``"clear"`` the remember cookie.

    Kept on ``g`` as well as in the session's ``_remember`` key, so that an app calling
    ``session.clear()`` after ``logout_user()`` still gets its remember cookie deleted.
    """
    g._login_remember = operation
    if in_session:
        session["_remember"] = operation


def remember_operation() -> str | None:
    """The remember-cookie change this request asked for, if any."""
    operation = g.get("_login_remember")
    if operation is None:
        operation = session.get("_remember")
    return operation


def login_user(
    user: t.Any,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool:
    """Log ``user`` in for this session; False (and nothing done) if the user is inactive.

    With ``remember``, a remember cookie (lasting ``duration`` or ``REMEMBER_COOKIE_DURATION``)
    keeps them logged in after the browser session ends; without it, a remember cookie left by
    an earlier login is deleted. ``force`` logs in inactive users; ``fresh=False`` marks the
    login as not fresh.
    """
    if not force and not user.is_active:
        return False
    seconds = None
    if remember and duration is not None:
        try:
            seconds = duration.total_seconds()
        except AttributeError:
            message = f"duration must be a datetime.timedelta, instead got: {duration}"
            raise TypeError(message) from None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    manager = _manager(app)
    session["_user_id"] = getattr(user, manager.id_attribute)()
    session["_fresh"] = fresh
    session["_id"] = manager._session_identifier_generator()
    if remember:
        if seconds is None:
            _discard("_remember_seconds")
        else:
            session["_remember_seconds"] = seconds
        set_remember_operation("set")
    elif cookie_name(app) in request.cookies:
        # Another account's remember cookie would log that account back in later.
        _discard("_remember_seconds")
        set_remember_operation("clear")
    manager._update_request_context_with_user(user)
    user_logged_in.send(app, user=_get_user())
    return True


def logout_user() -> bool:
    """Log the current user out and delete their remember cookie."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user = _get_user()
    _discard("_user_id", "_fresh", "_id", "_remember_seconds")
    set_remember_operation("clear")
    user_logged_out.send(app, user=user)
    _manager(app)._update_request_context_with_user()
    return True


def confirm_login() -> None:
    """Mark the session fresh again, after the user re-entered their password."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session["_fresh"] = True
    session["_id"] = _manager(app)._session_identifier_generator()
    user_login_confirmed.send(app)


def login_fresh() -> bool:
    """Whether the login was made in this session (not restored from a remember cookie)."""
    return session.get("_fresh", False)


def login_remembered() -> bool:
    """Whether the login is remembered across browser sessions by a remember cookie."""
    operation = remember_operation()
    if operation is not None:
        return operation == "set"
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    value = request.cookies.get(cookie_name(app))
    return value is not None and decode_remember_cookie(app, value) is not None


def _gate(fresh: bool) -> t.Any:
    """``_ALLOWED``, or the response that replaces the view for this visitor."""
    if request.method in EXEMPT_METHODS or current_app.config.get("LOGIN_DISABLED"):
        return _ALLOWED
    if not current_user.is_authenticated:
        return _manager(current_app).unauthorized()
    if fresh and not login_fresh():
        return _manager(current_app).needs_refresh()
    return _ALLOWED


def _protect(func: F, fresh: bool) -> F:
    if inspect.iscoroutinefunction(func):

        @wraps(func)
        async def async_view(*args: t.Any, **kwargs: t.Any) -> t.Any:
            refusal = _gate(fresh)
            if refusal is not _ALLOWED:
                return refusal
            return await func(*args, **kwargs)

        return async_view  # type: ignore[return-value]

    @wraps(func)
    def view(*args: t.Any, **kwargs: t.Any) -> t.Any:
        refusal = _gate(fresh)
        if refusal is not _ALLOWED:
            return refusal
        return func(*args, **kwargs)

    return view  # type: ignore[return-value]


def login_required(func: F) -> F:
    """Let only logged-in users reach the view; others get ``LoginManager.unauthorized()``.

    ``OPTIONS`` requests (CORS preflight) pass, and ``LOGIN_DISABLED`` turns the check off.
    Works on ``async def`` views.
    """
    return _protect(func, fresh=False)


def fresh_login_required(func: F) -> F:
    """Like :func:`login_required`, and a login restored from a remember cookie gets
    ``LoginManager.needs_refresh()``: for sensitive pages such as changing the password."""
    return _protect(func, fresh=True)
