"""Cross-site request forgery protection: WTForms' session CSRF, checked on every POST.

A token is an HMAC (keyed from ``SECRET_KEY``) of a random value kept in the visitor's session
and an expiry time. Every form built on :class:`bbs.forms.BbsForm` carries one; on top of
that, :func:`protect` refuses any state-changing request without a valid token (400) before a
view runs, so a view that forgets to validate its form is still protected.

Forms that carry what a member wrote (a post, a comment, a profile) must not lose it when the
token has expired: their views are marked :func:`keeps_text`. Such a view runs with the
unverified request, its form fails validation on the token (so nothing is saved), and it
shows the same form again with the submitted text, a fresh token, the :data:`KEPT_TEXT`
notice (:func:`notice_if_refused`) and status 400.
"""

from __future__ import annotations

import hashlib
import hmac
import typing as t
from datetime import UTC, datetime, timedelta

from wtforms import Form
from wtforms.csrf.core import CSRFTokenField
from wtforms.csrf.session import SessionCSRF
from wtforms.validators import ValidationError

from flagon import abort, current_app, flash, g, request, session
from flagon.datastructures import MultiDict
from flagon.ext.login import current_user

from .i18n import N_, gettext

if t.TYPE_CHECKING:
    from flagon import Flagon

_View = t.TypeVar("_View", bound=t.Callable[..., t.Any])

FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REFUSED = N_(
    "The form had expired or did not come from this site. Go back, reload the page and try again."
)
KEPT_TEXT = N_(
    "Your form had expired, so nothing was saved. Your text is kept below: check it and "
    "submit again."
)
_KEEPS_TEXT = "_csrf_keeps_text"


class BbsSessionCSRF(SessionCSRF):
    """WTForms' ``SessionCSRF``, made safe for any input: a session without a CSRF value fails
    validation (instead of raising ``KeyError``), signatures are compared in constant time, and
    expiry is in UTC."""

    def validate_csrf_token(self, form: t.Any, field: t.Any) -> None:
        data = field.data
        if not isinstance(data, str) or "##" not in data:
            raise ValidationError(field.gettext("CSRF token missing."))
        # CsrfMeta.csrf_context: the flagon session, a mapping.
        secret = t.cast(t.Mapping[str, t.Any], self.session).get("csrf")
        if not isinstance(secret, str):
            raise ValidationError(field.gettext("CSRF failed."))
        expires, signature = data.split("##", 1)
        key = t.cast(bytes, self.form_meta.csrf_secret)  # CsrfMeta.csrf_secret
        expected = hmac.new(key, (secret + expires).encode(), digestmod=hashlib.sha1).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise ValidationError(field.gettext("CSRF failed."))
        if self.time_limit and self.now().strftime(self.TIME_FORMAT) > expires:
            raise ValidationError(field.gettext("CSRF token expired."))

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


class CsrfMeta:
    """WTForms ``Meta`` options: session CSRF keyed from the current app, stored in the
    current flagon session."""

    csrf = True
    csrf_class = BbsSessionCSRF

    @property
    def csrf_secret(self) -> bytes:
        # Derived from SECRET_KEY, so the key itself signs nothing but the cookies.
        key = str(current_app.config["SECRET_KEY"]).encode()
        return hmac.new(key, b"bbs.csrf", hashlib.sha256).digest()

    @property
    def csrf_time_limit(self) -> timedelta:
        return current_app.config["CSRF_TIME_LIMIT"]

    @property
    def csrf_context(self) -> t.Any:
        return session._get_current_object()  # type: ignore[attr-defined]


class _TokenOnly(Form):
    Meta = CsrfMeta
    csrf_token: CSRFTokenField  # added by the CSRF meta


def csrf_token() -> str:
    """A token for a form written by hand (templates: ``{{ csrf_token() }}``), made once per
    request: a page of notifications has a form for each."""
    made = g.get("csrf_token")  # (the session's secret, the token made with it)
    if made is None or made[0] != session.get("csrf"):  # none yet, or the secret was rotated
        token = _TokenOnly(MultiDict()).csrf_token.current_token
        assert token is not None  # generated when the form is made
        made = g.csrf_token = (session.get("csrf"), token)
    return made[1]


def keeps_text(view: _View) -> _View:
    """Mark ``view`` as checking the token itself, through its form, so that a refused form
    comes back with its text (see the module's documentation).

    The view must change nothing before its form has validated.
    """
    setattr(view, _KEEPS_TEXT, True)
    return view


def notice_if_refused(form: t.Any) -> bool:
    """Flash :data:`KEPT_TEXT` when ``form`` failed on its CSRF token; whether it did."""
    if form.csrf_token.errors:
        flash(gettext(KEPT_TEXT), "error")
        return True
    return False


def protect() -> None:
    """Before each request: refuse a state-changing request without a valid token (400).

    The token comes from the ``csrf_token`` form field, or the ``X-CSRF-Token`` header for
    requests made by scripts. Requests that match no route are left to answer 404/405; views
    marked :func:`keeps_text` check the token through their form, for members (the forms
    they mark are members' forms).
    """
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, _KEEPS_TEXT, False) and current_user.is_authenticated:
        return  # the view's form checks the token, and keeps the text if it fails
    token = request.headers.get(HEADER_NAME) or request.form.get(FIELD_NAME) or ""
    if not _TokenOnly(MultiDict([(FIELD_NAME, token)])).validate():
        abort(400, gettext(REFUSED))


def init_app(app: Flagon) -> None:
    app.before_request(protect)
    app.add_template_global(csrf_token)
