"""Uploading, replacing and removing avatars through the site, and what is refused."""

from __future__ import annotations

import io

import pytest
from avatar_files import decompression_bomb, photo_with_exif, picture, truncated_png
from bbs_helpers import login, make_user, token_for
from PIL import Image

from bbs.db import db
from bbs.models import Avatar, User

pytestmark = pytest.mark.both_protocols

EDIT = "/u/ada/edit"
UPLOAD = "/u/ada/avatar"


def upload(client, data: bytes, path: str = UPLOAD, filename: str = "me.png", token=None):
    token = token_for(client, EDIT) if token is None else token
    return client.post(
        path,
        data={"csrf_token": token, "picture": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def stored_avatar(app, user_id):
    with app.app_context():
        return db.session.get(Avatar, user_id)


def test_upload_stores_a_clean_picture(app, member, member_client):
    response = upload(member_client, photo_with_exif(), filename="holiday.jpg")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(EDIT)
    avatar = stored_avatar(app, member.id)
    assert avatar.mimetype in ("image/webp", "image/png")
    assert b"SpyCam" not in avatar.data
    assert Image.open(io.BytesIO(avatar.data)).size == (20, 20)
    page = member_client.get(EDIT).text
    assert "Your new picture is saved." in page
    assert f"/avatar/ada?v={avatar.etag[:8]}" in page


def test_a_new_upload_replaces_the_old_one(app, member, member_client):
    upload(member_client, picture(colour=(1, 1, 1)))
    first = stored_avatar(app, member.id).etag
    assert upload(member_client, picture(colour=(250, 1, 1))).status_code == 302
    assert stored_avatar(app, member.id).etag != first


@pytest.mark.parametrize(
    "data, message",
    [
        (b"MZ\x90\x00 this is a program, not a picture", "not a picture we can use"),
        (truncated_png(), "not a picture we can use"),
        (decompression_bomb(), "too large"),
        (b"", "Choose a picture"),
    ],
    ids=["non-image", "truncated", "bomb", "empty"],
)
def test_bad_pictures_are_refused_with_a_message(app, member, member_client, data, message):
    with app.app_context():
        db.session.get(User, member.id).github = "ada-lovelace"
        db.session.commit()
    response = upload(member_client, data)
    assert response.status_code == 400
    assert message in response.text
    assert 'class="field-error"' in response.text
    assert stored_avatar(app, member.id) is None
    # The profile form on the same page still shows the account's values.
    assert 'value="ada-lovelace"' in response.text


def test_no_file_at_all_is_refused(app, member, member_client):
    response = member_client.post(UPLOAD, data={"csrf_token": token_for(member_client, EDIT)})
    assert response.status_code == 400
    assert "Choose a picture" in response.text


def test_a_20_mb_upload_gets_the_413_page(app, member, member_client):
    response = upload(member_client, b"\xff" * (20 * 1024 * 1024))
    assert response.status_code == 413
    assert "Picture too large" in response.text and "2.0 MB at most" in response.text
    assert 'class="site-header"' in response.text
    assert stored_avatar(app, member.id) is None


def test_a_picture_just_over_the_limit_is_refused(app, member, member_client):
    response = upload(member_client, b"\xff" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400  # within the request limit: the form says why
    assert "The picture is too large: 2 MB at most." in response.text
    assert stored_avatar(app, member.id) is None


def test_other_forms_keep_the_site_wide_limit(app, member, member_client):
    # 3 MB is over the avatar limit but within MAX_CONTENT_LENGTH: only the upload refuses it.
    data = {
        "csrf_token": token_for(member_client, EDIT),
        "email": "ada@example.com",
        "extra": (io.BytesIO(b"y" * 3_000_000), "extra.bin"),
    }
    response = member_client.post(EDIT, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    too_big = {**data, "extra": (io.BytesIO(b"y" * 5_000_000), "extra.bin")}
    response = member_client.post(EDIT, data=too_big, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Picture too large" not in response.text and "larger than this site" in response.text


def test_upload_without_csrf_token_is_refused(app, member, member_client):
    assert upload(member_client, picture(), token="").status_code == 400
    assert upload(member_client, picture(), token="forged##token").status_code == 400
    assert stored_avatar(app, member.id) is None


def test_other_members_cannot_upload_or_remove_an_avatar(app, member, member_client):
    make_user(app, "bob")
    bob = app.test_client(user=None)
    login(bob, "bob")
    token = token_for(bob, "/u/bob/edit")
    assert upload(bob, picture(), token=token).status_code == 403
    assert stored_avatar(app, member.id) is None
    upload(member_client, picture())
    response = bob.post("/u/ada/avatar/delete", data={"csrf_token": token})
    assert response.status_code == 403
    assert stored_avatar(app, member.id) is not None


def test_anonymous_visitors_are_sent_to_log_in(app, member, client):
    token = token_for(client, "/login")
    response = upload(client, picture(), token=token)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(EDIT).status_code == 302
    assert stored_avatar(app, member.id) is None


def test_an_admin_can_change_anyones_avatar(app, member, admin_client):
    token = token_for(admin_client, EDIT)
    assert upload(admin_client, picture(), token=token).status_code == 302
    assert stored_avatar(app, member.id) is not None
    assert admin_client.post("/u/ada/avatar/delete", data={"csrf_token": token}).status_code == 302
    assert stored_avatar(app, member.id) is None


def test_the_owner_can_remove_their_avatar(app, member, member_client):
    upload(member_client, picture())
    assert "Remove the picture" in member_client.get(EDIT).text
    response = member_client.post(
        "/u/ada/avatar/delete", data={"csrf_token": token_for(member_client, EDIT)}
    )
    assert response.status_code == 302
    assert stored_avatar(app, member.id) is None
    assert "Remove the picture" not in member_client.get(EDIT).text


def test_uploading_for_an_unknown_user_is_404(app, admin_client):
    token = token_for(admin_client, "/")
    assert upload(admin_client, picture(), path="/u/nobody/avatar", token=token).status_code == 404
