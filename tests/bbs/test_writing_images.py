"""Pictures in posts and comments: uploading them (cleaned and re-encoded), serving them, and
what is refused."""

from __future__ import annotations

import io
import re

import pytest
from avatar_files import (
    decompression_bomb,
    photo_with_exif,
    picture,
    png_with_text,
    svg_with_script,
    truncated_png,
)
from bbs_helpers import make_user, submit, token_for
from PIL import Image

from bbs.db import db
from bbs.models import PostImage

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml"}


def upload(client, data: bytes, filename="photo.png", alt="", headers=JSON, token=None):
    token = token_for(client, "/images/new") if token is None else token
    return client.post(
        "/images",
        data={"csrf_token": token, "picture": (io.BytesIO(data), filename), "alt": alt},
        content_type="multipart/form-data",
        headers=headers,
    )


def stored(app, image_id):
    with app.app_context():
        return db.session.get(PostImage, image_id)


def test_an_upload_is_re_encoded_without_its_metadata(app, member, member_client):
    response = upload(member_client, photo_with_exif(), "holiday.jpg", alt="The beach")
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["markdown"] == f"![The beach](/images/{answer['id']})"
    image = stored(app, answer["id"])
    assert image.owner_id == member.id
    assert b"SpyCam" not in image.data and b"secret comment" not in image.data
    decoded = Image.open(io.BytesIO(image.data))
    assert "exif" not in decoded.info
    # The EXIF orientation was applied to the pixels before it was dropped.
    assert decoded.size == (20, 60) == (answer["width"], answer["height"])


def test_text_chunks_are_left_behind(app, member_client):
    answer = upload(member_client, png_with_text()).get_json()
    assert b"Secret Lane" not in stored(app, answer["id"]).data


def test_an_animated_gif_keeps_its_first_frame(app, member_client):
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "blue")]
    output = io.BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:])
    answer = upload(member_client, output.getvalue(), "moving.gif").get_json()
    decoded = Image.open(io.BytesIO(stored(app, answer["id"]).data))
    assert getattr(decoded, "n_frames", 1) == 1
    red, _green, blue = decoded.convert("RGB").getpixel((5, 5))
    assert red > 200 and blue < 50


def test_large_pictures_are_scaled_down_keeping_their_shape(app, member_client):
    answer = upload(member_client, picture("PNG", size=(4000, 1000))).get_json()
    assert (answer["width"], answer["height"]) == (2048, 512)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (decompression_bomb(), "too large"),
        (picture("PNG", size=(8001, 10)), "too large"),
        (truncated_png(), "not a picture we can use"),
        (svg_with_script(), "not a picture we can use"),
        (b"GIF89a not really", "not a picture we can use"),
        (b"", "Choose a picture"),
    ],
)
def test_bad_files_are_refused_with_a_message(app, member_client, data, message):
    response = upload(member_client, data)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    with app.app_context():
        assert db.session.query(PostImage).count() == 0


def test_a_refused_upload_without_scripts_shows_the_form_with_the_message(member_client):
    response = upload(member_client, decompression_bomb(), headers=HTML)
    assert response.status_code == 400
    assert "The picture is too large" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_a_file_over_the_limit_is_refused_before_it_is_read(member_client):
    response = upload(member_client, b"\0" * (3 * 1024 * 1024 + 70_000))
    assert response.status_code == 413
    assert "3 MB at most" in response.get_json()["error"]


def test_without_scripts_the_page_gives_the_markdown_to_paste(member_client):
    page = member_client.get("/images/new").text
    assert 'action="/images"' in page and 'type="file"' in page
    response = upload(member_client, picture(), alt="A [red] square", headers=HTML)
    assert response.status_code == 201
    page = response.text
    markdown = re.search(r'class="uploaded-markdown" type="text" readonly value="([^"]+)"', page)
    assert markdown is not None
    # The brackets would end the description early: they are left out.
    assert re.fullmatch(r"!\[A red square\]\(/images/[\w-]+\)", markdown.group(1))


def test_uploads_need_a_member_and_a_token(app, client, member_client):
    assert client.get("/images/new").status_code == 302
    assert upload(member_client, picture(), token="forged##token").status_code == 400
    anonymous = upload(client, picture(), token=token_for(client, "/login"))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with app.app_context():
        assert db.session.query(PostImage).count() == 0


def test_uploads_are_limited_per_member(make_app):
    app = make_app(IMAGE_UPLOADS_PER_HOUR=2)
    ada, bob = make_user(app, "ada"), make_user(app, "bob")
    client = app.test_client(user=ada)
    assert [upload(client, picture()).status_code for _ in range(3)] == [201, 201, 429]
    refused = upload(client, picture())
    assert "many pictures" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0
    assert upload(app.test_client(user=bob), picture()).status_code == 201


def test_a_picture_is_served_with_caching_and_strict_headers(app, member_client, client):
    answer = upload(member_client, picture()).get_json()
    response = client.get(answer["url"])
    assert response.status_code == 200
    assert response.mimetype in ("image/webp", "image/png")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    again = client.get(answer["url"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/images/unknown").status_code == 404
    assert client.get("/images/" + "x" * 300).status_code == 404


def test_a_post_shows_its_picture_and_the_page_allows_it(app, member_client):
    answer = upload(member_client, picture(), alt="chart").get_json()
    body = f"Look:\n\n{answer['markdown']}\n\n![elsewhere](https://tracker.example/x.png)"
    response = submit(member_client, "/posts/new", {"title": "Pictures", "body": body})
    page = member_client.get(response.headers["Location"])
    assert f'<img src="{answer["url"]}" alt="chart">' in page.text
    # Another site's picture stays a link: the page never loads it.
    assert '<a href="https://tracker.example/x.png"' in page.text
    assert 'src="https://tracker.example' not in page.text
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";")
    )
    assert "'self'" in policy["img-src"].split()
    assert "https:" not in policy["img-src"] and "*" not in policy["img-src"]


def test_the_editors_offer_insert_image(member_client):
    page = member_client.get("/posts/new").text
    assert 'href="/images/new"' in page and 'data-image-upload="/images"' in page
