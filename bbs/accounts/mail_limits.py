"""Rate limits on the mails visitors can have the site send: password resets (per client
address and per e-mail address) and verification mails (per account).

Requests are counted in ``mail_requests`` whether or not an account has the address, so
reaching a limit says nothing about who is registered. Past a limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

from flagon import current_app

from .. import limits
from ..db import db
from ..i18n import gettext as _
from ..models import MailRequest, utcnow

PASSWORD_RESET = "password_reset"
VERIFICATION = "verification"


def _check(kind: str, condition: object, limit: int, message: str) -> None:
    window = current_app.config["MAIL_REQUEST_WINDOW"]
    times = limits.recent_times(
        MailRequest.requested_at,
        MailRequest.kind == kind,
        condition,
        limit=limit,
        window=window,
    )
    wait = limits.seconds_until_below(times, limit, window)
    if wait:
        db.session.commit()
        limits.refuse(message, wait)


def record_mail_request(kind: str, address: str, email_key: str) -> None:
    """Count a request for a ``kind`` mail from client ``address`` to ``email_key`` (not
    committed); 429 instead when either is at its limit."""
    config = current_app.config
    window = config["MAIL_REQUEST_WINDOW"]
    limits.purge(MailRequest, MailRequest.requested_at, utcnow() - window)
    limits.lock(f"mail-address:{kind}:{address}", f"mail-email:{kind}:{email_key}")
    if kind == PASSWORD_RESET:
        _check(
            kind,
            MailRequest.address == address,
            config["PASSWORD_RESETS_PER_ADDRESS"],
            _("Too many password resets asked for from your address."),
        )
        _check(
            kind,
            MailRequest.email_key == email_key,
            config["PASSWORD_RESETS_PER_EMAIL"],
            _("Too many password resets asked for this e-mail address."),
        )
    else:
        _check(
            kind,
            MailRequest.email_key == email_key,
            config["VERIFICATION_MAILS_PER_ACCOUNT"],
            _("Too many verification mails sent to your address."),
        )
    db.session.add(MailRequest(kind=kind, address=address, email_key=email_key))
