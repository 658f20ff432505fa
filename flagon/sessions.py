"""Sessions: per-visitor data kept between requests, behind a replaceable ``SessionInterface``.

The default, :class:`SecureCookieSessionInterface`, keeps the whole session in a cookie signed
with the app's ``SECRET_KEY`` (itsdangerous): the client can read it but not change it. The
session is opened on its first use in a request, so a request that never touches ``session``
never decodes the cookie.
"""

from __future__ import annotations

import hashlib
import typing as t
from collections.abc import MutableMapping
from datetime import UTC, datetime

from itsdangerous import BadData, URLSafeTimedSerializer

from .datastructures import CallbackDict
from .http import cookie_value
from .json.tag import TaggedJSONSerializer
from .signing import TimedSigner
from .wrappers.request import HTTPRequest as _Request

if t.TYPE_CHECKING:
    from .app import Flagon
    from .wrappers import Request, Response


class SessionMixin(MutableMapping):
    """What every session offers on top of a mapping."""

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (``PERMANENT_SESSION_LIFETIME``)."""
        return self.get("_permanent", False)

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: Whether the backend knows the session is new; cookie sessions can't tell, so False.
    new = False
    #: Set when the session changed and must be saved.
    modified = True
    #: Set when the session was used in the request (the response then varies on ``Cookie``).
    #: A session is opened on its first use, so an opened session has been accessed.
    accessed = True


def _mark_changed(session: SecureCookieSession) -> None:
    session.modified = True
    session.accessed = True


class SecureCookieSession(CallbackDict, SessionMixin):
    """A session kept in a signed cookie: a dict that records when it changes.

    Only the dict itself is watched: after changing a mutable value inside it (a list, a nested
    dict), set ``session.modified = True`` so it is saved.
    """

    #: Set by any change to the dict; the cookie is only rewritten when this is true (or the
    #: session is permanent and refreshed on each request).
    modified = False
    #: Set when the session is opened for a request, and by any change.
    accessed = False

    def __init__(self, initial: t.Mapping[str, t.Any] | None = None) -> None:
        # CallbackDict.__init__'s work without its super() chain: one is made per request.
        dict.__init__(self, initial or ())
        self.on_update = _mark_changed


class NullSession(SecureCookieSession):
    """The session used when none can be opened (no ``SECRET_KEY``): readable and empty,
    refusing every write with an error that says how to fix it."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the secret_key on"
            " the application to something unique and secret."
        )

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class SessionInterface:
    """How sessions are loaded from a request and saved into a response.

    Subclass it and set ``app.session_interface``; implement :meth:`open_session` and
    :meth:`save_session`, the rest has defaults read from the app's config. ``open_session``
    returning ``None`` means the session can't be used, and a :class:`NullSession` stands in.

    Requests using the same session may run concurrently, and sessions are saved in the order
    requests finish: a backend with shared storage must decide how to reconcile them.
    """

    #: The class :meth:`make_null_session` makes and :meth:`is_null_session` recognises.
    null_session_class = NullSession
    #: Whether the session data is pickled (for extensions that care).
    pickle_based = False

    def make_null_session(self, app: Flagon) -> NullSession:
        """The stand-in session for when ``open_session`` returned ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is the stand-in session (nothing to save)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Flagon) -> str:
        """The cookie's name: ``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]

    def get_cookie_domain(self, app: Flagon) -> str | None:
        """The cookie's ``Domain``: ``SESSION_COOKIE_DOMAIN``. Unset (the default), browsers
        send the cookie back to the exact host only; set, to its subdomains as well."""
        return app.config["SESSION_COOKIE_DOMAIN"]

    def get_cookie_path(self, app: Flagon) -> str:
        """The cookie's ``Path``: ``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]

    def get_cookie_httponly(self, app: Flagon) -> bool:
        """Whether scripts are kept from reading the cookie: ``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]

    def get_cookie_secure(self, app: Flagon) -> bool:
        """Whether the cookie is only sent over HTTPS: ``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]

    def get_cookie_samesite(self, app: Flagon) -> str | None:
        """The cookie's ``SameSite`` (``"Strict"``, ``"Lax"`` or ``"None"``):
        ``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]

    def get_cookie_partitioned(self, app: Flagon) -> bool:
        """Whether the cookie is partitioned per top-level site (CHIPS):
        ``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]

    def get_expiration_time(self, app: Flagon, session: SessionMixin) -> datetime | None:
        """When a permanent session's cookie expires (now + ``PERMANENT_SESSION_LIFETIME``);
        ``None`` for a session that ends with the browser session."""
        if session.permanent:
            return datetime.now(UTC) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Flagon, session: SessionMixin) -> bool:
        """Whether the response carries the cookie: when the session changed, or when it is
        permanent and ``SESSION_REFRESH_EACH_REQUEST`` pushes its expiry forward."""
        return session.modified or (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Flagon, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` when sessions are unavailable.

        Called on the first use of ``session`` in a request, with the request context pushed.
        """
        return None

    def save_session(self, app: Flagon, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` into ``response``; called after the ``after_request`` functions,
        only for a session that was opened and is not the null session."""


def _lazy_sha1(data: bytes = b"") -> t.Any:
    # Looked up on use: FIPS builds may lack SHA-1, and should fail only if it is actually used.
    return hashlib.sha1(data)


#: The serializer the default interface writes session data with.
session_json_serializer = TaggedJSONSerializer()


class SecureCookieSessionInterface(SessionInterface):
    """Sessions stored in a cookie signed with ``SECRET_KEY`` (itsdangerous).

    The signature is checked with ``SECRET_KEY`` and each of ``SECRET_KEY_FALLBACKS``, and new
    cookies are signed with ``SECRET_KEY``: add the old key to the fallbacks to rotate keys
    without logging everyone out. The cookie is signed, not encrypted: the client can read it.
    """

    #: Mixed into the signing key, so the session signature can't be replayed elsewhere.
    salt = "cookie-session"
    #: The signature's hash function.
    digest_method = staticmethod(_lazy_sha1)
    #: How itsdangerous derives the signing key from the secret key.
    key_derivation = "hmac"
    #: Turns session data to text and back: compact JSON keeping tuples, bytes, datetimes…
    serializer = session_json_serializer
    session_class = SecureCookieSession

    # What reading a cookie needs, for the settings last seen: (secret keys, lifetime setting,
    # salt, serializer, signer, max age in seconds). Deriving the keys and converting the
    # lifetime cost more than checking, per request, that none of the settings changed.
    _reading_state: tuple[t.Any, ...] | None = None

    def get_signing_serializer(self, app: Flagon) -> URLSafeTimedSerializer | None:
        """An itsdangerous serializer for ``app``'s keys, or ``None`` when no ``SECRET_KEY`` is
        set. Override it to sign differently; the default settings use an equivalent, faster
        :class:`~flagon.signing.TimedSigner` internally."""
        keys = _secret_keys(app)
        if keys is None:
            return None
        return URLSafeTimedSerializer(
            list(keys),  # type: ignore[arg-type]  # str and bytes keys may mix; the stub says one kind
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def _signer(self, app: Flagon) -> TimedSigner | URLSafeTimedSerializer | None:
        """What reads and writes the cookie: ``get_signing_serializer``'s serializer, or the
        faster equivalent when it and the signing settings are the defaults."""
        state = self._signer_and_max_age(app)
        return None if state is None else state[0]

    def _signer_and_max_age(self, app: Flagon) -> tuple[t.Any, int] | None:
        """The signer (see :meth:`_signer`) and the cookie's lifetime in seconds; ``None``
        without a ``SECRET_KEY``."""
        keys = _secret_keys(app)
        if keys is None:
            return None
        lifetime = app.permanent_session_lifetime
        if (
            type(self).get_signing_serializer
            is not SecureCookieSessionInterface.get_signing_serializer
            or self.key_derivation != "hmac"
            or self.digest_method is not _lazy_sha1
        ):
            return self.get_signing_serializer(app), int(lifetime.total_seconds())
        cached = self._reading_state
        if (
            cached is not None
            and cached[0] == keys
            and cached[1] is lifetime
            and cached[2] is self.salt
            and cached[3] is self.serializer
        ):
            return cached[4], cached[5]
        signer = TimedSigner(keys, self.salt, self.serializer)
        max_age = int(lifetime.total_seconds())
        # The lifetime is compared by identity: a config holding seconds makes a new
        # timedelta each time, which only means recomputing (cheaply) on every request.
        self._reading_state = (keys, lifetime, self.salt, self.serializer, signer, max_age)
        return signer, max_age

    def open_session(self, app: Flagon, request: Request) -> SecureCookieSession | None:
        """The session in the request's cookie; empty when there is none, or when it is
        tampered with, expired or unreadable (a bad cookie is the client's problem, not a 500)."""
        state = self._signer_and_max_age(app)
        if state is None:
            return None
        session_class = self.session_class
        value = _cookie(request, self.get_cookie_name(app))
        if not value:
            session = session_class()
        else:
            try:
                data = state[0].loads(value, max_age=state[1])
            except (BadData, UnicodeError):
                data = None
            session = session_class(data) if isinstance(data, dict) else session_class()
        # The session is opened on its first use through the request context.
        session.accessed = True
        return session

    def save_session(self, app: Flagon, session: SessionMixin, response: Response) -> None:
        """Write the cookie when :meth:`should_set_cookie` says so; delete it when the session
        was emptied; add ``Vary: Cookie`` whenever the session was used."""
        # Caches must not hand one visitor's page, which depends on the cookie, to another.
        vary = session.accessed
        if not session:
            if session.modified:
                response.delete_cookie(self.get_cookie_name(app), **self._cookie_attributes(app))
                vary = True
        elif self.should_set_cookie(app, session):
            signer = self._signer(app)
            # No signer: the secret key was removed after the session was opened.
            if signer is not None:
                response.set_cookie(
                    self.get_cookie_name(app),
                    signer.dumps(dict(session)),
                    expires=self.get_expiration_time(app, session),
                    **self._cookie_attributes(app),
                )
                vary = True
        if vary:
            _vary_on_cookie(response)

    def _cookie_attributes(self, app: Flagon) -> dict[str, t.Any]:
        # Gathered only when a cookie is written: most requests that use the session don't.
        return {
            "path": self.get_cookie_path(app),
            "domain": self.get_cookie_domain(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }


_STOCK_COOKIES = _Request.cookies


def _cookie(request: Request, name: str) -> str | None:
    """``request.cookies.get(name)``; when ``request.cookies`` is the stock one and not yet
    parsed, read from the header directly (the same value) instead of parsing every cookie."""
    if type(request).cookies is _STOCK_COOKIES and "cookies" not in request.__dict__:
        return cookie_value(request.environ.get("HTTP_COOKIE"), name)
    return request.cookies.get(name)


def _secret_keys(app: Flagon) -> tuple[str | bytes, ...] | None:
    """The keys cookies are checked with, the signing key (``SECRET_KEY``) last."""
    secret_key = app.secret_key
    if not secret_key:
        return None
    fallbacks = app.config["SECRET_KEY_FALLBACKS"]
    return (*fallbacks, secret_key) if fallbacks else (secret_key,)


#: What saving an unchanged, used session adds to a plain response.
_VARY_COOKIE = [("Vary", "Cookie")]


def headers_for_unchanged_session(
    app: Flagon, session: SessionMixin
) -> list[tuple[str, str]] | None:
    """The headers saving ``session`` would add to a fresh text response, when that is all it
    would do; ``None`` when ``save_session`` needs a response object (the cookie is written or
    deleted, or the interface saves its own way).

    Most requests only read the session: the pipeline then sends the view's text without
    building a response just to add ``Vary: Cookie``.
    """
    interface = app.session_interface
    if interface.is_null_session(session):
        return []
    if type(interface).save_session is not SecureCookieSessionInterface.save_session:
        return None
    # What save_session checks, in its order: a changed session is written or deleted.
    if session.modified or (session and interface.should_set_cookie(app, session)):
        return None
    return _VARY_COOKIE if session.accessed else []


def _vary_on_cookie(response: Response) -> None:
    """Add ``Cookie`` to the response's ``Vary`` header, once (``*`` already covers it)."""
    headers = response.headers
    if "Vary" not in headers:
        # The usual case, without parsing a header set.
        headers.add("Vary", "Cookie")
        return
    vary = response.vary
    if "*" not in vary:
        vary.add("Cookie")
