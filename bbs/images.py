"""Pictures for posts and comments: checking uploads and re-encoding them from their pixels.

The checks are the avatars' (:mod:`bbs.avatars`): the upload is read only up to
:data:`MAX_BYTES`, opened with Pillow restricted to PNG, JPEG, GIF and WebP, verified, refused
when its dimensions could make decoding expensive (a decompression bomb), then decoded in
full. What is stored is built from the pixels alone, so EXIF (with GPS positions), ICC
profiles, comments and text chunks are left behind; an animated GIF or WebP keeps its first
frame. Pictures wider or taller than :data:`MAX_STORED_SIDE` are scaled down, keeping their
proportions. The result is WebP (PNG when Pillow lacks WebP).
"""

from __future__ import annotations

import io
import typing as t
from dataclasses import dataclass

from PIL import Image, ImageOps, features

from .avatars import ACCEPTED_FORMATS, MAX_PIXELS, MAX_SIDE, etag_for

#: The largest upload accepted, in bytes (below MAX_CONTENT_LENGTH, with room for the form).
MAX_BYTES = 3 * 1024 * 1024
#: Stored pictures are at most this many pixels wide and tall: plenty for a page of text.
MAX_STORED_SIDE = 2048

_OUTPUT = ("WEBP", "image/webp") if features.check("webp") else ("PNG", "image/png")


class ImageRefused(ValueError):
    """An upload that can't be a picture in a post; the message is for the person uploading."""


@dataclass(frozen=True, slots=True)
class CleanImage:
    """A re-encoded picture ready to store: its bytes, type, ETag and dimensions."""

    data: bytes
    mimetype: str
    etag: str
    width: int
    height: int


def read_upload(stream: t.IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """The uploaded bytes, refusing more than ``limit`` without reading further."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImageRefused(f"The picture is too large: {limit // (1024 * 1024)} MB at most.")
    if not data:
        raise ImageRefused("Choose a picture to upload.")
    return data


def clean_image(data: bytes) -> CleanImage:
    """Check ``data`` and re-encode it without its metadata.

    Raises :class:`ImageRefused` for anything that isn't a whole PNG, JPEG, GIF or WebP image
    of reasonable dimensions.
    """
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            _check_dimensions(probe.size)
            probe.verify()  # structure and checksums, without decoding the pixels
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            image.seek(0)  # the first frame of an animation
            if image.format == "JPEG":
                image.draft("RGB", (MAX_STORED_SIDE, MAX_STORED_SIDE))
            image.load()
            pixels = _bare(ImageOps.exif_transpose(image))
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused(_too_large()) from None
    except Exception:
        # Malformed files make Pillow raise many kinds of error; each only means "not a
        # usable image".
        raise ImageRefused(
            "That file is not a picture we can use: upload a PNG, JPEG, GIF or WebP image."
        ) from None
    return _encode(pixels)


def _too_large() -> str:
    return (
        f"The picture is too large: at most {MAX_PIXELS // 1_000_000} million pixels"
        f" and {MAX_SIDE} pixels a side."
    )


def _check_dimensions(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise ImageRefused("The picture is empty.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRefused(_too_large())


def _bare(image: Image.Image) -> Image.Image:
    """``image`` at most MAX_STORED_SIDE a side, as a new image holding only its pixels."""
    transparent = image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info
    converted = image.convert("RGBA" if transparent else "RGB")
    if max(converted.size) > MAX_STORED_SIDE:
        converted.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(image: Image.Image) -> CleanImage:
    output = io.BytesIO()
    file_format, mimetype = _OUTPUT
    if file_format == "WEBP":
        image.save(output, file_format, quality=85, method=4)
    else:
        image.save(output, file_format, optimize=True)
    data = output.getvalue()
    return CleanImage(data, mimetype, etag_for(data), image.width, image.height)
