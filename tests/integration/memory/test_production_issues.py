"""The five production issues of the seed article ("Building an AI companion with persistent
memory"), each reproduced against a real Redis and a real Chroma server through the real
handlers: double-summarize race, reset mid-summarize, empty summary cached, missing
collection for a new user, unbounded buffer. Plus deletion of a user on `user_deleted`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from nectar_contracts import (
    ConversationReset,
    ReplyDelivered,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
    uuid7,
)
from nectar_memory import handlers
from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.hashing_embedder import HashingEmbedder
from nectar_memory.adapters.redis_store import RedisMemoryStore
from nectar_memory.domain import Conversation
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics

pytestmark = pytest.mark.integration

CHARACTER = "luna"
EVERY = 2
BUFFER = 6


class GatedEmbedder:
    """The real hashing embedder behind a gate: `embed` waits until the test opens it, so a
    reset can land while a summary is being embedded."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder()
        self.name, self.dimension = self.inner.name, self.inner.dimension
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()
        self.gate.set()

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        self.entered.set()
        await self.gate.wait()
        return await self.inner.embed(texts, query=query)


@pytest.fixture
async def redis(infra) -> AsyncIterator[Redis]:
    client = Redis.from_url(infra.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def deps(infra, redis: Redis) -> AsyncIterator[Deps]:
    embedder = GatedEmbedder()
    index = ChromaVectorIndex(infra.chroma_url, f"test_prod_{uuid.uuid4().hex[:10]}",
                              embedder_name=embedder.name, dimension=embedder.dimension,
                              shards=2)
    store = RedisMemoryStore(redis, buffer_size=BUFFER, ttl_s=3600, dedupe_ttl_s=600,
                             summary_ttl_s=900, lock_ttl_s=60)
    yield Deps(store=store, index=index, embedder=embedder,
               metrics=MemoryMetrics(CollectorRegistry()),
               policy=MemoryPolicy(top_k=4, summary_every=EVERY))
    await index.close()


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


def _turn(user: int, text: str, session: str = "1") -> TurnReceived:
    return TurnReceived.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                            session=session, text=text, language="en", plan="free")


def _reply(user: int, text: str, session: str = "1") -> ReplyDelivered:
    return ReplyDelivered.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                              session=session, text=text, reply_event_id=uuid7(),
                              message_ids=[1])


def _written(req: SummaryRequested, text: str) -> SummaryWritten:
    return req.caused(SummaryWritten, producer="test", chat_id=req.chat_id,
                      character=req.character, session=req.session, window=req.window,
                      text=text, model="emulator")


def _outcome(deps: Deps, outcome: str) -> float:
    return deps.metrics.summaries.labels(outcome)._value.get()


async def _exchange(deps: Deps, user: int, i: int, session: str = "1") -> list:
    await handlers.build_context(_turn(user, f"user line {i}", session), deps)
    return await handlers.record_reply(_reply(user, f"bot line {i}", session), deps)


async def test_double_summarize_race_yields_one_summary_per_window(deps: Deps) -> None:
    user = _user()
    conv = Conversation(user, CHARACTER, "1")
    await _exchange(deps, user, 0)
    last = _reply(user, "bot line 1")
    # two concurrent deliveries of the reply that completes window 0 (a redelivery racing
    # the first attempt), plus a concurrent new reply
    results = await asyncio.gather(handlers.record_reply(last, deps),
                                   handlers.record_reply(last, deps),
                                   handlers.record_reply(_reply(user, "bot line 2"), deps))
    requests = [r for out in results for r in out]
    assert {r.window for r in requests} == {0}
    assert len({r.event_id for r in requests}) == 1  # same deterministic id: deduped

    # while window 0 is in flight, window 1 completes: single flight skips it
    skipped = await handlers.record_reply(_reply(user, "bot line 3"), deps)
    assert skipped == [] and _outcome(deps, "skipped_in_flight") == 1

    # the summary of window 0 arrives twice at once (two llm workers): one record
    await asyncio.gather(handlers.store_summary(_written(requests[0], "They met."), deps),
                         handlers.store_summary(_written(requests[0], "They met."), deps))
    stored = await deps.index.user_summaries(user)
    assert [(s.record.window, s.record.text) for s in stored] == [(0, "They met.")]
    # the lock is free again: the next completed window is requested
    await handlers.record_reply(_reply(user, "bot line 4"), deps)
    [nxt] = await handlers.record_reply(_reply(user, "bot line 5"), deps)
    assert nxt.window == 2 and (await deps.store.cached_summary(conv)).window == 0


