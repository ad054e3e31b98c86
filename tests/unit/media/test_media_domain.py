"""Media's pure logic: sizes, prompts, seeds, the checks that refuse a request before
anything is queued, object keys, image bytes, and the registries' replay rules."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from nectar_contracts import uuid7
from nectar_media.domain import (
    Activation,
    BadImageRequest,
    ImageSize,
    LoraVersion,
    MissingModel,
    NotVisual,
    RequestLimits,
    ShopItem,
    Tuning,
    caption_of,
    check_item,
    check_lora,
    check_object_key,
    check_prompt,
    check_reference,
    image_key,
    image_mime,
    next_version,
    normalize_prompt,
    parse_size,
    plan_job,
    png_is_complete,
    png_size,
    preview_key,
    reference_key,
    seed_of,
)
from nectar_media.domain.registry import active_stack, active_version, rollback_target
from nectar_media.fakes import png

LORA = LoraVersion("luna", 3, "sd_xl_base_1.0.safetensors", "luna_v3.safetensors", "a" * 64,
                   0.85, ("luna", "silver hair"))
ITEM = ShopItem("red_dress", "Red silk dress", True, "catalog/items/red_dress/x.png", "b" * 64,
                "wearing a red silk dress")


@pytest.mark.parametrize(("text", "size"), [("832x1216", ImageSize(832, 1216)),
                                            (" 1024 X 768 ", ImageSize(1024, 768)),
                                            ("512×512", ImageSize(512, 512))])
def test_a_size_is_parsed(text: str, size: ImageSize) -> None:
    assert ImageSize.parse(text) == size


@pytest.mark.parametrize("text", ["1024", "1000x7", "8x8", "4096x4096", "axb", ""])
def test_a_bad_size_is_bad_input_that_says_what_is_allowed(text: str) -> None:
    with pytest.raises(BadImageRequest):
        parse_size(text or "x", RequestLimits())


def test_an_unset_size_is_the_default_and_a_large_one_is_bounded() -> None:
    limits = RequestLimits(size=ImageSize(832, 1216), max_pixels=1024 * 1024)
    assert parse_size(None, limits) == parse_size("  ", limits) == ImageSize(832, 1216)
    with pytest.raises(BadImageRequest, match="pixels"):
        parse_size("1536x1536", limits)


def test_a_prompt_is_normalised_and_checked_in_characters() -> None:
    assert normalize_prompt(" a\tcat\n\non the\x00 beach ") == "a cat on the beach"
    assert normalize_prompt("👩‍💻 codes") == "👩‍💻 codes"  # the zero-width joiner stays
    limits = RequestLimits(max_prompt_chars=5)
    assert check_prompt("ciao ", limits) == "ciao"
    with pytest.raises(BadImageRequest, match="at most 5"):
        check_prompt("привет", limits)
    with pytest.raises(BadImageRequest, match="empty"):
        check_prompt(" \n ", limits)
    assert check_prompt(" ", limits, required=False) == ""


def test_seeds_differ_per_job_fit_63_bits_and_repeat_for_one_job() -> None:
    ids = [uuid7() for _ in range(200)]
    seeds = {seed_of(i) for i in ids}
    assert len(seeds) == 200 and all(0 <= s < 2**63 for s in seeds)
    assert seed_of(ids[0]) == seed_of(uuid.UUID(str(ids[0])))


def test_an_item_is_checked_before_anything_is_queued() -> None:
    assert check_item(None, None) is None
    assert check_item("red_dress", ITEM) is ITEM
    with pytest.raises(BadImageRequest, match="unknown shop item"):
        check_item("ghost", None)
    with pytest.raises(NotVisual):
        check_item("drink", ShopItem("drink", "Drink", False))
    with pytest.raises(BadImageRequest, match="no reference"):
        check_item("x", ShopItem("x", "X", True))


def test_a_character_needs_an_active_registered_lora() -> None:
    assert check_lora("luna", 3, LORA) is LORA
    with pytest.raises(BadImageRequest, match="unknown character"):
        check_lora("nobody", None, None)
    with pytest.raises(MissingModel, match="version 4"):
        check_lora("luna", 4, None)


def test_a_reference_must_be_an_image_within_the_limit() -> None:
    image = png(8, 8, (1, 2, 3))
    ref = check_reference(ITEM, image, RequestLimits())
    assert (ref.sha256, ref.extension) == (hashlib.sha256(image).hexdigest(), "png")
    for data, match in ((None, "missing"), (b"GIF89a....", "not a PNG"),
                        (image + b"\0" * 100, "at most")):
        with pytest.raises(BadImageRequest, match=match):
            check_reference(ITEM, data, RequestLimits(max_reference_bytes=len(image) + 10))


def test_a_job_joins_trigger_words_prompt_and_item_hint() -> None:
    tuning = Tuning(LORA.base_model, 2)
    ref = check_reference(ITEM, png(8, 8, (1, 2, 3)), RequestLimits())
    job_id = uuid7()
    job = plan_job(job_id=job_id, user_id=7, character="luna", prompt="at a party",
                   size=ImageSize(512, 512), lora=LORA, item=ITEM, tuning=tuning,
                   reference=ref)
    assert job.prompt == "luna, silver hair, at a party, wearing a red silk dress"
    assert job.seed == seed_of(job_id) and job.checkpoint == LORA.base_model
    preview = plan_job(job_id=uuid7(), user_id=0, character="luna", prompt="",
                       size=ImageSize(512, 512), lora=LORA, kind="shop_preview", item=ITEM,
                       tuning=tuning, reference=ref)
    again = plan_job(job_id=uuid7(), user_id=0, character="luna", prompt="",
                     size=ImageSize(512, 512), lora=LORA, kind="shop_preview", item=ITEM,
                     tuning=tuning, reference=ref)
    assert preview.seed == again.seed  # a preview's seed is fixed by what it shows
    assert preview.prompt == "luna, silver hair, wearing a red silk dress"
    with pytest.raises(ValueError):
        plan_job(job_id=uuid7(), user_id=0, character="luna", prompt="", size=ImageSize(512,
                 512), lora=LORA, item=ITEM)


def test_captions_are_the_users_words_or_the_items_title_within_telegrams_limit() -> None:
    assert caption_of("a fox", None) == "a fox"
    assert caption_of("", ITEM) == "Red silk dress"
    long = caption_of("x" * 2000, None)
    assert len(long) == 1024 and long.endswith("…")


def test_keys_keep_a_users_images_under_their_prefix_by_content() -> None:
    data = png(8, 8, (9, 9, 9))
    key = image_key(42, data, "image/png")
    assert key == f"users/42/images/{hashlib.sha256(data).hexdigest()}.png"
    assert image_key(42, data, "image/png") == key != image_key(43, data, "image/png")
    assert preview_key("luna", "red_dress", 3, 0) == \
        "previews/luna/red_dress/lora-v3-tuning-v0.png"
    assert preview_key("../x", "a/b", 1, 1) == "previews/x/a_b/lora-v1-tuning-v1.png"
    assert reference_key("red_dress", data, "image/jpeg").startswith(
        "catalog/items/red_dress/")
    with pytest.raises(ValueError):
        image_key(1, data, "image/gif")
    for key in (image_key(1, data, "image/png"), preview_key("a", "b", 1, 2)):
        check_object_key(key)


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "a/./b", "x" * 1025])
def test_keys_s3_refuses_or_resolves_differently_are_rejected(key: str) -> None:
    with pytest.raises(ValueError):
        check_object_key(key)


@pytest.mark.parametrize(("data", "mime"), [
    (png(4, 4, (0, 0, 0)), "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
    (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20, "image/webp"),
    (b"\x89PNG\r\n\x1a\n", None),  # a signature alone is not a picture
    (b"<html>", None),
    (b"", None),
])
def test_the_image_type_is_read_from_the_bytes(data: bytes, mime: str | None) -> None:
    assert image_mime(data) == mime


def test_a_png_is_whole_only_with_its_end_chunk_and_its_size_is_read() -> None:
    data = png(30, 20, (1, 1, 1))
    assert png_is_complete(data) and png_size(data) == (30, 20)
    assert not png_is_complete(data[:-6]) and png_size(b"nope") is None


def _log(*entries: tuple[int, int, bool]) -> list[Activation]:
    return [Activation(version, at, rollback) for version, at, rollback in entries]


def test_activations_replay_by_time_whatever_order_they_were_projected_in() -> None:
    log = _log((1, 100, False), (2, 200, False), (3, 300, False), (2, 400, True))
    assert active_stack(log) == [1, 2]
    assert active_version(log) == 2
    assert active_version(list(reversed(log))) == 2
    assert rollback_target(log) == 1
    assert active_version(_log((1, 100, False), (1, 200, False))) == 1  # re-activation
    assert active_version([]) is None and rollback_target(_log((5, 1, False))) is None


def test_two_rollbacks_go_back_two_versions() -> None:
    log = _log((1, 1, False), (2, 2, False), (3, 3, False), (2, 4, True), (1, 5, True))
    assert active_version(log) == 1 and rollback_target(log) is None


def test_versions_are_numbered_after_the_highest() -> None:
    assert next_version([]) == 1 and next_version([1, 4, 2]) == 5
