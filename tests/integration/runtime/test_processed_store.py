"""One contract for the claim store, run against the fake and against real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from nectar_runtime.idempotency import InMemoryProcessedStore, RedisProcessedStore

pytestmark = pytest.mark.integration


@pytest.fixture(params=["fake", "redis"])
async def store(request, infra) -> AsyncIterator:
    if request.param == "fake":
        yield InMemoryProcessedStore()
        return
    client = Redis.from_url(infra.redis_url)
    yield RedisProcessedStore(client, ttl_s=60)
    await client.aclose()


async def test_claims_complete_and_release(store) -> None:
    event = uuid.uuid4().hex
    assert (await store.claim("c", event, "a", 10)).state == "new"
    assert (await store.claim("c", event, "b", 10)).state == "busy"
    await store.release("c", event, "b")
    assert (await store.claim("c", event, "b", 10)).state == "busy"
    await store.release("c", event, "a")
    assert (await store.claim("c", event, "b", 10)).state == "new"
    await store.complete("c", event, "b")
    assert (await store.claim("c", event, "a", 10)).state == "done"
    assert (await store.claim("other-consumer", event, "a", 10)).state == "new"


async def test_a_renewed_lease_outlives_its_first_term_and_a_dead_one_runs_out(store) -> None:
    kept, dropped = uuid.uuid4().hex, uuid.uuid4().hex
    assert (await store.claim("c", kept, "a", 0.3)).state == "new"
    assert (await store.claim("c", dropped, "a", 0.3)).state == "new"
    for _ in range(3):
        await asyncio.sleep(0.15)
        await store.renew("c", kept, "a", 0.3)
        await store.renew("c", dropped, "intruder", 0.3)  # not the holder: no effect
    assert (await store.claim("c", kept, "b", 10)).state == "busy"
    assert (await store.claim("c", dropped, "b", 10)).state == "new"


async def test_positions_only_move_forward(store) -> None:
    user = uuid.uuid4().hex
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    assert await store.claim("c", first, "a", 10, user) == ("new", 0)
    await store.complete("c", first, "a", user, 42)
    assert (await store.claim("c", second, "a", 10, user)).position == 42
    await store.advance("c", user, 17)  # older: ignored
    assert (await store.claim("c", second, "a", 10, user)).position == 42
    await store.advance("c", user, 50)
    assert (await store.claim("other", second, "a", 10, user)).position == 0
    assert (await store.claim("c", uuid.uuid4().hex, "a", 10, user)).position == 50
