"""Profile pages, editing a profile, and uploading, removing and serving avatars."""

from __future__ import annotations

import functools
import typing as t

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flagon import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flagon.datastructures import MultiDict
from flagon.exceptions import RequestEntityTooLarge
from flagon.ext.login import current_user

from .. import csrf
from ..auth import login_manager
from ..avatars import (
    MAX_BYTES,
    PictureRefused,
    StoredImage,
    clean_avatar,
    default_avatar,
    read_upload,
)
from ..db import db
from ..errors import http_error
from ..i18n import gettext as _
from ..models import Avatar, Post, User, username_key, utcnow
from ..pagination import page_number, paginate
from . import bp
from .forms import AvatarForm, ProfileForm

# The whole upload request may exceed the picture's limit by this much: the multipart
# framing and the CSRF token.
FORM_OVERHEAD = 64 * 1024
# Browsers keep an avatar for five minutes, then ask again (a 304 while it is unchanged).
AVATAR_CACHE_CONTROL = "public, max-age=300, must-revalidate"
# Served pictures are never documents: no scripts, no plugins, even when opened directly.
AVATAR_CSP = "default-src 'none'; sandbox"
PROFILE_FIELDS = ("blog", "github", "phone", "qq", "bio", "locale")


def find_user(username: str, *options: t.Any) -> User:
    """The user called ``username``, whatever its case, or 404."""
    statement = select(User).where(User.username_key == username_key(username))
    user = db.session.scalar(statement.options(*options))
    if user is None:
        abort(404)
    return user


def editable_user(username: str) -> User:
    """The user called ``username`` when the visitor may edit them (themselves, or anyone for
    an admin): anonymous visitors are sent to log in, other members get 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    user = find_user(username, joinedload(User.avatar).load_only(Avatar.etag))
    if not current_user.may_edit(user.id):
        abort(403)
    return user


@bp.app_template_global()
def avatar_url(username: str, version: str | None = None) -> str:
    """Where ``username``'s avatar is served; ``version`` (its ETag) makes a fresh URL after
    a new upload, for pages that know it."""
    if version:
        return url_for("users.avatar", username=username, v=version[:8])
    return url_for("users.avatar", username=username)


@bp.get("/u/<username>")
def profile(username: str):
    user = find_user(username, joinedload(User.avatar).load_only(Avatar.etag))
    newest_first = (
        select(Post)
        .where(Post.author_id == user.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    page = paginate(db.session, newest_first, page_number(), current_app.config["POSTS_PER_PAGE"])
    return render_template(
        "users/profile.html", user=user, page=page, may_edit=current_user.may_edit(user.id)
    )


def _edit_page(
    user: User, profile_form: ProfileForm, avatar_form: AvatarForm, status: int = 200
) -> t.Any:
    return render_template(
        "users/edit.html", user=user, form=profile_form, avatar_form=avatar_form
    ), status


@bp.route("/u/<username>/edit", methods=["GET", "POST"])
@csrf.keeps_text
def edit(username: str):
    user = editable_user(username)
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        for name in PROFILE_FIELDS:
            setattr(user, name, form[name].data or "")
        db.session.commit()
        flash(_("Profile saved."), "success")
        return redirect(url_for("users.profile", username=user.username))
    csrf.notice_if_refused(form)
    status = 400 if request.method == "POST" else 200
    return _edit_page(user, form, AvatarForm(formdata=MultiDict()), status)


@bp.url_value_preprocessor
def _limit_avatar_uploads(endpoint: str | None, _values: t.Any) -> None:
    # Runs before the CSRF check reads the body, so an oversized upload is refused from its
    # Content-Length (413) and never read.
    if endpoint == "users.upload_avatar":
        request.max_content_length = MAX_BYTES + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(error: RequestEntityTooLarge):
    if request.endpoint != "users.upload_avatar":
        return http_error(error)
    return render_template("users/too_large.html", error=error, limit=MAX_BYTES), 413


@bp.post("/u/<username>/avatar")
def upload_avatar(username: str):
    user = editable_user(username)
    # Decoding a picture takes a moment: end the transaction (SQLite's write lock) first.
    db.session.commit()
    form = AvatarForm()
    if form.validate():
        picture = form.picture.data
        try:
            if not picture or isinstance(picture, str):
                raise PictureRefused(_("Choose a picture to upload."))
            stored = clean_avatar(read_upload(picture.stream))
        except PictureRefused as refusal:
            form.picture.errors = [str(refusal)]
        else:
            _store_avatar(user.id, stored)
            flash(_("Your new picture is saved."), "success")
            return redirect(url_for("users.edit", username=user.username))
    return _edit_page(user, ProfileForm(formdata=MultiDict(), obj=user), form, 400)


def _store_avatar(user_id: int, stored: StoredImage) -> None:
    fields = {
        "data": stored.data,
        "mimetype": stored.mimetype,
        "etag": stored.etag,
        "updated_at": utcnow(),
    }
    for _attempt in range(2):  # a concurrent first upload may insert the row between our steps
        avatar = db.session.get(Avatar, user_id)
        if avatar is None:
            db.session.add(Avatar(user_id=user_id, **fields))
        else:
            for name, value in fields.items():
                setattr(avatar, name, value)
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
    abort(409)


@bp.post("/u/<username>/avatar/delete")
def delete_avatar(username: str):
    user = editable_user(username)
    if user.avatar is not None:
        db.session.delete(user.avatar)
        db.session.commit()
    flash(_("The picture is removed; the generated one is shown instead."), "info")
    return redirect(url_for("users.edit", username=user.username))


@functools.lru_cache(maxsize=1024)
def _generated_avatar(username: str) -> StoredImage:
    return default_avatar(username)


@bp.get("/avatar/<username>")
def avatar(username: str):
    row = db.session.execute(
        select(User.username, Avatar)
        .outerjoin(Avatar, Avatar.user_id == User.id)
        .where(User.username_key == username_key(username))
    ).first()
    if row is None:
        abort(404)
    name, stored = row
    image: t.Any = stored if stored is not None else _generated_avatar(name)
    response = Response(image.data, mimetype=image.mimetype)
    response.set_etag(image.etag)
    response.headers["Cache-Control"] = AVATAR_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = AVATAR_CSP
    return response.make_conditional(request)
