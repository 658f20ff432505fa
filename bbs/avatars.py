"""Avatar images: checking uploads, cleaning and shrinking them, and drawing default avatars.

An upload is read only up to :data:`MAX_BYTES`, opened with Pillow restricted to PNG, JPEG,
GIF and WebP, checked twice (``verify()``, then a full ``load()`` of a fresh copy), refused
when its dimensions could make decoding expensive (a decompression bomb), and re-encoded from
its pixels alone: EXIF (including GPS positions), ICC profiles, comments and text chunks are
left behind. What gets stored is a square WebP (PNG when Pillow lacks WebP) of at most
:data:`SIZE` pixels a side.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import typing as t
from dataclasses import dataclass

from markupsafe import escape
from PIL import Image, ImageOps, features

#: The largest upload accepted, in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: The largest picture accepted: a phone photo passes, a decompression bomb doesn't.
MAX_PIXELS = 16_000_000
MAX_SIDE = 8_000
#: Stored avatars are squares of at most this many pixels a side.
SIZE = 256
ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")

# Pillow refuses outright (DecompressionBombError) what is more than twice this. The checks
# below refuse anything above MAX_PIXELS first; this is the net under them, for every caller.
if not Image.MAX_IMAGE_PIXELS or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_OUTPUT = ("WEBP", "image/webp") if features.check("webp") else ("PNG", "image/png")


class AvatarError(ValueError):
    """An upload that can't be an avatar; the message is meant for the person uploading."""


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An image ready to store and serve: its bytes, their type and an ETag."""

    data: bytes
    mimetype: str
    etag: str


def etag_for(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def read_upload(stream: t.IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """The uploaded bytes, refusing more than ``limit`` without reading further."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AvatarError(f"The picture is too large: {limit // (1024 * 1024)} MB at most.")
    if not data:
        raise AvatarError("Choose a picture to upload.")
    return data


def clean_avatar(data: bytes) -> StoredImage:
    """Check the uploaded ``data`` and re-encode it as a metadata-free square avatar.

    Raises :class:`AvatarError` for anything that isn't a whole PNG, JPEG, GIF or WebP image
    of reasonable dimensions.
    """
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            _check_dimensions(probe.size)
            probe.verify()  # structure and checksums, without decoding the pixels
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            if image.format == "JPEG":
                image.draft("RGB", (SIZE * 2, SIZE * 2))  # decode big photos at a fraction
            image.load()
            pixels = _square(ImageOps.exif_transpose(image))
    except AvatarError:
        raise
    except Image.DecompressionBombError:
        raise AvatarError("The picture is too large.") from None
    except Exception:
        # Malformed files make Pillow raise many kinds of error (OSError, SyntaxError,
        # struct.error, ValueError…); each one only means "not a usable image".
        raise AvatarError(
            "That file is not a picture we can use: upload a PNG, JPEG, GIF or WebP image."
        ) from None
    return _encode(pixels)


def _check_dimensions(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise AvatarError("The picture is empty.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise AvatarError(
            f"The picture is too large: at most {MAX_PIXELS // 1_000_000} million pixels"
            f" and {MAX_SIDE} pixels a side."
        )


def _square(image: Image.Image) -> Image.Image:
    """The middle square of ``image``, at most SIZE pixels a side, as a bare new image."""
    mode = (
        "RGBA" if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info else "RGB"
    )
    side = min(image.size)
    target = min(side, SIZE)
    fitted = ImageOps.fit(image.convert(mode), (target, target), Image.Resampling.LANCZOS)
    # Built from the pixels alone: nothing from the upload's info (EXIF, ICC, text) survives.
    return Image.frombytes(mode, fitted.size, fitted.tobytes())


def _encode(image: Image.Image) -> StoredImage:
    output = io.BytesIO()
    file_format, mimetype = _OUTPUT
    if file_format == "WEBP":
        image.save(output, file_format, quality=85, method=4)
    else:
        image.save(output, file_format, optimize=True)
    data = output.getvalue()
    return StoredImage(data, mimetype, etag_for(data))


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
