"""Saving and discarding drafts (:mod:`bbs.drafts`) for the editor's script and its pages.

``POST /drafts`` (``target``, ``title``, ``body``; the CSRF token in ``X-CSRF-Token``) keeps
the text and answers JSON with when it was saved. ``POST /drafts/discard`` forgets a draft,
from a script or a button.
"""

from __future__ import annotations

from flagon import jsonify, redirect, request, url_for
from flagon.ext.login import current_user, login_required

from .. import drafts
from ..db import db
from ..i18n import gettext
from ..posts.forms import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from . import bp

bp.add_app_template_global(drafts.take_finished, "take_finished_drafts")


def _refused(refusal: drafts.DraftRefused):
    return jsonify(error=str(refusal)), refusal.status


@bp.post("/drafts")
@login_required
def save_draft():
    title = request.form.get("title", "")
    body = request.form.get("body", "")
    if len(title) > TITLE_MAX_LENGTH or len(body) > BODY_MAX_LENGTH:
        return jsonify(error=gettext("The text is too long to keep as a draft.")), 413
    try:
        target = drafts.parse_target(request.form.get("target", ""))
        drafts.check_allowed(current_user, target)
    except drafts.DraftRefused as refusal:
        return _refused(refusal)
    saved = drafts.save(current_user.id, target.name, title, body)
    return jsonify(saved_at=saved.updated_at.isoformat() if saved else None)


@bp.post("/drafts/discard")
@login_required
def discard_draft():
    try:
        target = drafts.parse_target(request.form.get("target", ""))
    except drafts.DraftRefused as refusal:
        return _refused(refusal)
    drafts.finish(current_user.id, target.name)
    db.session.commit()
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return redirect(_form_url(target))
    return jsonify(discarded=target.name)


def _form_url(target: drafts.Target) -> str:
    """The page holding the draft's form: always a path on this site."""
    if target.kind == "comment":
        return url_for("posts.show", post_id=target.post_id) + "#comment-form"
    if target.kind == "edit":
        return url_for("posts.edit", post_id=target.post_id)
    return url_for("posts.new")
