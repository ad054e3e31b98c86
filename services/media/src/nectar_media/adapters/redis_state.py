"""Redis adapters of media's state: the registries' projection, the daily quota, cancel
requests. Keys start with `media:`. Redis errors surface as the runtime's outage errors
(`redis.ConnectionError` and kin are recognised by `outage_of`), so a consumer retries while
Redis is down.

Keys:
- `media:reg:characters` (set), `media:reg:lora:<character>` (hash version -> JSON),
  `media:reg:lora_log:<character>` (sorted set of activations by time);
- `media:reg:bases` (set), `media:reg:tuning:<base>` (hash), `media:reg:tuning_log:<base>`;
- `media:reg:items` (hash item id -> JSON `{at_ms, item|null}`);
- `media:quota:<user>:<YYYY-MM-DD>` (set of job ids, expires after two days);
- `media:cancel:<job id>` (expires after a day).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict
from typing import Any

from redis.asyncio import Redis

from nectar_media.domain import Activation, LoraVersion, ShopItem, Tuning

_PUT_ITEM = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local stored = cjson.decode(old)
  local at = tonumber(ARGV[3])
  if stored['at_ms'] > at or (stored['at_ms'] == at and old >= ARGV[2]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _lora(raw: Any) -> LoraVersion:
    data = json.loads(raw)
    data["trigger_words"] = tuple(data.get("trigger_words", ()))
    return LoraVersion(**data)


def _activation_member(entry: Activation, event_id: str) -> str:
    return json.dumps({"event": event_id, **asdict(entry)}, sort_keys=True)


def _activations(members: list[Any]) -> list[Activation]:
    out = []
    for raw in members:
        data = json.loads(raw)
        data.pop("event", None)
        out.append(Activation(**data))
    return out


class RedisRegistry:
    """`Registry` on Redis (see the module docstring for the keys)."""

    def __init__(self, redis: Redis, prefix: str = "media:reg:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._put_item = redis.register_script(_PUT_ITEM)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def _add(self, kind: str, index: str, owner: str, version: int, payload: str) -> bool:
        key = self._key(kind, owner)
        added = await self.redis.hsetnx(key, str(version), payload)
        await self.redis.sadd(self._key(index), owner)
        if added:
            return True
        return _text(await self.redis.hget(key, str(version))) == payload

    async def add_lora(self, lora: LoraVersion) -> bool:
        payload = json.dumps(asdict(lora), sort_keys=True)
        return await self._add("lora", "characters", lora.character, lora.version, payload)

    async def log_lora_activation(self, character: str, entry: Activation,
                                  event_id: str) -> None:
        await self.redis.zadd(self._key("lora_log", character),
                              {_activation_member(entry, event_id): entry.at_ms})
        await self.redis.sadd(self._key("characters"), character)

    async def lora_versions(self, character: str) -> list[LoraVersion]:
        raw = await self.redis.hvals(self._key("lora", character))
        return sorted((_lora(r) for r in raw), key=lambda lora: lora.version)

    async def lora_log(self, character: str) -> list[Activation]:
        return _activations(await self.redis.zrange(self._key("lora_log", character), 0, -1))

    async def characters(self) -> list[str]:
        return sorted(_text(c) for c in await self.redis.smembers(self._key("characters")))

    async def add_tuning(self, tuning: Tuning) -> bool:
        payload = json.dumps(asdict(tuning), sort_keys=True)
        return await self._add("tuning", "bases", tuning.base_model, tuning.version, payload)

    async def log_tuning_activation(self, base_model: str, entry: Activation,
                                    event_id: str) -> None:
        await self.redis.zadd(self._key("tuning_log", base_model),
                              {_activation_member(entry, event_id): entry.at_ms})
        await self.redis.sadd(self._key("bases"), base_model)

    async def tunings(self, base_model: str) -> list[Tuning]:
        raw = await self.redis.hvals(self._key("tuning", base_model))
        return sorted((Tuning(**json.loads(r)) for r in raw), key=lambda t: t.version)

    async def tuning_log(self, base_model: str) -> list[Activation]:
        return _activations(await self.redis.zrange(self._key("tuning_log", base_model), 0, -1))

    async def base_models(self) -> list[str]:
        return sorted(_text(b) for b in await self.redis.smembers(self._key("bases")))

    async def put_item(self, item: ShopItem | None, item_id: str, at_ms: int) -> bool:
        payload = json.dumps({"at_ms": at_ms, "item": asdict(item) if item else None},
                             sort_keys=True)
        return bool(await self._put_item(keys=[self._key("items")],
                                         args=[item_id, payload, at_ms]))

    async def item(self, item_id: str) -> ShopItem | None:
        raw = await self.redis.hget(self._key("items"), item_id)
        if raw is None:
            return None
        data = json.loads(raw)["item"]
        return ShopItem(**data) if data else None

    async def items(self) -> list[ShopItem]:
        raw = await self.redis.hvals(self._key("items"))
        found = [json.loads(r)["item"] for r in raw]
        return sorted((ShopItem(**d) for d in found if d), key=lambda i: i.item_id)

    async def wipe(self) -> int:
        """Delete the whole projection (before a rebuild from the log); keys deleted."""
        keys = [k async for k in self.redis.scan_iter(match=self.prefix + "*", count=500)]
        if keys:
            await self.redis.delete(*keys)
        return len(keys)


class RedisQuotaLedger:
    """`QuotaLedger`: one set of job ids per user and UTC day."""

    def __init__(self, redis: Redis, ttl_s: int = 2 * 24 * 3600) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    @staticmethod
    def _key(user_id: int, day: dt.date) -> str:
        return f"media:quota:{int(user_id)}:{day.isoformat()}"

    async def used(self, user_id: int, day: dt.date) -> int:
        return int(await self.redis.scard(self._key(user_id, day)))

    async def spend(self, user_id: int, day: dt.date, job_id: uuid.UUID) -> int:
        key = self._key(user_id, day)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(key, str(job_id))
            pipe.expire(key, self.ttl_s)
            pipe.scard(key)
            _, _, count = await pipe.execute()
        return int(count)


class RedisCancelBoard:
    """`CancelBoard`: a key per cancelled job, kept a day."""

    def __init__(self, redis: Redis, ttl_s: int = 24 * 3600) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    async def request(self, job_id: uuid.UUID) -> None:
        await self.redis.set(f"media:cancel:{job_id}", b"1", ex=self.ttl_s)

    async def requested(self, job_id: uuid.UUID) -> bool:
        return bool(await self.redis.exists(f"media:cancel:{job_id}"))
