"""The cost guard reads its counters again after a transient timeout before failing closed."""

from __future__ import annotations

import pytest
from redis.exceptions import TimeoutError as RedisTimeout

from nectar_llm.adapters.redis_guard import RedisCostGuard
from nectar_llm.domain.errors import GuardUnavailable


class _SlowThenFine:
    """Counters whose first `failures` reads time out."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.reads = 0

    async def mget(self, *keys: str) -> list[bytes | None]:
        self.reads += 1
        if self.reads <= self.failures:
            raise RedisTimeout("Timeout reading from socket")
        return [b"0.01", b"1.0"]


def _guard(client: _SlowThenFine) -> RedisCostGuard:
    return RedisCostGuard("redis://unused", user_daily_usd=1.0, global_daily_usd=100.0,
                          client=client, retries=2, retry_delay_s=0.001)


async def test_one_slow_read_is_not_an_outage() -> None:
    client = _SlowThenFine(failures=1)
    await _guard(client).admit(7)  # admitted: no exception
    assert client.reads == 2


async def test_a_real_outage_still_fails_closed() -> None:
    client = _SlowThenFine(failures=10)
    with pytest.raises(GuardUnavailable, match="fail closed"):
        await _guard(client).admit(7)
    assert client.reads == 3
