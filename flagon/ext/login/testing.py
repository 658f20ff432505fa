"""A test client that starts with a user logged in: ``client = app.test_client(user=u)``."""

from __future__ import annotations

import typing as t

from ...testing import FlagonClient

if t.TYPE_CHECKING:
    from ...app import Flagon
from .mixins import remember_token_of
from .remember import cookie_name, cookie_options, encode_remember_cookie, remember_duration


class FlagonLoginClient(FlagonClient):
    """A :class:`~flagon.testing.FlagonClient` that can log users in without a login form.

    ``LoginManager.init_app`` makes it the app's ``test_client_class`` (unless the app already
    has one), so ``app.test_client(user=u)`` sends every request as ``u``. ``fresh_login=False``
    makes the login stale; ``remembered_login=True`` also stores a valid remember cookie.
    """

    def __init__(
        self,
        *args: t.Any,
        user: t.Any = None,
        fresh_login: bool = True,
        remembered_login: bool = False,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.login(user, fresh=fresh_login, remember=remembered_login)

    @property
    def _app(self) -> Flagon:
        # Only a Flagon app with a LoginManager has users to log in.
        return t.cast("Flagon", self.application)

    def login(self, user: t.Any, *, fresh: bool = True, remember: bool = False) -> None:
        """Log ``user`` in for the following requests, as ``login_user`` would."""
        app = self._app
        manager = app.extensions["login_manager"]
        # The session is bound to the client the requests will come from (session protection).
        with app.test_request_context(environ_base=self.environ_base):
            identifier = manager._session_identifier_generator()
            user_id = getattr(user, manager.id_attribute)()
        with self.session_transaction() as sess:
            sess["_user_id"] = user_id
            sess["_fresh"] = fresh
            sess["_id"] = identifier
        if remember:
            seconds = remember_duration(app).total_seconds()
            value = encode_remember_cookie(app, user_id, remember_token_of(user), seconds)
            self._store_remember_cookie(value)

    def logout(self) -> None:
        """Forget the logged-in user and the remember cookie, as ``logout_user`` would."""
        with self.session_transaction() as sess:
            for key in ("_user_id", "_fresh", "_id", "_remember_seconds"):
                sess.pop(key, None)
        options = cookie_options(self._app)
        domain = (options["domain"] or "localhost").lstrip(".")
        self.delete_cookie(cookie_name(self._app), domain=domain, path=options["path"])

    def _store_remember_cookie(self, value: str) -> None:
        options = cookie_options(self._app)
        domain = options["domain"]
        self.set_cookie(
            cookie_name(self._app),
            value,
            domain=(domain or "localhost").lstrip("."),
            origin_only=not domain,
            path=options["path"],
        )


#: The name Flask-Login gives its test client, for code ported from Flask.
FlaskLoginClient = FlagonLoginClient
