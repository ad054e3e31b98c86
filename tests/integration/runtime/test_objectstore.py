"""The object store port: one contract run against the fake and against the local stack's
real S3 API (SeaweedFS)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from nectar_runtime.objectstore import (
    InMemoryObjectStore,
    ObjectNotFound,
    ObjectStoreUnavailable,
    S3ObjectStore,
    user_prefix,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["fake", "s3"])
async def store(request, infra) -> AsyncIterator:
    if request.param == "fake":
        yield InMemoryObjectStore()
        return
    real = S3ObjectStore(infra.s3_settings(), bucket=f"test-{uuid.uuid4().hex[:12]}")
    await real.start()
    try:
        yield real
    finally:
        await real.close()


async def test_put_get_list_and_delete_by_user_prefix(store) -> None:
    await store.check()
    mine, theirs = user_prefix(41), user_prefix(42)
    await store.put(f"{mine}images/a.png", b"\x89PNG a", "image/png")
    await store.put(f"{mine}audio/b.ogg", b"OggS b", "audio/ogg")
    await store.put(f"{theirs}images/c.png", b"\x89PNG c", "image/png")
    got = await store.get(f"{mine}images/a.png")
    assert (got.data, got.content_type) == (b"\x89PNG a", "image/png")
    assert await store.exists(f"{mine}audio/b.ogg")
    assert await store.list(mine) == [f"{mine}audio/b.ogg", f"{mine}images/a.png"]
    assert await store.delete_prefix(mine) == 2
    assert await store.list(mine) == []
    assert await store.list(theirs) == [f"{theirs}images/c.png"]
    with pytest.raises(ObjectNotFound):
        await store.get(f"{mine}images/a.png")
    await store.delete(f"{mine}images/a.png")  # missing: no error
    with pytest.raises(ValueError):
        await store.delete_prefix("")


async def test_wrong_credentials_are_an_outage_not_a_missing_object(infra) -> None:
    store = S3ObjectStore(infra.s3_settings(secret_access_key="not-the-secret"),
                          bucket=f"test-{uuid.uuid4().hex[:12]}")
    await store.start()
    try:
        with pytest.raises(ObjectStoreUnavailable):
            await store.put("users/1/x", b"x", "application/octet-stream")
        with pytest.raises(ObjectStoreUnavailable):
            await store.check()
    finally:
        await store.close()


async def test_a_prefix_is_a_string_prefix_not_a_folder(store) -> None:
    await store.put("users/4/a.ogg", b"OggS a", "audio/ogg")
    await store.put("users/41/b.ogg", b"OggS b", "audio/ogg")
    await store.put("users/4/deeper/c.ogg", b"OggS c", "audio/ogg")
    assert await store.list("users/4/") == ["users/4/a.ogg", "users/4/deeper/c.ogg"]
    assert await store.list("users/4") == ["users/4/a.ogg", "users/4/deeper/c.ogg",
                                          "users/41/b.ogg"]
    assert await store.list("users/4/deeper/c") == ["users/4/deeper/c.ogg"]
    assert await store.delete_prefix("users/4/") == 2
    assert await store.list("users/") == ["users/41/b.ogg"]


async def test_a_missing_bucket_is_an_outage_not_a_missing_object(infra) -> None:
    store = S3ObjectStore(infra.s3_settings(create_buckets=False),
                          bucket=f"absent-{uuid.uuid4().hex[:12]}")
    await store.start()
    try:
        with pytest.raises(ObjectStoreUnavailable):
            await store.check()
        with pytest.raises(ObjectStoreUnavailable):
            await store.get("users/1/x")
    finally:
        await store.close()


async def test_a_store_that_does_not_answer_is_an_outage_within_the_timeout(infra) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = S3ObjectStore(infra.s3_settings(url=f"http://127.0.0.1:{port}", timeout_s=1.0),
                          bucket="nowhere")
    await store.start()  # the bucket cannot be made: readiness reports it, start does not fail
    try:
        for call in (store.check(), store.get("users/1/x"),
                     store.put("users/1/x", b"x", "application/octet-stream"),
                     store.list("users/1/")):
            with pytest.raises(ObjectStoreUnavailable):
                await asyncio.wait_for(call, 10)
    finally:
        await store.close()
