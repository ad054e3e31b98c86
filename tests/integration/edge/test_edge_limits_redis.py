"""The chain's Redis adapters hold the same rules as the fakes the unit tests use: the
same scenario runs against both (a port's contract, written once)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from nectar_edge.adapters.redis_store import (
    RedisCostGuard,
    RedisPaymentLog,
    RedisRateLimiter,
    RedisUserDirectory,
)

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "edge"))
from edge_fakes import (
    FakeCostGuard,
    FakePaymentLog,
    FakeRateLimiter,
    FakeUserDirectory,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["fake", "redis"])
def backend(request, redis):
    def make(kind):
        if request.param == "fake":
            return {"rates": FakeRateLimiter, "costs": FakeCostGuard,
                    "payments": FakePaymentLog, "users": FakeUserDirectory}[kind]()
        return {"rates": RedisRateLimiter, "costs": RedisCostGuard,
                "payments": RedisPaymentLog, "users": RedisUserDirectory}[kind](redis)
    return make


async def test_rate_limiter_contract(backend, user_id) -> None:
    rates = backend("rates")
    results = [await rates.hit(user_id, 3, 60) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert 55 < results[-1].retry_after_s <= 60
    assert await rates.notice_once(user_id, 30) is True
    assert await rates.notice_once(user_id, 30) is False


async def test_rate_limiter_window_slides(redis, user_id) -> None:
    rates = RedisRateLimiter(redis)
    assert (await rates.hit(user_id, 1, 0.3)).allowed
    assert not (await rates.hit(user_id, 1, 0.3)).allowed
    await asyncio.sleep(0.35)
    assert (await rates.hit(user_id, 1, 0.3)).allowed


async def test_cost_guard_contract(backend, user_id) -> None:
    costs = backend("costs")
    other = user_id + 1
    assert [await costs.spend(user_id, 2, 10**9) for _ in range(3)] == [True, True, False]
    assert await costs.spend(other, 5, 10**9)


async def test_cost_guard_global_ceiling_in_redis(redis, user_id) -> None:
    costs = RedisCostGuard(redis)
    from datetime import UTC, datetime

    from nectar_edge.domain.limits import day_key

    used = int(await redis.get(f"edge:cost:{day_key(datetime.now(UTC))}:all") or 0)
    assert await costs.spend(user_id, 100, used + 1)
    assert not await costs.spend(user_id + 1, 100, used + 1)
    ttl = await redis.ttl(f"edge:cost:{day_key(datetime.now(UTC))}:{user_id}")
    assert 3600 < ttl <= 86400 + 3600


async def test_payment_log_contract(backend, user_id) -> None:
    payments = backend("payments")
    charge = f"charge-{user_id}"
    assert await payments.record(charge) is True
    assert await payments.record(charge) is False
    await payments.forget(charge)
    assert await payments.record(charge) is True


async def test_user_profile_contract(backend, user_id) -> None:
    users = backend("users")
    empty = await users.profile(user_id, "luna")
    assert (empty.character, empty.session, empty.plan, empty.voice) == (None, None, None,
                                                                          False)
    assert await users.onboard(user_id, "luna") is True
    assert await users.onboard(user_id, "kai") is False
    await users.set_character(user_id, "kai")
    await users.set_session(user_id, "kai", "7")
    await users.set_language(user_id, "ja")
    await users.set_voice(user_id, True)
    await users.cache_plan(user_id, "vip", 5)
    await users.mark_inactive(user_id, "blocked")
    stored = await users.profile(user_id, "luna")
    assert (stored.character, stored.session, stored.plan) == ("kai", "7", "vip")
    assert (stored.language, stored.voice, stored.inactive) == ("ja", True, True)
