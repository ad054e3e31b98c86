"""Just enough media sniffing to fill PhotoSize and Voice objects like Telegram does."""

from __future__ import annotations

import struct

__all__ = ["image_size", "is_ogg_opus", "ogg_opus_duration", "photo_sizes"]

_OPUS_RATE = 48_000


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image, or None when unrecognised."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def photo_sizes(size: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The sizes Telegram keeps for a photo: thumbnails up to 90/320/800 px, then the photo
    itself scaled down to at most 1280 px on its long side."""
    width, height = size or (512, 512)
    longest = max(width, height, 1)
    sizes = []
    for limit in (90, 320, 800, 1280):
        scale = min(1.0, limit / longest)
        sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
        if longest <= limit:
            break
    return sizes


def is_ogg_opus(data: bytes) -> bool:
    """True for an Ogg container whose first stream is Opus (what Telegram plays as a voice)."""
    return data[:4] == b"OggS" and b"OpusHead" in data[:512]


def ogg_opus_duration(data: bytes) -> int | None:
    """Whole seconds of an Ogg/Opus stream, from the last page's granule position."""
    if not is_ogg_opus(data):
        return None
    last_page = data.rfind(b"OggS")
    if last_page < 0 or last_page + 14 > len(data):
        return None
    granule: int = struct.unpack("<q", data[last_page + 6 : last_page + 14])[0]
    head = data.find(b"OpusHead")
    pre_skip: int = struct.unpack("<H", data[head + 10 : head + 12])[0] if head >= 0 else 0
    if granule <= 0:
        return 0
    return max(1, round((granule - pre_skip) / _OPUS_RATE))
