"""Uploading pictures for posts and comments, and serving them.

``POST /images`` takes a picture from a member: a script (the editor's "Insert image") gets
JSON with the Markdown to insert; a browser without scripts gets a page showing the Markdown
to paste. ``GET /images/<id>`` serves a picture to anyone: once its Markdown is in a post, it
is as public as the post.
"""

from __future__ import annotations

import typing as t
from datetime import timedelta

from flagon import Response, abort, current_app, jsonify, render_template, request, url_for
from flagon.datastructures import MultiDict
from flagon.exceptions import RequestEntityTooLarge, TooManyRequests
from flagon.ext.login import current_user, login_required

from .. import limits
from ..db import db
from ..errors import http_error
from ..i18n import gettext as _
from ..images import MAX_BYTES, PictureRefused, clean_image, read_upload
from ..models import PostImage
from . import bp
from .forms import ImageForm, image_markdown

# The upload request may exceed the picture's limit by this much: the framing and the fields.
FORM_OVERHEAD = 64 * 1024
UPLOAD_WINDOW = timedelta(hours=1)
# A picture never changes under its id: browsers may keep it for good.
IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Served pictures are never documents: no scripts, no plugins, even when opened directly.
IMAGE_CSP = "default-src 'none'; sandbox"
MAX_ID_LENGTH = 24


def _wants_json() -> bool:
    accepted = request.accept_mimetypes
    return accepted.best_match(["application/json", "text/html"]) == "application/json"


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, _values: t.Any) -> None:
    # Runs before the CSRF check reads the body, so an oversized upload is refused from its
    # Content-Length (413) and never read.
    if endpoint == "writing.upload_image":
        request.max_content_length = MAX_BYTES + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "writing.upload_image" and _wants_json():
        limit = MAX_BYTES // (1024 * 1024)
        return jsonify(error=_("The picture is too large: %(num)d MB at most.", num=limit)), 413
    return http_error(error)


@bp.errorhandler(TooManyRequests)
def _too_many_uploads(error: TooManyRequests):
    if request.endpoint == "writing.upload_image" and _wants_json():
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return jsonify(error=error.description), 429, headers
    return http_error(error)


@bp.get("/images/new")
@login_required
def new_image():
    """The upload form on its own page: "Insert image" for browsers without scripts."""
    return render_template("writing/image_upload.html", form=ImageForm(), uploaded=None)


@bp.post("/images")
@login_required
def upload_image():
    # Decoding a picture takes a moment: end the transaction (SQLite's write lock) first.
    db.session.commit()
    form = ImageForm()
    message = None
    if not form.validate():
        message = next(iter(form.alt.errors), None) or _("The form is not valid; try again.")
    else:
        try:
            picture = form.picture.data
            if not picture or isinstance(picture, str):
                raise PictureRefused(_("Choose a picture to upload."))
            clean = clean_image(read_upload(picture.stream))
        except PictureRefused as refusal:
            message = str(refusal)
            form.picture.errors = [message]
    if message is not None:
        if _wants_json():
            return jsonify(error=message), 400
        return render_template("writing/image_upload.html", form=form, uploaded=None), 400

    image = _store(clean)
    url = url_for(".image", image_id=image.id)
    markdown = image_markdown(form.alt.data or "", url)
    if _wants_json():
        body = {
            "id": image.id,
            "url": url,
            "markdown": markdown,
            "width": image.width,
            "height": image.height,
        }
        return jsonify(body), 201, {"Location": url}
    return render_template(
        "writing/image_upload.html",
        form=ImageForm(formdata=MultiDict()),  # a blank form for the next one
        uploaded={"url": url, "markdown": markdown},
    ), 201


def _store(clean: t.Any) -> PostImage:
    """Record the picture for the current member, within their hourly allowance (429)."""
    limit = int(current_app.config["IMAGE_UPLOADS_PER_HOUR"])
    limits.lock(f"images:{current_user.id}")
    recent = limits.recent_times(
        PostImage.created_at,
        PostImage.owner_id == current_user.id,
        limit=limit,
        window=UPLOAD_WINDOW,
    )
    wait = limits.seconds_until_below(recent, limit, UPLOAD_WINDOW)
    if wait > 0:
        db.session.rollback()
        limits.refuse(_("You have uploaded many pictures lately."), wait)
    image = PostImage(
        owner_id=current_user.id,
        data=clean.data,
        mimetype=clean.mimetype,
        etag=clean.etag,
        width=clean.width,
        height=clean.height,
    )
    db.session.add(image)
    db.session.commit()
    return image


@bp.get("/images/<image_id>")
def image(image_id: str):
    found = db.session.get(PostImage, image_id) if len(image_id) <= MAX_ID_LENGTH else None
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.mimetype)
    response.set_etag(found.etag)
    response.headers["Cache-Control"] = IMAGE_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = IMAGE_CSP
    return response.make_conditional(request)
