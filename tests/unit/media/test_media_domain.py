"""The media domain: request limits, prompt normalisation, seeds, object keys, image types."""

from __future__ import annotations

import uuid

import pytest

from nectar_contracts import uuid7
from nectar_media.domain import (
    BadImageRequest,
    ImageSize,
    RequestLimits,
    check_object_key,
    image_mime,
    normalize_prompt,
    object_key,
    plan_job,
    seed_of,
)
from nectar_media.fakes import png


@pytest.mark.parametrize(("text", "size"), [
    ("1024x1024", ImageSize(1024, 1024)),
    (" 832 X 1216 ", ImageSize(832, 1216)),
    ("768×512", ImageSize(768, 512)),
])
def test_a_size_is_parsed(text: str, size: ImageSize) -> None:
    assert ImageSize.parse(text) == size
    assert ImageSize.parse(str(size)) == size


@pytest.mark.parametrize("text", ["1024", "1024x", "x1024", "1024*1024", "big", "1004x1000",
                                  "128x128", "4096x1024", "1024x-8"])
def test_a_bad_size_says_what_is_allowed(text: str) -> None:
    with pytest.raises(ValueError, match="WIDTHxHEIGHT|multiple of 8"):
        ImageSize.parse(text)


def test_a_prompt_is_normalised() -> None:
    assert normalize_prompt("  a cat\n\non the\tbeach \x00\x07 ") == "a cat on the beach"
    family = "a family 👨\u200d👩\u200d👧 picnic"  # the joiners make one emoji; they stay
    assert normalize_prompt(family) == family


def _job(prompt: str, limit: int = 20, job_id: uuid.UUID | None = None):
    return plan_job(job_id or uuid7(), 42, "luna", prompt, RequestLimits(max_prompt_chars=limit))


def test_a_job_carries_the_normalised_prompt_the_size_and_a_seed_from_its_id() -> None:
    job_id = uuid7()
    job = _job("  two  cats ", job_id=job_id)
    assert (job.job_id, job.user_id, job.character, job.prompt) == (job_id, 42, "luna",
                                                                    "two cats")
    assert job.size == RequestLimits().size
    assert job.seed == seed_of(job_id) == _job("other", job_id=job_id).seed


def test_seeds_differ_per_job_and_fit_63_bits() -> None:
    seeds = {seed_of(uuid7()) for _ in range(2000)}
    assert len(seeds) == 2000
    assert all(0 <= seed < 2**63 for seed in seeds)
    assert max(seeds) > 2**62  # spread over the range, not just the low bits


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t", "\x00\x1b"])
def test_a_blank_prompt_is_a_bad_request(prompt: str) -> None:
    with pytest.raises(BadImageRequest, match="empty"):
        _job(prompt)


@pytest.mark.parametrize("prompt", [
    "a" * 20,                      # exactly the limit
    "猫" * 20,                     # characters, not bytes
    "a" * 19 + "   \n\n  ",        # trailing white space does not count
])
def test_the_limit_counts_characters_after_normalising(prompt: str) -> None:
    assert len(_job(prompt).prompt) <= 20


@pytest.mark.parametrize("prompt", ["a" * 21, "猫" * 21, "ab " * 7 + "c"])
def test_an_over_long_prompt_is_a_bad_request_that_says_the_limit(prompt: str) -> None:
    with pytest.raises(BadImageRequest, match="at most 20"):
        _job(prompt)


def test_object_keys_are_per_user_and_job() -> None:
    job = _job("a cat")
    assert object_key(job, "image/png") == f"images/42/{job.job_id}.png"
    assert object_key(job, "image/jpeg").endswith(".jpg")
    with pytest.raises(ValueError, match="no object key"):
        object_key(job, "text/html")


@pytest.mark.parametrize("key", ["", "/images/1.png", "images//1.png", "images/../1.png",
                                 "images/./1.png", "images/1/", "é" * 513])
def test_keys_s3_refuses_or_resolves_differently_are_rejected(key: str) -> None:
    with pytest.raises(ValueError, match="object key"):
        check_object_key(key)


def test_a_long_key_within_1024_bytes_is_fine() -> None:
    check_object_key("images/" + "é" * 508)  # 7 + 1016 bytes


@pytest.mark.parametrize(("data", "mime"), [
    (png(8, 8, (1, 2, 3)), "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00", "image/webp"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8L", "image/webp"),
    (b"\x89PNG\r\n\x1a\n", None),                            # signature without a header
    (b"<html><body>502 Bad Gateway</body></html>", None),
    (b'{"error": "out of memory"}', None),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),                 # audio, not an image
    (b"", None),
])
def test_the_image_type_is_read_from_the_bytes(data: bytes, mime: str | None) -> None:
    assert image_mime(data) == mime
