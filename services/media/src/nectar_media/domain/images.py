"""What kind of image a byte string is, read from the bytes themselves (a renderer's word is
not taken for it)."""

from __future__ import annotations

_PNG = b"\x89PNG\r\n\x1a\n"


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
