"""What kind of image a byte string is, and its size, read from the bytes themselves (a
renderer's word is not taken for it)."""

from __future__ import annotations

import struct

_PNG = b"\x89PNG\r\n\x1a\n"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def image_mime(data: bytes) -> str | None:
    """`image/png`, `image/jpeg` or `image/webp` when `data` starts like one (for PNG: the
    signature followed by its IHDR header chunk), else None."""
    if data.startswith(_PNG) and data[12:16] == b"IHDR" and len(data) >= 33:
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:15] == b"VP8":
        return "image/webp"
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None when `data` is not a PNG."""
    if image_mime(data) != "image/png":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width > 0 and height > 0 else None


def png_is_complete(data: bytes) -> bool:
    """A PNG that ends with its IEND chunk (a truncated download does not)."""
    return image_mime(data) == "image/png" and data[-12:-8] == b"\x00\x00\x00\x00" \
        and data[-8:-4] == b"IEND"
