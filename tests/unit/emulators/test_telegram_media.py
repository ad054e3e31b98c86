"""Media sniffing used to fill PhotoSize and Voice objects."""

from __future__ import annotations

from nectar_emulators.samples import ogg_opus, png
from nectar_emulators.telegram.media import (
    image_size,
    is_ogg_opus,
    ogg_opus_duration,
    photo_sizes,
)


def test_png_size_is_read_from_its_header() -> None:
    assert image_size(png(640, 480)) == (640, 480)


def test_jpeg_size_is_read_from_its_frame_header() -> None:
    sof = b"\xff\xc0\x00\x11\x08" + (300).to_bytes(2, "big") + (400).to_bytes(2, "big")
    jpeg = b"\xff\xd8" + b"\xff\xe0\x00\x04ab" + sof + b"\x00" * 12

    assert image_size(jpeg) == (400, 300)


def test_unknown_bytes_have_no_size() -> None:
    assert image_size(b"not an image") is None


def test_photo_sizes_are_thumbnails_then_the_photo_capped_at_1280() -> None:
    assert photo_sizes((2560, 1440)) == [(90, 51), (320, 180), (800, 450), (1280, 720)]
    assert photo_sizes((64, 32)) == [(64, 32)]


def test_ogg_opus_duration_comes_from_the_last_granule() -> None:
    voice = ogg_opus(3.0)

    assert is_ogg_opus(voice)
    assert ogg_opus_duration(voice) == 3


def test_non_ogg_has_no_duration() -> None:
    assert ogg_opus_duration(b"ID3\x03 mp3 data") is None
    assert not is_ogg_opus(b"RIFF....WAVE")
