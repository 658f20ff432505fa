"""bbs.avatars: what pictures are accepted, and what is kept of them."""

from __future__ import annotations

import io

import pytest
from avatar_files import (
    decompression_bomb,
    photo_with_exif,
    picture,
    png_with_text,
    svg_with_script,
    truncated_png,
)
from PIL import Image

from bbs.avatars import MAX_BYTES, SIZE, PictureRefused, clean_avatar, default_avatar, read_upload


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("file_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_the_four_formats_are_accepted_and_re_encoded(file_format):
    stored = clean_avatar(picture(file_format, size=(40, 30)))
    image = opened(stored.data)
    assert image.format == stored.mimetype.split("/")[1].upper()
    assert image.size == (30, 30)  # the middle square, not enlarged


def test_big_pictures_are_shrunk_to_a_square():
    stored = clean_avatar(picture("PNG", size=(1200, 800)))
    assert opened(stored.data).size == (SIZE, SIZE)


def test_transparency_survives():
    stored = clean_avatar(picture("PNG", size=(20, 20), mode="RGBA", colour=(0, 0, 0, 0)))
    assert opened(stored.data).getpixel((5, 5))[3] == 0


def test_exif_and_comments_are_stripped_after_applying_the_orientation():
    original = photo_with_exif()
    assert b"SpyCam" in original and b"secret comment" in original
    stored = clean_avatar(original)
    assert b"SpyCam" not in stored.data and b"secret comment" not in stored.data
    image = opened(stored.data)
    assert not image.getexif()
    assert "icc_profile" not in image.info and "exif" not in image.info
    assert image.size == (20, 20)


def test_png_text_chunks_are_stripped():
    stored = clean_avatar(png_with_text())
    assert b"Secret Lane" not in stored.data


def test_the_etag_follows_the_bytes():
    one, two = clean_avatar(picture(colour=(1, 2, 3))), clean_avatar(picture(colour=(9, 9, 9)))
    assert one.etag != two.etag
    assert clean_avatar(picture(colour=(1, 2, 3))).etag == one.etag


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, not a picture",
        b"",
        b"\x89PNG\r\n\x1a\n",
        svg_with_script(),
        b"GIF89a" + b"\0" * 20,
        picture("BMP"),
        picture("TIFF"),
    ],
    ids=["text", "empty", "png-signature-only", "svg", "broken-gif", "bmp", "tiff"],
)
def test_non_images_and_other_formats_are_refused(data):
    with pytest.raises(PictureRefused, match="not a picture we can use"):
        clean_avatar(data)


def test_a_truncated_image_is_refused():
    with pytest.raises(PictureRefused, match="not a picture we can use"):
        clean_avatar(truncated_png())


def test_a_truncated_jpeg_is_refused():
    whole = picture("JPEG", size=(200, 200))
    with pytest.raises(PictureRefused):
        clean_avatar(whole[: len(whole) // 2])


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = decompression_bomb()
    assert len(bomb) < 10_000
    with pytest.raises(PictureRefused, match="too large"):
        clean_avatar(bomb)


def test_a_long_thin_picture_is_refused():
    with pytest.raises(PictureRefused, match="too large"):
        clean_avatar(picture("PNG", size=(9000, 1), mode="L", colour=0))


def test_uploads_are_read_no_further_than_the_limit():
    stream = io.BytesIO(b"x" * (MAX_BYTES + 100))
    with pytest.raises(PictureRefused, match="too large"):
        read_upload(stream)
    assert stream.tell() == MAX_BYTES + 1
    assert read_upload(io.BytesIO(b"abc")) == b"abc"
    with pytest.raises(PictureRefused, match="Choose a picture"):
        read_upload(io.BytesIO(b""))


def test_default_avatars_are_deterministic_and_differ_by_name():
    ada, again, bob = default_avatar("ada"), default_avatar("ada"), default_avatar("bob")
    assert ada == again
    assert ada.data != bob.data and ada.etag != bob.etag
    assert ada.mimetype == "image/svg+xml"
    assert b">A</text>" in ada.data


def test_default_avatar_letters_are_escaped():
    svg = default_avatar("<script>").data
    assert b"<script" not in svg and b"&lt;</text>" in svg
    assert b"&amp;</text>" in default_avatar("&amp").data
