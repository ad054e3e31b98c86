"""`RedisMemoryStore`: the hot layer on Redis.

Keys (user id always the third segment, so `forget_user` can find them with SCAN):
    mem:hot:{user}:{character}:{session}          bounded list of ChatLine JSON (RPUSH/LTRIM)
    mem:turns:{user}:{character}:{session}        assistant lines counted so far
    mem:summary:{user}:{character}:{session}      hash {window, text}: latest summary cache
    mem:summarizing:{user}:{character}:{session}  single-flight lock; value = window in flight
    mem:lang:{user}:{character}:{session}         language of the last turn
    mem:session:{user}:{character}                current session of the pair
    mem:has:{user}:{character}                    the pair has summaries in the index
    mem:applied:{event_id}                        append guard; value = turn count it produced
    mem:has-complete, mem:has-backfill            every pair with summaries is noted; the
                                                  backfill's single-flight lease
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from nectar_contracts import ChatLine
from pydantic import ValidationError
from redis.asyncio import Redis

from nectar_memory.domain import AppendResult, Conversation, StoredSummary

log = logging.getLogger("nectar.memory.redis")

# Idempotent bounded append in one round trip. The guard (SET NX semantics) and the append are
# one script, so a crash can never leave "appended but not guarded" or the reverse. The guard
# stores the turn count this append produced: a redelivery learns the same count and can
# re-emit the same (deterministic-id) summary request if the first attempt died before
# publishing it.
_APPEND = """
local prev = redis.call('GET', KEYS[1])
if prev then return {0, tonumber(prev)} end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
local turns = 0
if ARGV[5] == '1' then
  turns = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
redis.call('SET', KEYS[1], turns, 'EX', ARGV[4])
return {1, turns}
"""

# Keep the newest window only: a retried older summary must not replace a newer one.
_CACHE_SUMMARY = """
local cur = tonumber(redis.call('HGET', KEYS[1], 'window'))
if cur and cur > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'window', ARGV[1], 'text', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# Release the lock only if this window holds it (a late summary must not free a newer lock).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _suffix(conv: Conversation) -> str:
    return f"{conv.user_id}:{conv.character}:{conv.session}"


def hot_key(conv: Conversation) -> str:
    return f"mem:hot:{_suffix(conv)}"


def turns_key(conv: Conversation) -> str:
    return f"mem:turns:{_suffix(conv)}"


def summary_key(conv: Conversation) -> str:
    return f"mem:summary:{_suffix(conv)}"


def lock_key(conv: Conversation) -> str:
    return f"mem:summarizing:{_suffix(conv)}"


def language_key(conv: Conversation) -> str:
    return f"mem:lang:{_suffix(conv)}"


def session_key(user_id: int, character: str) -> str:
    return f"mem:session:{user_id}:{character}"


def has_key(user_id: int, character: str) -> str:
    return f"mem:has:{user_id}:{character}"


#: set once every (user, character) with summaries has its `mem:has` note
NOTES_COMPLETE_KEY = "mem:has-complete"
NOTES_BACKFILL_KEY = "mem:has-backfill"


def applied_key(event_id: str) -> str:
    return f"mem:applied:{event_id}"


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value


