"""The contracts of the media ports (`nectar_media.ports`), written once for every adapter.

Today only the fakes implement them. The real adapters (the ComfyUI worker pool, the S3
store) join the fixtures' params when they land, and this file moves to
`tests/integration/media/` beside the servers they need (as memory's store contract runs
against the fake and a real Redis), which keeps the fakes honest."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable
from dataclasses import replace

import pytest

from nectar_contracts import uuid7
from nectar_media.domain import (
    ImageJob,
    ImageSize,
    ObjectStoreUnavailable,
    RequestLimits,
    image_mime,
    plan_job,
)
from nectar_media.fakes import FakeImageRenderer, FakeObjectStore
from nectar_media.ports import ImageRenderer, ObjectStore


@pytest.fixture(params=["fake"])
def renderer(request) -> ImageRenderer:
    return FakeImageRenderer()


@pytest.fixture(params=["fake"])
def store_and_outage(request) -> tuple[ObjectStore, Callable[[], None]]:
    """An object store, and what takes it down."""
    store = FakeObjectStore()
    return store, lambda: setattr(store, "available", False)


def _job(prompt: str = "a lighthouse at dusk", size: ImageSize = ImageSize(256, 384)
         ) -> ImageJob:
    return plan_job(uuid7(), 11, "luna", prompt, RequestLimits(size=size))


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- ImageRenderer ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [ImageSize(256, 384), ImageSize(512, 512)])
async def test_a_render_is_an_image_of_the_jobs_size(renderer: ImageRenderer,
                                                     size: ImageSize) -> None:
    image = await renderer.render(_job(size=size))
    assert image_mime(image.data) == "image/png"
    assert _png_size(image.data) == (size.width, size.height)


async def test_the_same_seed_renders_the_same_picture(renderer: ImageRenderer) -> None:
    job = _job()
    again = await renderer.render(job)
    assert (await renderer.render(job)).data == again.data
    other_seed = replace(job, job_id=uuid.uuid4(), seed=job.seed ^ 1)
    assert (await renderer.render(other_seed)).data != again.data


# -- ObjectStore ------------------------------------------------------------------------------

async def test_a_put_object_can_be_read_back(store_and_outage) -> None:
    store, _ = store_and_outage
    key = f"images/11/{uuid7()}.png"
    stored = await store.put(key, b"\x89PNG first", "image/png")
    assert stored.key == key and key in stored.url
    assert await store.get(key) == b"\x89PNG first"
    assert await store.get(f"images/11/{uuid7()}.png") is None


async def test_putting_a_key_again_replaces_its_object(store_and_outage) -> None:
    store, _ = store_and_outage
    key = f"images/11/{uuid7()}.png"
    first = await store.put(key, b"one", "image/png")
    second = await store.put(key, b"two", "image/png")
    assert first.url == second.url
    assert await store.get(key) == b"two"


@pytest.mark.parametrize("key", ["", "/images/1.png", "images/../1.png", "a" * 1025])
async def test_a_key_s3_refuses_is_a_bug_not_an_outage(store_and_outage, key: str) -> None:
    store, _ = store_and_outage
    with pytest.raises(ValueError, match="object key"):
        await store.put(key, b"x", "image/png")


async def test_a_store_that_is_down_raises_its_outage(store_and_outage) -> None:
    store, take_down = store_and_outage
    take_down()
    with pytest.raises(ObjectStoreUnavailable):
        await store.put(f"images/11/{uuid7()}.png", b"x", "image/png")
    with pytest.raises(ObjectStoreUnavailable):
        await store.get(f"images/11/{uuid7()}.png")
