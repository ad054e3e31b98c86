"""The hot layer against a real Redis; the same contract also runs against the fake."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from nectar_contracts import ChatLine
from nectar_memory.adapters.redis_store import RedisMemoryStore
from nectar_memory.domain import Conversation, StoredSummary
from nectar_memory.fakes import FakeMemoryStore

pytestmark = pytest.mark.integration

TTL_S = 3600
BUFFER = 5


@pytest.fixture
async def redis(infra) -> AsyncIterator[Redis]:
    client = Redis.from_url(infra.redis_url)
    yield client
    await client.aclose()


def _redis_store(redis: Redis) -> RedisMemoryStore:
    return RedisMemoryStore(redis, buffer_size=BUFFER, ttl_s=TTL_S, dedupe_ttl_s=600,
                            summary_ttl_s=900, lock_ttl_s=60)


@pytest.fixture(params=["fake", "redis"])
def store(request, redis: Redis):
    return FakeMemoryStore(buffer_size=BUFFER) if request.param == "fake" else _redis_store(redis)


def _conv(session: str = "1", character: str = "luna") -> Conversation:
    return Conversation(uuid.uuid4().int % 10**9 + 1, character, session)


def _line(text: str, role: str = "user") -> ChatLine:
    return ChatLine(role=role, content=text, at=datetime.now(UTC))


def _eid() -> str:
    return str(uuid.uuid4())


# -- contract: fake and Redis behave the same ------------------------------------------------

async def test_buffer_keeps_the_last_lines_oldest_first(store) -> None:
    conv = _conv()
    for i in range(BUFFER + 3):
        await store.append_line(conv, _line(f"l{i}"), _eid())
    assert [x.content for x in await store.recent(conv)] == [f"l{i}" for i in range(3, 8)]
    assert [x.content for x in await store.recent(conv, limit=2)] == ["l6", "l7"]


async def test_same_event_id_appends_and_counts_once(store) -> None:
    conv = _conv()
    eid = _eid()
    first = await store.append_line(conv, _line("a", "assistant"), eid, count_turn=True)
    again = await store.append_line(conv, _line("a", "assistant"), eid, count_turn=True)
    nxt = await store.append_line(conv, _line("b", "assistant"), _eid(), count_turn=True)
    assert (first.applied, first.turns) == (True, 1)
    assert (again.applied, again.turns) == (False, 1)
    assert nxt.turns == 2
    assert [x.content for x in await store.recent(conv)] == ["a", "b"]


async def test_summary_cache_keeps_newest_and_never_empty(store) -> None:
    conv = _conv()
    assert await store.cache_summary(conv, StoredSummary(0, "   ")) is False
    assert await store.cached_summary(conv) is None
    assert await store.cache_summary(conv, StoredSummary(2, "newer")) is True
    assert await store.cache_summary(conv, StoredSummary(1, "older")) is False
    assert await store.cached_summary(conv) == StoredSummary(2, "newer")


async def test_summary_lock_is_single_flight_and_reentrant_per_window(store) -> None:
    conv = _conv()
    assert await store.acquire_summary_lock(conv, 0) is True
    assert await store.acquire_summary_lock(conv, 0) is True  # redelivery of the same window
    assert await store.acquire_summary_lock(conv, 1) is False
    await store.release_summary_lock(conv, 1)  # not the holder: no effect
    assert await store.acquire_summary_lock(conv, 1) is False
    await store.release_summary_lock(conv, 0)
    assert await store.acquire_summary_lock(conv, 1) is True


async def test_sessions_language_and_drop(store) -> None:
    conv = _conv()
    await store.open_session(conv, "de")
    await store.append_line(conv, _line("x"), _eid(), count_turn=True)
    await store.cache_summary(conv, StoredSummary(0, "s"))
    assert await store.current_session(conv.user_id, conv.character) == "1"
    assert await store.language(conv) == "de"
    await store.open_session(Conversation(conv.user_id, conv.character, "2"))
    await store.drop_conversation(conv)
    assert await store.current_session(conv.user_id, conv.character) == "2"
    assert await store.recent(conv) == [] and await store.cached_summary(conv) is None
    # the counter restarted: the next reply is the first again
    assert (await store.append_line(conv, _line("y"), _eid(), count_turn=True)).turns == 1


# -- Redis specifics --------------------------------------------------------------------------

async def test_hot_keys_are_bounded_and_expire(redis: Redis) -> None:
    store = _redis_store(redis)
    conv = _conv()
    for i in range(12):
        await store.append_line(conv, _line(f"l{i}"), _eid(), count_turn=True)
    key = f"mem:hot:{conv.user_id}:luna:1"
    assert await redis.llen(key) == BUFFER
    assert 0 < await redis.ttl(key) <= TTL_S
    assert 0 < await redis.ttl(f"mem:turns:{conv.user_id}:luna:1") <= TTL_S
    stored = await redis.lrange(key, -1, -1)
    assert ChatLine.model_validate_json(stored[0]).content == "l11"


async def test_guard_key_is_set_with_ttl(redis: Redis) -> None:
    store = _redis_store(redis)
    eid = _eid()
    await store.append_line(_conv(), _line("x"), eid)
    assert 0 < await redis.ttl(f"mem:applied:{eid}") <= 600


async def test_forget_user_deletes_only_that_users_keys(redis: Redis) -> None:
    store = _redis_store(redis)
    user = uuid.uuid4().int % 10**9 + 1
    mine = Conversation(user, "luna", "1")
    # another user talking to a character whose id looks like our user id
    theirs = Conversation(user + 1, str(user), "1")
    for conv in (mine, theirs):
        await store.open_session(conv, "en")
        await store.append_line(conv, _line("x"), _eid(), count_turn=True)
        await store.cache_summary(conv, StoredSummary(0, "s"))

    deleted = await store.forget_user(user)

    assert deleted == 5  # hot, turns, summary, lang, session
    assert [k async for k in redis.scan_iter(match=f"mem:*:{user}:*")] != []  # theirs
    assert await store.recent(mine) == [] and await store.current_session(user, "luna") is None
    assert len(await store.recent(theirs)) == 1


# -- notes of which pairs have summaries (own database: the "complete" mark is global) ------

@pytest.fixture(params=["fake", "redis"])
async def notes_store(request, infra) -> AsyncIterator[object]:
    if request.param == "fake":
        yield FakeMemoryStore(buffer_size=BUFFER)
        return
    client = Redis.from_url(infra.redis_url.rsplit("/", 1)[0] + "/9")
    await client.flushdb()
    try:
        yield _redis_store(client)
    finally:
        await client.flushdb()
        await client.aclose()


async def test_notes_say_unknown_until_complete_then_true_or_false(notes_store) -> None:
    user = uuid.uuid4().int % 10**9 + 1
    assert await notes_store.has_memories(user, "luna") is None
    await notes_store.note_memories([(user, "luna"), (user, "luna")])
    assert await notes_store.has_memories(user, "luna") is True
    assert await notes_store.has_memories(user, "kai") is None
    assert not await notes_store.notes_complete()
    await notes_store.mark_notes_complete()
    assert await notes_store.notes_complete()
    assert await notes_store.has_memories(user, "kai") is False
    await notes_store.unnote_memories(user, "luna")
    assert await notes_store.has_memories(user, "luna") is False
    await notes_store.note_memories([(user, "kai")])
    assert list(await notes_store.user_keys(user)) == [f"mem:has:{user}:kai"]
    assert await notes_store.forget_user(user) == 1
    assert await notes_store.has_memories(user, "kai") is False


async def test_the_backfill_lease_is_single_flight(notes_store) -> None:
    assert await notes_store.claim_notes_backfill("a", 60)
    assert await notes_store.claim_notes_backfill("a", 60), "its holder keeps it"
    assert not await notes_store.claim_notes_backfill("b", 60)
