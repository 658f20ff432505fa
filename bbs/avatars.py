"""Avatars: uploads made into small squares, and default avatars drawn from the name.

An upload goes through :mod:`bbs.pictures` (size limits, format and bomb checks, decoding from a
verified copy) and is re-encoded from its pixels alone as a square of at most :data:`SIZE`
pixels a side.
"""

from __future__ import annotations

import colorsys
import hashlib
import typing as t
from dataclasses import dataclass

from markupsafe import escape
from PIL import Image, ImageOps

from . import pictures
from .pictures import PictureRefused, etag_for

#: The largest upload accepted, in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: Stored avatars are squares of at most this many pixels a side.
SIZE = 256


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An image ready to store and serve: its bytes, their type and an ETag."""

    data: bytes
    mimetype: str
    etag: str


def read_upload(stream: t.IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """The uploaded bytes, refusing more than ``limit`` without reading further."""
    return pictures.read_upload(stream, limit)


def clean_avatar(data: bytes) -> StoredImage:
    """Check the uploaded ``data`` and re-encode it as a metadata-free square avatar.

    Raises :class:`~bbs.pictures.PictureRefused` for anything that isn't a usable picture.
    """
    image = pictures.decode(data, draft_side=SIZE * 2)
    mode = pictures.pixel_mode(image)
    target = min(min(image.size), SIZE)
    fitted = ImageOps.fit(image.convert(mode), (target, target), Image.Resampling.LANCZOS)
    encoded, mimetype = pictures.encode(pictures.bare(fitted))
    return StoredImage(encoded, mimetype, etag_for(encoded))


__all__ = ["MAX_BYTES", "SIZE", "PictureRefused", "StoredImage", "clean_avatar", "read_upload"]


def default_avatar(username: str) -> StoredImage:
    """A generated avatar: the name's first letter on a colour derived from the name.

    The same name always gets the same picture (and ETag); the letter is escaped, so no name
    can put markup into the SVG.
    """
    digest = hashlib.sha256(username.casefold().encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    red, green, blue = (round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.42, 0.55))
    initial = escape(username[:1].upper() or "?")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"'
        ' role="img">'
        f'<rect width="256" height="256" fill="#{red:02x}{green:02x}{blue:02x}"/>'
        '<text x="128" y="128" dy="0.35em" text-anchor="middle" fill="#ffffff"'
        ' font-family="system-ui, sans-serif" font-size="136" font-weight="600">'
        f"{initial}</text></svg>"
    ).encode()
    return StoredImage(svg, "image/svg+xml", etag_for(svg))
