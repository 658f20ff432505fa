"""The account pages: registering, logging in and out, the password (the e-mail pages are
in :mod:`bbs.accounts.email_views`)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from flagon import flash, redirect, render_template, request, url_for
from flagon.ext.login import (
    current_user,
    login_remembered,
    login_required,
    login_user,
    logout_user,
    safe_next_url,
)

from ..admin.moderation import ban_reason
from ..auth import end_logins, log_out
from ..db import db
from ..forms import add_error, field_text
from ..i18n import gettext as _
from ..i18n import lazy_gettext
from ..limits import client_network
from ..models import User, email_key, username_key
from ..names import username_skeleton
from ..passwords import hash_password, needs_rehash, verify_password, waste_a_verification
from . import bp, ratelimit
from .captcha import check_captcha, new_captcha
from .devices import remember_device
from .forms import ChangePasswordForm, LoginForm, RegisterForm
from .mails import send_verification


def _home() -> str:
    return url_for("main.index")


def find_user(username: str) -> User | None:
    """The user called ``username``, whatever its case."""
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def name_taken(username: str) -> str | None:
    """Why ``username`` can't be had: it is taken, or looks like a name that is; or ``None``."""
    same_or_alike = or_(
        User.username_key == username_key(username),
        User.username_skeleton == username_skeleton(username),
    )
    other = db.session.scalar(select(User).where(same_or_alike).limit(1))
    if other is None:
        return None
    if other.username_key == username_key(username):
        return _("This username is taken.")
    return _("This username looks too much like '%(name)s', which is taken.", name=other.username)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    if form.validate_on_submit():
        ratelimit.record_registration_attempt(client_network(request.remote_addr))
        answered = check_captcha(form.captcha.data)
        taken = name_taken(field_text(form.username)) if answered else None
        email_taken = answered and not taken and _email_taken(field_text(form.email))
        db.session.commit()  # the attempt and the used-up question; ends the write lock
        if not answered:
            add_error(form.captcha, _("That is not the answer. Try the new question."))
        elif taken:
            add_error(form.username, taken)
        elif email_taken:
            add_error(form.email, str(EMAIL_TAKEN))
        else:
            user = _create_member(form)
            if user is not None:
                send_verification(user)
                login_user(user)
                remember_device(user)
                flash(
                    _(
                        "Welcome, %(username)s! A link to verify your address is on its way"
                        " to %(email)s.",
                        username=user.username,
                        email=user.email,
                    ),
                    "success",
                )
                return redirect(_home())
            if _email_taken(field_text(form.email)):
                add_error(form.email, str(EMAIL_TAKEN))
            else:
                add_error(form.username, _("This username is taken."))
    form.captcha.data = ""
    return render_template("accounts/register.html", form=form, question=new_captcha())


EMAIL_TAKEN = lazy_gettext(
    "An account has this address already. Forgot your password? Ask for a new one."
)


def _email_taken(address: str) -> bool:
    return (
        db.session.scalar(select(User.id).where(User.email_key == email_key(address))) is not None
    )


def _create_member(form: RegisterForm) -> User | None:
    """The new member, or ``None`` when the username (or its skeleton) or the address was
    taken meanwhile."""
    # Hashing is slow: done before the transaction starts, so no writer waits for it.
    password_hash = hash_password(field_text(form.password))
    user = User(
        username=field_text(form.username), email=form.email.data, password_hash=password_hash
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the name, or a look-alike, registered a moment ago
        db.session.rollback()
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        account = username_key(field_text(form.username))
        address = client_network(request.remote_addr)
        user = find_user(field_text(form.username))
        source = ratelimit.login_source(user, address)
        # Counted as a failure until the password proves right; 429 when over a limit. Ends
        # the transaction (and SQLite's write lock) before hashing.
        attempt = ratelimit.begin_login_attempt(account, address, source)
        if user is None:
            waste_a_verification(field_text(form.password))
        if user is None or not verify_password(user.password_hash, field_text(form.password)):
            flash(_("Wrong username or password."), "error")
        elif user.banned:
            ratelimit.not_a_failure(attempt)
            db.session.commit()
            reason = ban_reason(user)
            flash(
                _("This account has been banned.")
                + (" " + _("Reason: %(reason)s", reason=reason) if reason else ""),
                "error",
            )
        else:
            # Hashing is slow: done before the transaction starts.
            new_hash = (
                hash_password(field_text(form.password))
                if needs_rehash(user.password_hash)
                else None
            )
            ratelimit.login_succeeded(attempt, account, source)
            if new_hash is not None:
                user.password_hash = new_hash
            user.last_login_network = address
            db.session.commit()
            login_user(user, remember=form.remember.data)
            remember_device(user)
            return redirect(safe_next_url(default=_home()))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    log_out()
    flash(_("You have been logged out."), "info")
    return redirect(_home())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(owner=user.username)
    if form.validate_on_submit():
        # A stolen session must not be a way to guess the password: the current password
        # is checked under the login limits, and a wrong one counts as a failed login.
        attempt = ratelimit.begin_login_attempt(
            user.username_key, client_network(request.remote_addr)
        )
        if not verify_password(user.password_hash, field_text(form.old_password)):
            add_error(form.old_password, _("This is not your current password."))
        else:
            remembered = login_remembered()
            new_hash = hash_password(field_text(form.password))  # before the transaction starts
            ratelimit.login_succeeded(attempt, user.username_key)
            user.password_hash = new_hash
            user.rotate_remember_token()  # every other device must log in again
            end_logins(user)
            db.session.commit()
            login_user(user, remember=remembered)  # a new login for this device
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            return redirect(_home())
    return render_template("accounts/change_password.html", form=form)


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    user = current_user._get_current_object()
    user.rotate_remember_token()
    end_logins(user)
    db.session.commit()
    logout_user()
    flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("accounts.login"))
