"""``LoginManager``: loads each request's user, and answers visitors who may not pass."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime, timedelta
from hashlib import sha512

from ...ctx import has_app_context
from ...globals import _app_ctx_stack, _request_ctx_stack, current_app, request, session
from ...helpers import abort, flash, redirect
from .config import (
    ID_ATTRIBUTE,
    LOGIN_MESSAGE,
    LOGIN_MESSAGE_CATEGORY,
    REFRESH_MESSAGE,
    REFRESH_MESSAGE_CATEGORY,
    SESSION_KEYS,
    USE_SESSION_FOR_NEXT,
)
from .mixins import AnonymousUserMixin, remember_token_of
from .remember import (
    RememberedLogin,
    cookie_name,
    cookie_options,
    decode_remember_cookie,
    encode_remember_cookie,
    remember_duration,
    tokens_match,
)
from .signals import (
    session_protected,
    user_accessed,
    user_loaded_from_cookie,
    user_loaded_from_request,
    user_needs_refresh,
    user_unauthorized,
)
from .testing import FlagonLoginClient
from .urls import expand_login_view, is_safe_url, login_url, make_next_param
from .utils import (
    _discard,
    _get_user,
    cache_user,
    current_user,
    remember_operation,
    set_remember_operation,
)

if t.TYPE_CHECKING:
    from ...app import Flagon
    from ...wrappers import Response

_NO_LOADER = (
    "Missing user_loader or request_loader: the LoginManager cannot load users. Register one,"
    " for example:\n\n"
    "    @login_manager.user_loader\n"
    "    def load_user(user_id):\n"
    "        return User.get(user_id)  # None if there is no such user\n"
)


def create_identifier() -> str:
    """A fingerprint of the client (address and User-Agent) that session protection compares."""
    environ = request.environ
    base = f"{environ.get('REMOTE_ADDR')}|{environ.get('HTTP_USER_AGENT', '')}"
    return sha512(base.encode("utf-8", "replace")).hexdigest()


def _user_context_processor() -> dict[str, t.Any]:
    # The proxy, not the user: a template that never mentions current_user loads nobody.
    return {"current_user": current_user}


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


class LoginManager:
    """The login settings of one or more applications, attached with :meth:`init_app`.

    Register a :meth:`user_loader` (and/or a :meth:`request_loader`); set :attr:`login_view` so
    that ``login_required`` sends visitors to the login page instead of answering 401.
    """

    def __init__(self, app: Flagon | None = None, add_context_processor: bool = True) -> None:
        #: Makes the user of requests nobody is logged in to.
        self.anonymous_user: t.Callable[[], t.Any] = AnonymousUserMixin
        #: The endpoint (or URL) of the login page.
        self.login_view: str | None = None
        #: Login pages per blueprint name; ``None`` values fall back to :attr:`login_view`.
        self.blueprint_login_views: dict[str | None, str | None] = {}
        self.login_message: str | None = LOGIN_MESSAGE
        self.login_message_category = LOGIN_MESSAGE_CATEGORY
        #: The endpoint (or URL) where users confirm their password for fresh-login pages.
        self.refresh_view: str | None = None
        self.needs_refresh_message: str | None = REFRESH_MESSAGE
        self.needs_refresh_message_category = REFRESH_MESSAGE_CATEGORY
        #: ``"basic"``, ``"strong"`` or ``None``; the ``SESSION_PROTECTION`` config wins.
        self.session_protection: str | None = "basic"
        #: Translates the flashed messages (e.g. ``gettext``).
        self.localize_callback: t.Callable[[str], str] | None = None
        self.unauthorized_callback: t.Callable[[], t.Any] | None = None
        self.needs_refresh_callback: t.Callable[[], t.Any] | None = None
        #: The user method whose result is stored in the session.
        self.id_attribute = ID_ATTRIBUTE
        #: Static files are served to anonymous users without loading anybody; set True if
        #: hooks must see the real user on static requests too.
        self.load_user_for_static = False
        self._user_callback: t.Callable[[t.Any], t.Any] | None = None
        self._request_callback: t.Callable[[t.Any], t.Any] | None = None
        self._session_identifier_generator: t.Callable[[], str] = create_identifier
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(self, app: Flagon, add_context_processor: bool = True) -> None:
        """Attach to ``app`` (as ``app.login_manager``): the remember cookie is updated after
        each request, templates see ``current_user``, and ``app.test_client(user=u)`` logs in."""
        app.login_manager = self  # type: ignore[attr-defined]
        app.extensions["login_manager"] = self
        app.after_request(self._update_remember_cookie)
        if add_context_processor:
            app.context_processor(_user_context_processor)
        if app.test_client_class is None:
            app.test_client_class = FlagonLoginClient

    # -- callbacks ----------------------------------------------------------------------------

    def user_loader(self, callback: t.Callable[[t.Any], t.Any]) -> t.Callable[[t.Any], t.Any]:
        """Register ``callback(user_id)``, returning the user or ``None`` for an unknown id."""
        self._user_callback = callback
        return callback

    @property
    def user_callback(self) -> t.Callable[[t.Any], t.Any] | None:
        """The function registered with :meth:`user_loader`."""
        return self._user_callback

    def request_loader(self, callback: t.Callable[[t.Any], t.Any]) -> t.Callable[[t.Any], t.Any]:
        """Register ``callback(request)``, returning the user a request authenticates (API keys,
        tokens) or ``None``; consulted when neither session nor remember cookie names one."""
        self._request_callback = callback
        return callback

    @property
    def request_callback(self) -> t.Callable[[t.Any], t.Any] | None:
        """The function registered with :meth:`request_loader`."""
        return self._request_callback

    def unauthorized_handler(self, callback: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Register what :meth:`unauthorized` returns instead of redirecting or aborting."""
        self.unauthorized_callback = callback
        return callback

    def needs_refresh_handler(self, callback: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Register what :meth:`needs_refresh` returns instead of redirecting or aborting."""
        self.needs_refresh_callback = callback
        return callback

    @property
    def _login_disabled(self) -> bool:
        """``LOGIN_DISABLED`` of the current app (kept for Flask-Login code that reads it)."""
        if not has_app_context():
            return False
        return bool(current_app.config.get("LOGIN_DISABLED", False))

    @_login_disabled.setter
    def _login_disabled(self, value: bool) -> None:
        current_app.config["LOGIN_DISABLED"] = value

    # -- refusing visitors --------------------------------------------------------------------

    def unauthorized(self) -> t.Any:
        """The answer for a visitor who must log in: the :meth:`unauthorized_handler`'s, else a
        redirect to the login view (with ``next`` and the flashed :attr:`login_message`), else
        401. Return it from the view."""
        user_unauthorized.send(current_app._get_current_object())  # type: ignore[attr-defined]
        if self.unauthorized_callback is not None:
            return self.unauthorized_callback()
        login_view = self._login_view_for_request()
        if not login_view:
            abort(401)
        self._flash(self.login_message, self.login_message_category)
        return redirect(self._redirect_with_next(login_view))

    def needs_refresh(self) -> t.Any:
        """The answer for a user whose login is not fresh: the :meth:`needs_refresh_handler`'s,
        else a redirect to :attr:`refresh_view` (with ``next`` and a flashed message), else 401."""
        user_needs_refresh.send(current_app._get_current_object())  # type: ignore[attr-defined]
        if self.needs_refresh_callback is not None:
            return self.needs_refresh_callback()
        if not self.refresh_view:
            abort(401)
        self._flash(self.needs_refresh_message, self.needs_refresh_message_category)
        return redirect(self._redirect_with_next(self.refresh_view))

    def _login_view_for_request(self) -> str | None:
        views = self.blueprint_login_views
        for name in request.blueprints:  # innermost blueprint first
            view = views.get(name)
            if view:
                return view
        return views.get(None) or self.login_view

    def _flash(self, message: str | None, category: str) -> None:
        if not message:
            return
        if self.localize_callback is not None:
            message = self.localize_callback(message)
        flash(message, category=category)

    def _redirect_with_next(self, view: str) -> str:
        if current_app.config.get("USE_SESSION_FOR_NEXT", USE_SESSION_FOR_NEXT):
            next_value = make_next_param(expand_login_view(view), request.url)
            if is_safe_url(next_value):
                session["next"] = next_value
            return login_url(view)
        return login_url(view, next_url=request.url)

    # -- loading the user ---------------------------------------------------------------------

    def _update_request_context_with_user(self, user: t.Any = None) -> None:
        """Make ``user`` (or a new anonymous user) the current user of this request."""
        cache_user(self.anonymous_user() if user is None else user)

    def _load_user(self) -> None:
        """Find this request's user: session, then remember cookie, then request loader."""
        if not self.load_user_for_static and _is_static(request.endpoint):
            return self._update_request_context_with_user()
        if self._user_callback is None and self._request_callback is None:
            raise RuntimeError(_NO_LOADER)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if user_accessed.receivers:
            user_accessed.send(app)
        if self._session_protection_failed(app):
            return self._update_request_context_with_user()
        user = None
        user_id = session.get("_user_id")
        if user_id is not None and self._user_callback is not None:
            user = self._user_callback(user_id)
        if user is None:
            user = self._load_user_from_remember_cookie(app)
        if user is None and self._request_callback is not None:
            user = self._request_callback(request._get_current_object())  # type: ignore
            if user is not None:
                user_loaded_from_request.send(app, user=user)
        return self._update_request_context_with_user(user)

    def _session_protection_failed(self, app: Flagon) -> bool:
        """Check the session is used by the client it was made for; True if it was dropped."""
        mode = app.config.get("SESSION_PROTECTION", self.session_protection)
        if mode not in ("basic", "strong"):
            return False
        sess = session._get_current_object()  # type: ignore[attr-defined]
        if "_user_id" not in sess:  # nobody logged in: nothing to protect
            return False
        identifier = self._session_identifier_generator()
        known = sess.get("_id")
        if known is None:
            sess["_id"] = identifier
            return False
        if known == identifier:
            return False
        if mode == "basic" or sess.permanent:
            if sess.get("_fresh") is not False:
                sess["_fresh"] = False
            session_protected.send(app)
            return False
        _discard(*SESSION_KEYS)
        if cookie_name(app) in request.cookies:
            set_remember_operation("clear", in_session=False)
        session_protected.send(app)
        return True

    def _load_user_from_remember_cookie(self, app: Flagon) -> t.Any:
        value = request.cookies.get(cookie_name(app))
        if value is None or remember_operation() == "clear":
            return None
        remembered = decode_remember_cookie(app, value)
        user = self._remembered_user(remembered)
        if user is None:
            # Forged, expired, revoked or for a user who is gone: make the browser drop it.
            set_remember_operation("clear", in_session=False)
            return None
        session["_user_id"] = remembered.user_id  # type: ignore[union-attr]
        session["_fresh"] = False
        # Recording the client keeps strong session protection from logging this user out
        # on their next request.
        session["_id"] = self._session_identifier_generator()
        session["_remember_seconds"] = remembered.seconds  # type: ignore[union-attr]
        user_loaded_from_cookie.send(app, user=user)
        return user

    def _remembered_user(self, remembered: RememberedLogin | None) -> t.Any:
        """The user a valid cookie names, if the cookie's token is still the user's."""
        if remembered is None or self._user_callback is None:
            return None
        user = self._user_callback(remembered.user_id)
        if user is None or not tokens_match(remembered.token, remember_token_of(user)):
            return None
        return user

    # -- the remember cookie ------------------------------------------------------------------

    def _update_remember_cookie(self, response: Response) -> Response:
        """Set, refresh or delete the remember cookie as this request asked (after-request)."""
        ctx, app_ctx = _request_ctx_stack.top, _app_ctx_stack.top
        assert ctx is not None and app_ctx is not None  # an after-request hook runs in a request
        app = ctx.app
        operation = app_ctx.g.pop("_login_remember", None)
        sess = ctx._session  # only look if the request opened the session
        if sess is not None and "_remember" in sess:
            stored = sess.pop("_remember")
            operation = operation or stored
        if operation == "clear":
            response.delete_cookie(cookie_name(app), **cookie_options(app))
            return response
        if operation == "set":
            value = self._new_cookie_value(app)
        elif (
            app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST")
            and cookie_name(app) in request.cookies
        ):
            value = self._refreshed_cookie_value(app)
        else:
            return response
        if value is not None:
            cookie_value, seconds = value
            response.set_cookie(
                cookie_name(app),
                cookie_value,
                max_age=int(seconds),
                expires=datetime.now(UTC) + timedelta(seconds=seconds),
                **cookie_options(app),
            )
        return response

    def _new_cookie_value(self, app: Flagon) -> tuple[str, float] | None:
        user_id = session.get("_user_id")
        user = _get_user()
        if user_id is None or user is None or not user.is_authenticated:
            return None
        seconds = remember_duration(app, session.get("_remember_seconds")).total_seconds()
        return encode_remember_cookie(app, user_id, remember_token_of(user), seconds), seconds

    def _refreshed_cookie_value(self, app: Flagon) -> tuple[str, float] | None:
        # Re-signing the same token restarts the duration without loading the user; a revoked
        # token stays revoked, since it is checked whenever the cookie logs someone in.
        remembered = decode_remember_cookie(app, request.cookies[cookie_name(app)])
        user_id = session.get("_user_id")
        if remembered is None or user_id is None or remembered.user_id != user_id:
            return None
        seconds = remembered.seconds
        return encode_remember_cookie(app, user_id, remembered.token, seconds), seconds
