"""The e-mail pages of accounts: verifying an address, changing it, resetting a forgotten
password. The links mailed to members lead here (:mod:`bbs.accounts.mails`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from flagon import flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required, logout_user, safe_next_url

from ..auth import end_logins
from ..db import db
from ..forms import add_error, field_text
from ..i18n import gettext as _
from ..i18n import lazy_gettext
from ..limits import client_network
from ..models import User, email_key, utcnow
from ..models.account import CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL
from ..passwords import hash_password, verify_password
from . import bp, mail_limits, ratelimit
from .email_forms import ChangeEmailForm, ForgotPasswordForm, ResetPasswordForm
from .mails import send_email_change, send_password_reset, send_verification
from .tokens import peek_token, use_token, void_tokens

RESET_SENT = lazy_gettext(
    "If an account has this address, a link to choose a new password is on its way to it."
    " Check your mail (and its spam folder)."
)


def account_with_email(address: str) -> User | None:
    """The account whose address ``address`` is, whatever its case."""
    return db.session.scalar(select(User).where(User.email_key == email_key(address)))


def _invalid_link(status: int = 400):
    return render_template("accounts/link_invalid.html"), status


@bp.route("/account/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = field_text(form.email)
        # Counted whether or not an account has the address: the answer must not tell.
        mail_limits.record_mail_request(
            mail_limits.PASSWORD_RESET, client_network(request.remote_addr), email_key(address)
        )
        db.session.commit()
        user = account_with_email(address)
        if user is not None and not user.banned:
            send_password_reset(user)
        flash(str(RESET_SENT), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/account/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    found = peek_token(token, RESET_PASSWORD)
    if found is None:
        return _invalid_link()
    _token, user = found
    form = ResetPasswordForm(owner=user.username)
    if form.validate_on_submit():
        db.session.commit()  # hashing is slow: not inside the write transaction
        new_hash = hash_password(field_text(form.password))
        used = use_token(token, RESET_PASSWORD)
        if used is None:  # used or expired meanwhile
            db.session.rollback()
            return _invalid_link()
        account_token, user = used
        user.password_hash = new_hash
        user.rotate_remember_token()
        end_logins(user)  # every login of the account ends, wherever it is
        void_tokens(user, RESET_PASSWORD)
        ratelimit.clear_failures(user.username_key, commit=False)
        if account_token.email == user.email and user.email_verified_at is None:
            user.email_verified_at = utcnow()  # the link proved they read it
        db.session.commit()
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()
        flash(
            _("Your password has been changed, and every device logged out. Log in with it."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.get("/account/verify-email/<token>")
def verify_email(token: str):
    used = use_token(token, VERIFY_EMAIL) or use_token(token, CHANGE_EMAIL)
    if used is None:
        db.session.rollback()
        return _invalid_link()
    account_token, user = used
    if account_token.purpose == VERIFY_EMAIL and account_token.email != user.email:
        db.session.rollback()  # a link for an address the member no longer has
        return _invalid_link()
    void_tokens(user, VERIFY_EMAIL)
    void_tokens(user, CHANGE_EMAIL)
    if account_token.purpose == CHANGE_EMAIL:
        user.email = account_token.email
    else:
        user.email_key = email_key(user.email)  # an address shared before 0007 claims its key
    user.email_verified_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return render_template("accounts/email_taken.html", email=account_token.email), 409
    flash(_("Your address %(email)s is verified. Thank you!", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.change_email"))
    return redirect(url_for("accounts.login"))


@bp.post("/account/verify-email/resend")
@login_required
def resend_verification():
    user = current_user._get_current_object()
    if user.email_verified:
        flash(_("Your address is already verified."), "info")
    else:
        mail_limits.record_mail_request(
            mail_limits.VERIFICATION, client_network(request.remote_addr), user.email_key
        )
        send_verification(user)  # commits the request with the token
        flash(_("A new verification link is on its way to %(email)s.", email=user.email), "info")
    return redirect(safe_next_url(request.form.get("next"), default=url_for("main.index")))


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    user = current_user._get_current_object()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        # As for a new password: the current one is checked under the login limits.
        attempt = ratelimit.begin_login_attempt(
            user.username_key, client_network(request.remote_addr)
        )
        new_email = field_text(form.email)
        other = account_with_email(new_email)
        if not verify_password(user.password_hash, field_text(form.password)):
            add_error(form.password, _("This is not your current password."))
        else:
            ratelimit.login_succeeded(attempt, user.username_key)
            db.session.commit()
            if email_key(new_email) == email_key(user.email) and user.email_verified:
                add_error(form.email, _("This is already your address."))
            elif new_email == user.email:
                send_verification(user)
                flash(
                    _("A new verification link is on its way to %(email)s.", email=new_email),
                    "info",
                )
                return redirect(url_for("accounts.change_email"))
            elif other is not None and other.id != user.id:
                add_error(form.email, _("Another account has this address."))
            else:
                send_email_change(user, new_email)
                flash(
                    _(
                        "A link is on its way to %(email)s: your address changes when you"
                        " follow it. Until then it stays as it is.",
                        email=new_email,
                    ),
                    "info",
                )
                return redirect(url_for("accounts.change_email"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/change_email.html", form=form, user=user), status
