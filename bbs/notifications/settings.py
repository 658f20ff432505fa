"""Which kinds of notification a member gets in the forum, and which by e-mail."""

from __future__ import annotations

from sqlalchemy import delete, select

from flagon import flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required

from ..db import db
from ..i18n import gettext as _
from ..models import NOTIFICATION_KINDS, NotificationPreference
from . import bp
from .links import LABELS


def preferences(user_id: int) -> dict[str, tuple[bool, bool]]:
    """Kind → (in the forum, by e-mail) for ``user_id``, defaults filled in."""
    chosen = {
        row.kind: (row.in_app, row.email)
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    return {kind: chosen.get(kind, (True, False)) for kind in NOTIFICATION_KINDS}


@bp.get("/settings/notifications")
@login_required
def settings():
    return render_template(
        "notifications/settings.html",
        kinds=NOTIFICATION_KINDS,
        labels=LABELS,
        chosen=preferences(current_user.id),
    )


@bp.post("/settings/notifications")
@login_required
def save_settings():
    form = request.form
    db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == current_user.id)
    )
    db.session.add_all(
        NotificationPreference(
            user_id=current_user.id,
            kind=kind,
            in_app=form.get(f"{kind}_in_app") == "on",
            email=form.get(f"{kind}_email") == "on",
        )
        for kind in NOTIFICATION_KINDS
    )
    db.session.commit()
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("notifications.settings"))
