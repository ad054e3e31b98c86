"""Notes of which conversations have semantic memories (`nectar_memory.notes`): a turn of a
pair without summaries skips the embedder and the index, never at the cost of a memory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import ConversationReset, SummaryWritten, TurnReceived
from nectar_memory import handlers
from nectar_memory.domain import Conversation, SummaryRecord
from nectar_memory.fakes import FakeEmbedder, FakeMemoryStore, FakeVectorIndex
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.notes import backfill

CHARACTER = "luna"


@pytest.fixture
def deps() -> Deps:
    return Deps(store=FakeMemoryStore(buffer_size=40), index=FakeVectorIndex(),
                embedder=FakeEmbedder(), metrics=MemoryMetrics(CollectorRegistry()),
                policy=MemoryPolicy(top_k=4, summary_every=3))


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


def _turn(user: int, text: str, session: str = "1") -> TurnReceived:
    return TurnReceived.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                            session=session, text=text, language="en", plan="premium",
                            reply_mode="text")


def _degraded(deps: Deps) -> float:
    return deps.metrics.degraded.labels("semantic")._value.get()


async def _index(deps: Deps, user: int, text: str, window: int = 0) -> None:
    """A summary of an earlier session (a memory of the turn, not its latest summary)."""
    [vec] = await deps.embedder.embed([text])
    await deps.index.upsert_summary(SummaryRecord(Conversation(user, CHARACTER, "0"), window,
                                                  text, datetime.now(UTC)), vec)


async def test_a_pair_without_summaries_skips_the_embedder_and_the_index(deps: Deps) -> None:
    await backfill(deps.store, deps.index, "me")
    deps.index.available = False  # any index call would now count as degraded
    user = _user()
    [ctx] = await handlers.build_context(_turn(user, "hello there"), deps)
    assert ctx.memories == [] and ctx.summary is None and ctx.degraded == []
    assert deps.embedder.calls == [] and _degraded(deps) == 0


async def test_until_the_notes_are_complete_every_turn_asks_the_index(deps: Deps) -> None:
    user = _user()
    await _index(deps, user, "User's sister Mia got married in June")  # no note written
    deps.embedder.calls.clear()
    [ctx] = await handlers.build_context(_turn(user, "when did Mia marry"), deps)
    assert [m.text for m in ctx.memories] == ["User's sister Mia got married in June"]
    assert deps.embedder.calls == [["when did Mia marry"]]


async def test_backfill_notes_what_the_index_holds_then_turns_trust_the_notes(
        deps: Deps) -> None:
    with_memories, without = _user(), _user()
    await _index(deps, with_memories, "User's cat is called Pixel")
    assert await backfill(deps.store, deps.index, "me") == 1
    assert await deps.store.has_memories(with_memories, CHARACTER) is True
    assert await deps.store.has_memories(without, CHARACTER) is False
    assert await deps.store.has_memories(with_memories, "kai") is False
    [ctx] = await handlers.build_context(_turn(with_memories, "what is my cat called"), deps)
    assert [m.text for m in ctx.memories] == ["User's cat is called Pixel"]


async def test_a_stored_summary_notes_its_pair_and_a_reset_unnotes_it(deps: Deps) -> None:
    await backfill(deps.store, deps.index, "me")
    user = _user()
    await handlers.build_context(_turn(user, "hi"), deps)  # opens session 1
    summary = SummaryWritten.new(producer="test", user_id=user, chat_id=user,
                                 character=CHARACTER, session="1", window=0,
                                 text="User works as a nurse in Lyon", model="m")
    await handlers.store_summary(summary, deps)
    assert await deps.store.has_memories(user, CHARACTER) is True
    [ctx] = await handlers.build_context(_turn(user, "where do I work"), deps)
    assert ctx.summary == "User works as a nurse in Lyon"
    await handlers.reset_conversation(ConversationReset.new(
        producer="test", user_id=user, chat_id=user, character=CHARACTER, session="1",
        new_session="2"), deps)
    assert await deps.store.has_memories(user, CHARACTER) is False
    assert deps.index.records == {}


async def test_a_note_outlives_a_failed_index_write_so_the_summary_is_never_hidden(
        deps: Deps) -> None:
    await backfill(deps.store, deps.index, "me")
    user = _user()
    await handlers.build_context(_turn(user, "hi"), deps)
    deps.index.available = False
    summary = SummaryWritten.new(producer="test", user_id=user, chat_id=user,
                                 character=CHARACTER, session="1", window=0,
                                 text="User's brother is Tom", model="m")
    with pytest.raises(Exception):  # noqa: B017  # the runtime retries it
        await handlers.store_summary(summary, deps)
    assert await deps.store.has_memories(user, CHARACTER) is True  # noted before the write


async def test_one_replica_backfills_at_a_time_and_erasure_drops_the_notes(
        deps: Deps) -> None:
    user = _user()
    await _index(deps, user, "User plays the cello")
    assert await backfill(deps.store, deps.index, "replica-a") == 1
    assert await backfill(deps.store, deps.index, "replica-b") is None
    assert f"mem:has:{user}:{CHARACTER}" in await deps.store.user_keys(user)
    await deps.store.forget_user(user)
    assert await deps.store.user_keys(user) == {}
    assert await deps.store.has_memories(user, CHARACTER) is False
