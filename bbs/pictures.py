"""Uploaded pictures, checked and decoded safely, and re-encoded from their pixels alone.

Avatars (:mod:`bbs.avatars`) and pictures in posts (:mod:`bbs.images`) share these checks: an
upload is read only up to a limit, opened with Pillow restricted to PNG, JPEG, GIF and WebP,
refused when its dimensions could make decoding expensive (a decompression bomb), verified, then
decoded in full from a fresh copy. What callers store is built from the pixels alone, so EXIF
(with GPS positions), ICC profiles, comments and text chunks are left behind. The stored format
is WebP (PNG when Pillow lacks WebP).
"""

from __future__ import annotations

import hashlib
import io
import typing as t

from PIL import Image, ImageOps, features

from .i18n import gettext

#: The largest picture accepted: a phone photo passes, a decompression bomb doesn't.
MAX_PIXELS = 16_000_000
MAX_SIDE = 8_000
ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")

# Pillow refuses outright (DecompressionBombError) what is more than twice this. The checks
# below refuse anything above MAX_PIXELS first; this is the net under them, for every caller.
if not Image.MAX_IMAGE_PIXELS or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_OUTPUT = ("WEBP", "image/webp") if features.check("webp") else ("PNG", "image/png")


def _too_large() -> str:
    return gettext(
        "The picture is too large: at most %(million)d million pixels and %(side)d pixels a side.",
        million=MAX_PIXELS // 1_000_000,
        side=MAX_SIDE,
    )


class PictureRefused(ValueError):
    """An upload that can't be used as a picture; the message is for the person uploading."""


def etag_for(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def read_upload(stream: t.IO[bytes], limit: int) -> bytes:
    """The uploaded bytes, refusing more than ``limit`` without reading further."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PictureRefused(
            gettext("The picture is too large: %(num)d MB at most.", num=limit // (1024 * 1024))
        )
    if not data:
        raise PictureRefused(gettext("Choose a picture to upload."))
    return data


def decode(data: bytes, draft_side: int) -> Image.Image:
    """The first frame of the picture in ``data``, upright, decoded after every check.

    A JPEG is decoded at the smallest scale still at least ``draft_side`` pixels a side. Raises
    :class:`PictureRefused` for anything that isn't a whole PNG, JPEG, GIF or WebP image of
    reasonable dimensions.
    """
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            _check_dimensions(probe.size)
            probe.verify()  # structure and checksums, without decoding the pixels
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            image.seek(0)  # the first frame of an animation
            if image.format == "JPEG":
                image.draft("RGB", (draft_side, draft_side))  # big photos at a fraction
            image.load()
            return ImageOps.exif_transpose(image)
    except PictureRefused:
        raise
    except Image.DecompressionBombError:
        raise PictureRefused(_too_large()) from None
    except Exception:
        # Malformed files make Pillow raise many kinds of error (OSError, SyntaxError,
        # struct.error, ValueError…); each one only means "not a usable image".
        raise PictureRefused(
            gettext("That file is not a picture we can use: upload a PNG, JPEG, GIF or WebP image.")
        ) from None


def pixel_mode(image: Image.Image) -> str:
    """RGBA for a picture with any transparency, RGB otherwise."""
    transparent = image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info
    return "RGBA" if transparent else "RGB"


def bare(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels of ``image``: nothing from its info survives."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def encode(image: Image.Image) -> tuple[bytes, str]:
    """``image`` in the stored format: its bytes and their media type."""
    output = io.BytesIO()
    file_format, mimetype = _OUTPUT
    if file_format == "WEBP":
        image.save(output, file_format, quality=85, method=4)
    else:
        image.save(output, file_format, optimize=True)
    return output.getvalue(), mimetype


def _check_dimensions(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise PictureRefused(gettext("The picture is empty."))
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PictureRefused(_too_large())
