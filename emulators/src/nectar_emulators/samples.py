"""Tiny, structurally valid media files for tests (no codecs, no fixtures on disk).

`ogg_opus(seconds)` is an Ogg stream with OpusHead/OpusTags headers and one audio page
whose granule position encodes the duration (the Telegram emulator reads it back as the
voice's duration); `png(width, height)` is a real one-colour PNG.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["ogg_opus", "png"]

_OPUS_PRE_SKIP = 312


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(payload: bytes, *, granule: int, sequence: int, header_type: int) -> bytes:
    segments = [255] * (len(payload) // 255) + [len(payload) % 255]
    header = (
        b"OggS"
        + struct.pack("<BBqIII", 0, header_type, granule, 0x4E454354, sequence, 0)
        + bytes([len(segments), *segments])
    )
    page = header + payload
    crc = _ogg_crc(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def ogg_opus(seconds: float = 1.0, *, payload_size: int = 200) -> bytes:
    """An Ogg/Opus byte stream lasting `seconds` (as far as its granule positions say)."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, _OPUS_PRE_SKIP, 48_000, 0, 0)
    vendor = b"nectar-emulators"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    audio = bytes((i * 37) % 256 for i in range(payload_size))
    granule = _OPUS_PRE_SKIP + round(seconds * 48_000)
    return (
        _ogg_page(head, granule=0, sequence=0, header_type=0x02)
        + _ogg_page(tags, granule=0, sequence=1, header_type=0x00)
        + _ogg_page(audio, granule=granule, sequence=2, header_type=0x04)
    )


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
