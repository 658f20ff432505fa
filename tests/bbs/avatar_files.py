"""Pictures (and things that only look like pictures) for the avatar tests, made on the spot."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(
    file_format: str = "PNG",
    size: tuple[int, int] = (40, 30),
    mode: str = "RGB",
    colour: object = (200, 30, 30),
    **save: object,
) -> bytes:
    """An image of ``size`` in ``file_format``; ``save`` goes to ``Image.save``."""
    output = io.BytesIO()
    Image.new(mode, size, colour).save(output, file_format, **save)
    return output.getvalue()


def photo_with_exif() -> bytes:
    """A JPEG carrying a camera make and a GPS position, rotated by its EXIF orientation."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    return picture("JPEG", size=(60, 20), exif=exif.tobytes(), comment=b"secret comment")


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "home address: 1 Secret Lane")
    return picture("PNG", pnginfo=info)


def truncated_png() -> bytes:
    whole = picture("PNG", size=(64, 64))
    return whole[: len(whole) // 2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb(side: int = 50_000) -> bytes:
    """A small PNG that claims ``side``×``side`` pixels: gigabytes once decoded."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # A few rows of zeros, compressed; the header's claim is what a decoder would trust.
    rows = zlib.compress(b"\0" * (side + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