class RedisMemoryStore:
    """Hot layer of `MemoryStore` on one Redis (scripts run atomically server-side)."""

    def __init__(self, redis: Redis, *, buffer_size: int, ttl_s: int, dedupe_ttl_s: int,
                 summary_ttl_s: int, lock_ttl_s: int) -> None:
        self.redis = redis
        self.buffer_size = buffer_size
        self.ttl_s = ttl_s
        self.dedupe_ttl_s = dedupe_ttl_s
        self.summary_ttl_s = summary_ttl_s
        self.lock_ttl_s = lock_ttl_s
        # register_script only hashes the source; EVALSHA falls back to EVAL on first use
        self._append = redis.register_script(_APPEND)
        self._cache_summary = redis.register_script(_CACHE_SUMMARY)
        self._release = redis.register_script(_RELEASE)

    async def append_line(self, conv: Conversation, line: ChatLine, event_id: str, *,
                          count_turn: bool = False) -> AppendResult:
        applied, turns = await self._append(
            keys=[applied_key(event_id), hot_key(conv), turns_key(conv)],
            args=[line.model_dump_json(), self.buffer_size, self.ttl_s, self.dedupe_ttl_s,
                  "1" if count_turn else "0"],
        )
        return AppendResult(applied=bool(applied), turns=int(turns))

    async def recent(self, conv: Conversation, limit: int | None = None) -> list[ChatLine]:
        if limit is not None and limit <= 0:
            return []
        raw = await self.redis.lrange(hot_key(conv), -limit if limit else 0, -1)
        lines: list[ChatLine] = []
        for item in raw:
            try:
                lines.append(ChatLine.model_validate_json(item))
            except ValidationError:
                # one corrupt entry must not cost the user their turn
                log.warning("skipping unreadable hot-buffer line",
                            extra={"key": hot_key(conv)})
        return lines

    async def cached_summary(self, conv: Conversation) -> StoredSummary | None:
        window, text = await self.redis.hmget(summary_key(conv), ["window", "text"])
        text_s = _text(text)
        if window is None or not text_s:
            return None
        return StoredSummary(window=int(window), text=text_s)

    async def cache_summary(self, conv: Conversation, summary: StoredSummary) -> bool:
        if not summary.text.strip():
            return False  # never cache an empty summary (it would hide the real one for days)
        done = await self._cache_summary(keys=[summary_key(conv)],
                                         args=[summary.window, summary.text,
                                               self.summary_ttl_s])
        return bool(done)

    async def current_session(self, user_id: int, character: str) -> str | None:
        return _text(await self.redis.get(session_key(user_id, character)))

    async def open_session(self, conv: Conversation, language: str | None = None) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(session_key(conv.user_id, conv.character), conv.session, ex=self.ttl_s)
        if language:
            pipe.set(language_key(conv), language, ex=self.ttl_s)
        await pipe.execute()

    async def language(self, conv: Conversation) -> str | None:
        return _text(await self.redis.get(language_key(conv)))

    async def acquire_summary_lock(self, conv: Conversation, window: int) -> bool:
        key = lock_key(conv)
        if await self.redis.set(key, str(window), nx=True, ex=self.lock_ttl_s):
            return True
        return _text(await self.redis.get(key)) == str(window)

    async def release_summary_lock(self, conv: Conversation, window: int) -> None:
        await self._release(keys=[lock_key(conv)], args=[str(window)])

    async def drop_conversation(self, conv: Conversation) -> None:
        await self.redis.delete(hot_key(conv), turns_key(conv), summary_key(conv),
                                lock_key(conv), language_key(conv))

    async def forget_user(self, user_id: int) -> int:
        # SCAN, never KEYS: it does not block Redis. The glob also matches keys where the id
        # appears in a later segment (a character named like an id), so check the segment.
        owner = str(user_id).encode()
        batch: list[bytes] = []
        deleted = 0
        async for key in self.redis.scan_iter(match=f"mem:*:{user_id}:*", count=500):
            raw = key if isinstance(key, bytes) else key.encode()
            if raw.split(b":")[2:3] != [owner]:
                continue
            batch.append(raw)
            if len(batch) >= 500:
                deleted += await self.redis.unlink(*batch)
                batch.clear()
        if batch:
            deleted += await self.redis.unlink(*batch)
        return deleted

    async def has_memories(self, user_id: int, character: str) -> bool | None:
        noted, complete = await self.redis.mget(has_key(user_id, character),
                                                NOTES_COMPLETE_KEY)
        if noted is not None:
            return True
        return False if complete is not None else None

    async def note_memories(self, pairs: Sequence[tuple[int, str]]) -> None:
        keys = list(dict.fromkeys(has_key(u, c) for u, c in pairs))
        for start in range(0, len(keys), 500):
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys[start:start + 500]:
                    pipe.set(key, "1")
                await pipe.execute()

    async def unnote_memories(self, user_id: int, character: str) -> None:
        await self.redis.delete(has_key(user_id, character))

    async def notes_complete(self) -> bool:
        return bool(await self.redis.exists(NOTES_COMPLETE_KEY))

    async def mark_notes_complete(self) -> None:
        await self.redis.set(NOTES_COMPLETE_KEY, "1")

    async def claim_notes_backfill(self, owner: str, ttl_s: int) -> bool:
        if await self.redis.set(NOTES_BACKFILL_KEY, owner, nx=True, ex=ttl_s):
            return True
        return _text(await self.redis.get(NOTES_BACKFILL_KEY)) == owner

    async def clear_applied(self, event_ids: Sequence[str]) -> None:
        keys = [applied_key(e) for e in event_ids]
        for start in range(0, len(keys), 500):
            await self.redis.unlink(*keys[start:start + 500])

    async def forget_all(self) -> int:
        deleted = 0
        batch: list[bytes] = []
        async for key in self.redis.scan_iter(match="mem:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += await self.redis.unlink(*batch)
                batch.clear()
        if batch:
            deleted += await self.redis.unlink(*batch)
        return deleted

    async def user_keys(self, user_id: int) -> dict[str, object]:
        owner = str(user_id).encode()
        out: dict[str, object] = {}
        async for key in self.redis.scan_iter(match=f"mem:*:{user_id}:*", count=500):
            raw = key if isinstance(key, bytes) else key.encode()
            if raw.split(b":")[2:3] != [owner]:
                continue
            kind = _text(await self.redis.type(raw))
            value: object
            if kind == "list":
                value = [_text(x) for x in await self.redis.lrange(raw, 0, -1)]
            elif kind == "hash":
                value = {_text(k): _text(v) for k, v in (await self.redis.hgetall(raw)).items()}
            else:
                value = _text(await self.redis.get(raw))
            out[raw.decode()] = value
        return dict(sorted(out.items()))
