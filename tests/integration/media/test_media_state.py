"""The contracts of media's state ports, run against the fakes and the real Redis adapters
(which keeps the fakes honest): the registries' projection, the quota, the cancel board."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from nectar_media.adapters.redis_state import RedisCancelBoard, RedisQuotaLedger, RedisRegistry
from nectar_media.domain import Activation, LoraVersion, ShopItem, Tuning
from nectar_media.domain.registry import active_version
from nectar_media.fakes import FakeCancelBoard, FakeQuotaLedger, FakeRegistry

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(infra) -> AsyncIterator[Redis]:  # type: ignore[no-untyped-def]
    client = Redis.from_url(infra.redis_url)
    yield client
    await client.aclose()


@pytest.fixture(params=["fake", "redis"])
async def registry(request, redis: Redis) -> Any:  # type: ignore[no-untyped-def]
    if request.param == "fake":
        return FakeRegistry()
    return RedisRegistry(redis, prefix=f"test:{uuid.uuid4().hex}:reg:")


@pytest.fixture(params=["fake", "redis"])
def quota(request, redis: Redis) -> Any:  # type: ignore[no-untyped-def]
    return FakeQuotaLedger() if request.param == "fake" else RedisQuotaLedger(redis)


@pytest.fixture(params=["fake", "redis"])
def cancels(request, redis: Redis) -> Any:  # type: ignore[no-untyped-def]
    return FakeCancelBoard() if request.param == "fake" else RedisCancelBoard(redis)


def _lora(version: int, file: str | None = None) -> LoraVersion:
    return LoraVersion("mira", version, "xl.safetensors", file or f"mira_v{version}.st",
                       "a" * 64, 0.85, ("mira", "red hair"))


async def test_a_lora_version_is_registered_once(registry) -> None:  # type: ignore[no-untyped-def]
    assert await registry.add_lora(_lora(1))
    assert await registry.add_lora(_lora(1))  # the same again: fine
    assert not await registry.add_lora(_lora(1, "other.st"))  # a different one: refused
    assert await registry.add_lora(_lora(2))
    assert await registry.lora_versions("mira") == [_lora(1), _lora(2)]
    assert await registry.characters() == ["mira"]
    assert await registry.lora_versions("nobody") == []


async def test_activation_logs_are_idempotent_and_replay_by_time(registry) -> None:  # type: ignore[no-untyped-def]
    entries = [("e3", Activation(1, 300, rollback=True)), ("e1", Activation(1, 100)),
               ("e2", Activation(2, 200)), ("e2", Activation(2, 200))]
    for event_id, entry in entries:
        await registry.log_lora_activation("mira", entry, event_id)
    log = await registry.lora_log("mira")
    assert [a.at_ms for a in log] == [100, 200, 300]
    assert active_version(log) == 1
    await registry.log_tuning_activation("xl.safetensors", Activation(4, 10, note="n"), "t1")
    assert await registry.tuning_log("xl.safetensors") == [Activation(4, 10, note="n")]
    assert await registry.base_models() == ["xl.safetensors"]


async def test_tuning_versions_are_kept_per_base_model(registry) -> None:  # type: ignore[no-untyped-def]
    tuning = Tuning("xl.safetensors", 1, weight=0.35, end_at=0.75, weight_type="linear")
    assert await registry.add_tuning(tuning)
    assert not await registry.add_tuning(Tuning("xl.safetensors", 1, weight=0.5))
    assert await registry.tunings("xl.safetensors") == [tuning]
    assert await registry.tunings("other.safetensors") == []


async def test_items_are_last_writer_wins_with_tombstones(registry) -> None:  # type: ignore[no-untyped-def]
    dress = ShopItem("dress", "Dress", True, "catalog/items/dress/x.png", "b" * 64, "a dress")
    newer = ShopItem("dress", "Red dress", True, "catalog/items/dress/y.png", "c" * 64, "")
    assert await registry.put_item(newer, "dress", 200)
    assert not await registry.put_item(dress, "dress", 100)  # older: ignored
    assert await registry.item("dress") == newer
    assert await registry.put_item(None, "dress", 300)  # removed
    assert await registry.item("dress") is None
    assert not await registry.put_item(newer, "dress", 250)
    assert await registry.put_item(dress, "dress", 400)  # added again later
    assert [i.item_id for i in await registry.items()] == ["dress"]
    assert await registry.item("ghost") is None


async def test_the_quota_counts_a_job_once_per_day(quota) -> None:  # type: ignore[no-untyped-def]
    user = uuid.uuid4().int % 10**9
    today, tomorrow = dt.date(2026, 5, 1), dt.date(2026, 5, 2)
    job = uuid.uuid4()
    assert await quota.used(user, today) == 0
    assert await quota.spend(user, today, job) == 1
    assert await quota.spend(user, today, job) == 1  # a redelivery
    assert await quota.spend(user, today, uuid.uuid4()) == 2
    assert await quota.used(user, today) == 2 and await quota.used(user, tomorrow) == 0


async def test_a_cancel_is_seen_by_every_replica(cancels) -> None:  # type: ignore[no-untyped-def]
    job = uuid.uuid4()
    assert not await cancels.requested(job)
    await cancels.request(job)
    await cancels.request(job)
    assert await cancels.requested(job) and not await cancels.requested(uuid.uuid4())


async def test_the_redis_quota_expires_and_the_registry_can_be_wiped(redis: Redis) -> None:
    user = uuid.uuid4().int % 10**9
    await RedisQuotaLedger(redis, ttl_s=100).spend(user, dt.date(2026, 5, 1), uuid.uuid4())
    assert 0 < await redis.ttl(f"media:quota:{user}:2026-05-01") <= 100
    registry = RedisRegistry(redis, prefix=f"test:{uuid.uuid4().hex}:reg:")
    await registry.add_lora(_lora(1))
    await registry.put_item(None, "x", 1)
    assert await registry.wipe() == 3
    assert await registry.characters() == []
