"""Pictures for posts and comments: uploads re-encoded from their pixels, at most 2048 a side.

The checks are :mod:`bbs.pictures`'s (size limits, format and bomb checks, decoding from a
verified copy); an animated GIF or WebP keeps its first frame. Pictures wider or taller than
:data:`MAX_STORED_SIDE` are scaled down, keeping their proportions.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from PIL import Image

from . import pictures
from .pictures import PictureRefused, etag_for

#: The largest upload accepted, in bytes (below MAX_CONTENT_LENGTH, with room for the form).
MAX_BYTES = 3 * 1024 * 1024
#: Stored pictures are at most this many pixels wide and tall: plenty for a page of text.
MAX_STORED_SIDE = 2048


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
    return pictures.read_upload(stream, limit)


def clean_image(data: bytes) -> CleanImage:
    """Check ``data`` and re-encode it without its metadata.

    Raises :class:`~bbs.pictures.PictureRefused` for anything that isn't a usable picture.
    """
    image = pictures.decode(data, draft_side=MAX_STORED_SIDE)
    converted = image.convert(pictures.pixel_mode(image))
    if max(converted.size) > MAX_STORED_SIDE:
        converted.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    pixels = pictures.bare(converted)
    encoded, mimetype = pictures.encode(pixels)
    return CleanImage(encoded, mimetype, etag_for(encoded), pixels.width, pixels.height)


__all__ = ["MAX_BYTES", "MAX_STORED_SIDE", "CleanImage", "PictureRefused", "clean_image"]
