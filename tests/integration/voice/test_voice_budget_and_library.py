"""The voice service's two storage ports, each a contract run against its fake and its real
adapter: the character budget (Redis) and the audio library (S3 on SeaweedFS)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator

import numpy as np
import pytest
from nectar_runtime.objectstore import InMemoryObjectStore, S3ObjectStore
from nectar_voice.adapters.audio import encode_ogg_opus
from nectar_voice.adapters.redis_budget import RedisCharacterBudget, user_key
from nectar_voice.domain import Prosody, Speech, VoiceChoice
from nectar_voice.domain.budget import Refusal
from nectar_voice.domain.errors import BudgetUnavailable
from nectar_voice.domain.storage import cache_object
from nectar_voice.fakes import FakeCharacterBudget
from nectar_voice.library import AudioLibrary
from redis.asyncio import Redis

pytestmark = pytest.mark.integration

DAY = "2026-05-31"


@pytest.fixture(params=["fake", "redis"])
async def budget(request, infra) -> AsyncIterator:
    if request.param == "fake":
        yield FakeCharacterBudget()
        return
    redis = Redis.from_url(infra.redis_url)
    yield RedisCharacterBudget(redis)
    await redis.aclose()


def user() -> int:
    return random.randint(10**9, 2 * 10**9)


async def test_a_reservation_counts_both_and_a_refusal_counts_nothing(budget) -> None:
    me, engine = user(), f"paid{uuid.uuid4().hex[:6]}"

    def reserve(chars: int, user_limit: int = 100, global_limit: int = 150):
        return budget.reserve(engine=engine, user_id=me, day=DAY, chars=chars,
                              user_limit=user_limit, global_limit=global_limit)

    first = await reserve(60)
    assert (first.granted, first.user_spent, first.global_spent) == (True, 60, 60)
    over_user = await reserve(41)
    assert (over_user.granted, over_user.refusal) == (False, Refusal.USER)
    assert await budget.spent(engine=engine, user_id=me, day=DAY) == (60, 60)
    exact = await reserve(40)
    assert exact.granted and exact.user_spent == 100
    other = user()
    over_global = await budget.reserve(engine=engine, user_id=other, day=DAY, chars=51,
                                       user_limit=1000, global_limit=150)
    assert (over_global.granted, over_global.refusal) == (False, Refusal.GLOBAL)
    # settled to what was billed: less gives characters back, more takes them
    await budget.settle(exact, 25)
    assert await budget.spent(engine=engine, user_id=me, day=DAY) == (85, 85)
    await budget.settle(first, 70)
    assert await budget.spent(engine=engine, user_id=me, day=DAY) == (95, 95)
    await budget.settle(over_user, 999)  # a refusal has nothing to settle
    assert await budget.spent(engine=engine, user_id=me, day=DAY) == (95, 95)
    # another day starts from zero
    assert await budget.spent(engine=engine, user_id=me, day="2026-06-01") == (0, 0)
    # erasure forgets the user's counters, not everyone's
    assert await budget.forget_user(me) >= 1
    assert await budget.spent(engine=engine, user_id=me, day=DAY) == (0, 95)


async def test_concurrent_reservations_never_pass_the_limits(infra) -> None:
    redis = Redis.from_url(infra.redis_url)
    try:
        replicas = [RedisCharacterBudget(redis), RedisCharacterBudget(Redis.from_url(
            infra.redis_url))]
        me, engine = user(), f"race{uuid.uuid4().hex[:6]}"
        results = await asyncio.gather(*(
            replicas[i % 2].reserve(engine=engine, user_id=me, day=DAY, chars=7,
                                    user_limit=100, global_limit=1000) for i in range(40)))
        assert sum(r.granted for r in results) == 100 // 7
        assert await replicas[0].spent(engine=engine, user_id=me, day=DAY) == (98, 98)
        ttl = await redis.ttl(user_key(DAY, engine, me))
        assert 0 < ttl <= replicas[0].ttl_s  # counters vanish after the day
        await replicas[1].redis.aclose()
    finally:
        await redis.aclose()


async def test_an_unreachable_redis_is_budget_unavailable() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    budget = RedisCharacterBudget(dead)
    with pytest.raises(BudgetUnavailable):
        await budget.reserve(engine="inworld", user_id=1, day=DAY, chars=1, user_limit=10,
                             global_limit=10)
    await dead.aclose()


@pytest.fixture(params=["fake", "s3"])
async def library(request, infra) -> AsyncIterator[AudioLibrary]:
    if request.param == "fake":
        yield AudioLibrary(InMemoryObjectStore(), "fake")
        return
    bucket = f"voice-{uuid.uuid4().hex[:12]}"
    store = S3ObjectStore(infra.s3_settings(), bucket=bucket)
    await store.start()
    try:
        yield AudioLibrary(store, bucket)
    finally:
        await store.close()


def speech(seconds: float, key: str) -> Speech:
    ogg = encode_ogg_opus(np.zeros(int(seconds * 48000), dtype=np.float32))
    return Speech(ogg=ogg, duration_s=seconds, engine="inworld",
                  voice=VoiceChoice("inworld", "Olivia"), language="en", prosody=Prosody(),
                  chunks=1, chars=10, billed_chars=10, first_audio_ms=1, total_ms=1,
                  cache_key=key)


async def test_the_library_caches_delivers_and_erases_per_user(library) -> None:
    shared, own = uuid.uuid4().hex * 2, uuid.uuid4().hex * 2
    a, b = user(), user()
    assert await library.find(shared) is None
    said = speech(1.0, shared)
    await library.keep(said)
    assert await library.find(shared) == said.ogg
    key_a = await library.deliver(a, said)
    key_b = await library.deliver(b, said)
    await library.keep(speech(0.5, own))
    await library.deliver(a, speech(0.5, own))
    assert key_a == f"users/{a}/voice/{shared}.ogg"
    assert (await library.store.get(key_b)).data == said.ogg
    assert (await library.store.get(key_a)).content_type == "audio/ogg"

    erased = await library.forget_user(a)
    assert (erased.cached, erased.user_objects) == (2, 2)
    assert await library.find(shared) is None and await library.find(own) is None
    assert await library.store.list(f"users/{a}/") == []
    assert await library.store.list(f"users/{b}/") == [key_b]  # b's message stays
    again = await library.forget_user(a)
    assert (again.cached, again.user_objects) == (0, 0)
    assert not await library.store.exists(cache_object(shared))