async def test_reset_mid_summarize_writes_nothing_to_the_reset_conversation(
        deps: Deps, redis: Redis) -> None:
    user = _user()
    old = Conversation(user, CHARACTER, "1")
    await _exchange(deps, user, 0)
    [request] = await _exchange(deps, user, 1)
    reset = ConversationReset.new(producer="test", user_id=user, chat_id=user,
                                  character=CHARACTER, session="1", new_session="2")

    # the summary arrives and is being embedded when the user hits reset
    deps.embedder.gate.clear()
    storing = asyncio.create_task(handlers.store_summary(_written(request, "Old facts."), deps))
    await asyncio.wait_for(deps.embedder.entered.wait(), 5)
    await handlers.reset_conversation(reset, deps)
    deps.embedder.gate.set()
    assert await storing == []

    # and a summary that arrives after the reset is dropped as well
    assert await handlers.store_summary(_written(request, "Old facts, again."), deps) == []

    assert await deps.index.user_summaries(user) == []
    assert [k async for k in redis.scan_iter(match=f"mem:*:{user}:{CHARACTER}:1")] == []
    assert await deps.store.cached_summary(old) is None
    assert await deps.store.current_session(user, CHARACTER) == "2"
    assert _outcome(deps, "dropped_reset") == 2
    [ctx] = await handlers.build_context(_turn(user, "hello again", "2"), deps)
    assert ctx.recent == [] and ctx.summary is None and ctx.memories == []


async def test_empty_summary_is_never_stored_nor_cached(deps: Deps, redis: Redis) -> None:
    user = _user()
    conv = Conversation(user, CHARACTER, "1")
    await _exchange(deps, user, 0)
    [request] = await _exchange(deps, user, 1)

    # rate-limited llm: the "summary" is blank (SummaryWritten only forbids "")
    assert await handlers.store_summary(_written(request, " \n\t "), deps) == []

    assert not await redis.exists(f"mem:summary:{user}:{CHARACTER}:1")
    assert await deps.index.user_summaries(user) == []
    assert _outcome(deps, "dropped_empty") == 1
    # the Chroma fallback finds nothing and caches nothing; the lock is free for a retry
    [ctx] = await handlers.build_context(_turn(user, "remember?"), deps)
    assert ctx.summary is None and ctx.degraded == []
    assert await deps.store.cached_summary(conv) is None
    assert await deps.store.acquire_summary_lock(conv, 5) is True


async def test_new_user_without_collection_is_normal_not_an_error(deps: Deps) -> None:
    user = _user()
    client = await deps.index._get_client()
    existing = {c.name for c in await client.list_collections()}
    assert not set(deps.index.collection_names) & existing  # nothing created yet

    [ctx] = await handlers.build_context(_turn(user, "hi, I'm new here"), deps)

    assert ctx.memories == [] and ctx.summary is None
    assert ctx.degraded == []  # not an outage
    assert deps.metrics.degraded.labels("semantic")._value.get() == 0


async def test_hot_buffer_stays_bounded_with_ttl_however_long_the_chat(
        deps: Deps, redis: Redis) -> None:
    user = _user()
    for i in range(25):  # 50 lines into a buffer of 6
        await handlers.build_context(_turn(user, f"user line {i}"), deps)
        await handlers.record_reply(_reply(user, f"bot line {i}"), deps)

    key = f"mem:hot:{user}:{CHARACTER}:1"
    assert await redis.llen(key) == BUFFER
    assert 0 < await redis.ttl(key) <= 3600
    [ctx] = await handlers.build_context(_turn(user, "last"), deps)
    assert [x.content for x in ctx.recent][-2:] == ["user line 24", "bot line 24"]
    assert len(ctx.recent) == BUFFER - 1
    # bounded by length and TTL, not by eviction: Redis runs noeviction (claims, positions
    # and delivery records must never vanish), so the buffer must bound itself
    assert (await redis.config_get("maxmemory-policy"))["maxmemory-policy"] == "noeviction"


async def test_user_deleted_removes_redis_and_chroma_memory(deps: Deps, redis: Redis) -> None:
    user, other = _user(), _user()
    for who in (user, other):
        await _exchange(deps, who, 0)
        [req] = await _exchange(deps, who, 1)
        await handlers.store_summary(_written(req, f"memory of {who}"), deps)
    assert len(await deps.index.user_summaries(user)) == 1

    await handlers.forget_user(UserDeleted.new(producer="test", user_id=user,
                                               reason="gdpr"), deps)

    assert [k async for k in redis.scan_iter(match=f"mem:*:{user}:*")] == []
    assert await deps.index.user_summaries(user) == []
    assert [s.record.text for s in await deps.index.user_summaries(other)] == [
        f"memory of {other}"]
