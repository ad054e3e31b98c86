"""Memory handlers against in-memory fakes of their ports: context assembly, degradation,
summary windows, single flight, reset and deletion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import (
    ChatLine,
    ContextReady,
    ConversationReset,
    ReplyDelivered,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
    uuid7,
)
from nectar_memory import handlers
from nectar_memory.domain import Conversation, StoredSummary, SummaryRecord
from nectar_memory.fakes import FakeEmbedder, FakeMemoryStore, FakeVectorIndex
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics

CHARACTER = "luna"


@pytest.fixture
def deps() -> Deps:
    return Deps(store=FakeMemoryStore(buffer_size=40), index=FakeVectorIndex(),
                embedder=FakeEmbedder(), metrics=MemoryMetrics(CollectorRegistry()),
                policy=MemoryPolicy(top_k=4, summary_every=3))


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


def _turn(user: int, text: str, session: str = "1", language: str = "en") -> TurnReceived:
    return TurnReceived.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                            session=session, text=text, language=language, plan="premium",
                            reply_mode="voice")


def _reply(user: int, text: str, session: str = "1") -> ReplyDelivered:
    return ReplyDelivered.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                              session=session, text=text, reply_event_id=uuid7(),
                              message_ids=[1])


def _summary(user: int, window: int, text: str, session: str = "1") -> SummaryWritten:
    return SummaryWritten.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                              session=session, window=window, text=text, model="m")


def _degraded(deps: Deps, layer: str = "semantic") -> float:
    return deps.metrics.degraded.labels(layer)._value.get()


async def _index(deps: Deps, user: int, text: str, window: int, session: str = "1") -> None:
    [vec] = await deps.embedder.embed([text])
    await deps.index.upsert_summary(SummaryRecord(Conversation(user, CHARACTER, session),
                                                  window, text, datetime.now(UTC)), vec)


async def test_context_carries_previous_lines_summary_and_memories(deps: Deps) -> None:
    user = _user()
    await handlers.build_context(_turn(user, "my cat is called Miso"), deps)
    await handlers.record_reply(_reply(user, "What a cute name!"), deps)
    await _index(deps, user, "user has a cat called Miso", window=0)
    await _index(deps, user, "user works as a nurse at night", window=1)
    turn = _turn(user, "do you remember my cat Miso?")

    [out] = await handlers.build_context(turn, deps)

    assert isinstance(out, ContextReady)
    assert [(line.role, line.content) for line in out.recent] == [
        ("user", "my cat is called Miso"), ("assistant", "What a cute name!")]
    # latest summary = highest window, read through from the index and written back
    assert out.summary == "user works as a nurse at night"
    conv = Conversation(user, CHARACTER, "1")
    assert await deps.store.cached_summary(conv) == StoredSummary(1, out.summary)
    # the latest summary is not repeated among the memories; the cat memory is found
    assert [hit.text for hit in out.memories] == ["user has a cat called Miso"]
    assert out.degraded == []
    assert (out.chat_id, out.character, out.session, out.text, out.language, out.plan,
            out.reply_mode) == (user, CHARACTER, "1", turn.text, "en", "premium", "voice")
    assert out.causation_id == turn.event_id and out.correlation_id == turn.correlation_id
    # this turn's line is in the buffer, last
    assert (await deps.store.recent(conv))[-1] == ChatLine(role="user", content=turn.text,
                                                           at=turn.occurred_at)


async def test_new_user_gets_empty_memories_without_degradation(deps: Deps) -> None:
    user = _user()

    [out] = await handlers.build_context(_turn(user, "hi there"), deps)

    assert out.recent == [] and out.summary is None and out.memories == []
    assert out.degraded == []
    assert _degraded(deps) == 0


async def test_memories_of_other_users_and_characters_never_leak(deps: Deps) -> None:
    user, other = _user(), _user()
    await _index(deps, other, "secret about pizza", window=0)
    [vec] = await deps.embedder.embed(["pizza for luna's sister"])
    await deps.index.upsert_summary(SummaryRecord(Conversation(user, "sister", "1"), 0,
                                                  "pizza for sister", datetime.now(UTC)), vec)

    [out] = await handlers.build_context(_turn(user, "pizza"), deps)

    assert out.memories == []


async def test_vector_outage_degrades_to_recent_only(deps: Deps) -> None:
    user = _user()
    await handlers.build_context(_turn(user, "first"), deps)
    deps.index.available = False

    [out] = await handlers.build_context(_turn(user, "second"), deps)

    assert [line.content for line in out.recent] == ["first"]
    assert out.memories == [] and out.summary is None
    assert out.degraded == ["semantic"]
    assert _degraded(deps) == 1


async def test_embedder_failure_degrades_too(deps: Deps) -> None:
    user = _user()
    deps.embedder.available = False

    [out] = await handlers.build_context(_turn(user, "hello"), deps)

    assert out.degraded == ["semantic"]
    assert _degraded(deps) == 1


async def test_cached_summary_is_served_while_index_is_down(deps: Deps) -> None:
    user = _user()
    conv = Conversation(user, CHARACTER, "1")
    await deps.store.cache_summary(conv, StoredSummary(0, "they met at a concert"))
    deps.index.available = False

    [out] = await handlers.build_context(_turn(user, "hello"), deps)

    assert out.summary == "they met at a concert"
    assert out.degraded == ["semantic"]  # top-K still failed


async def test_redelivered_turn_appends_once(deps: Deps) -> None:
    user = _user()
    turn = _turn(user, "only once")

    [first] = await handlers.build_context(turn, deps)
    [again] = await handlers.build_context(turn, deps)

    conv = Conversation(user, CHARACTER, "1")
    assert [line.content for line in await deps.store.recent(conv)] == ["only once"]
    assert again.event_id == first.event_id  # deterministic: JetStream dedupes it
    assert again.recent == []


async def test_summary_requested_every_n_replies_with_last_2n_lines(deps: Deps) -> None:
    user = _user()
    requested: list[SummaryRequested] = []
    for i in range(7):
        await handlers.build_context(_turn(user, f"u{i}", language="fr"), deps)
        out = await handlers.record_reply(_reply(user, f"a{i}"), deps)
        requested.extend(out)
        if i == 2:  # window 0 done: let the next one through
            await handlers.store_summary(_summary(user, 0, "window zero"), deps)

    assert [r.window for r in requested] == [0, 1]
    first, second = requested
    assert [line.content for line in first.lines] == ["u0", "a0", "u1", "a1", "u2", "a2"]
    assert [line.content for line in second.lines] == ["u3", "a3", "u4", "a4", "u5", "a5"]
    assert first.language == "fr" and first.session == "1" and first.chat_id == user


async def test_redelivered_reply_counts_once_and_reemits_same_request(deps: Deps) -> None:
    user = _user()
    for i in range(2):
        await handlers.record_reply(_reply(user, f"a{i}"), deps)
    third = _reply(user, "a2")

    [req] = await handlers.record_reply(third, deps)
    [again] = await handlers.record_reply(third, deps)  # crashed before the publish was acked

    assert again.event_id == req.event_id and again.window == req.window == 0
    conv = Conversation(user, CHARACTER, "1")
    assert len(await deps.store.recent(conv)) == 3
    assert await handlers.record_reply(_reply(user, "a3"), deps) == []


async def test_single_flight_skips_a_window_while_one_is_in_flight(deps: Deps) -> None:
    user = _user()
    windows = []
    for i in range(6):  # no summary_written arrives for window 0
        windows += [r.window for r in await handlers.record_reply(_reply(user, f"a{i}"), deps)]

    assert windows == [0]
    assert deps.metrics.summaries.labels("skipped_in_flight")._value.get() == 1


async def test_summary_is_stored_indexed_cached_and_unlocks(deps: Deps) -> None:
    user = _user()
    conv = Conversation(user, CHARACTER, "1")
    for i in range(3):
        await handlers.record_reply(_reply(user, f"a{i}"), deps)
    assert deps.store.locks == {conv: 0}

    assert await handlers.store_summary(_summary(user, 0, "  they like jazz  "), deps) == []

    assert deps.store.locks == {}
    assert await deps.store.cached_summary(conv) == StoredSummary(0, "they like jazz")
    [(record, _)] = deps.index.records.values()
    assert record.record_id == f"{user}:{CHARACTER}:1:0" and record.text == "they like jazz"


async def test_rewriting_a_window_replaces_it(deps: Deps) -> None:
    user = _user()
    await handlers.store_summary(_summary(user, 0, "first draft"), deps)
    await handlers.store_summary(_summary(user, 0, "second draft"), deps)

    assert [rec.text for rec, _ in deps.index.records.values()] == ["second draft"]


async def test_empty_summary_is_never_stored_nor_cached(deps: Deps) -> None:
    user = _user()
    conv = Conversation(user, CHARACTER, "1")
    for i in range(3):
        await handlers.record_reply(_reply(user, f"a{i}"), deps)

    await handlers.store_summary(_summary(user, 0, "   \n "), deps)

    assert deps.index.records == {}
    assert await deps.store.cached_summary(conv) is None
    assert deps.store.locks == {}  # the next window may be requested


async def test_reset_drops_hot_state_and_late_summary(deps: Deps) -> None:
    user = _user()
    old = Conversation(user, CHARACTER, "1")
    await handlers.build_context(_turn(user, "hello"), deps)
    for i in range(3):
        await handlers.record_reply(_reply(user, f"a{i}"), deps)
    assert deps.store.locks == {old: 0}  # summarisation in flight

    reset = ConversationReset.new(producer="test", user_id=user, chat_id=user,
                                  character=CHARACTER, session="1", new_session="2")
    assert await handlers.reset_conversation(reset, deps) == []
    await handlers.store_summary(_summary(user, 0, "late summary of the old session"), deps)

    assert await deps.store.recent(old) == []
    assert deps.store.locks == {} and deps.store.turns == {}
    assert deps.index.records == {}
    assert await deps.store.cached_summary(old) is None
    assert await deps.store.current_session(user, CHARACTER) == "2"
    assert deps.metrics.summaries.labels("dropped_reset")._value.get() == 1
    [out] = await handlers.build_context(_turn(user, "fresh start", session="2"), deps)
    assert out.recent == [] and out.summary is None


async def test_reset_deletes_the_conversations_semantic_memories(deps: Deps) -> None:
    """HoneyChat's memory tutorial: a reset wipes both layers. Only (user, character) goes."""
    user, other = _user(), _user()
    await handlers.build_context(_turn(user, "my cat is called Miso"), deps)
    await _index(deps, user, "user has a cat called Miso", window=0)
    await _index(deps, user, "an older session: user plays the cello", window=3, session="0")
    await _index(deps, other, "other user has a cat called Miso", window=0)
    [vec] = await deps.embedder.embed(["a memory of another character"])
    await deps.index.upsert_summary(SummaryRecord(Conversation(user, "kai", "1"), 0,
                                                  "a memory of another character",
                                                  datetime.now(UTC)), vec)

    await handlers.reset_conversation(ConversationReset.new(
        producer="test", user_id=user, chat_id=user, character=CHARACTER, session="1",
        new_session="2"), deps)
    [out] = await handlers.build_context(_turn(user, "do you remember my cat Miso?",
                                               session="2"), deps)

    assert out.memories == [] and out.summary is None and out.recent == []
    left = sorted((rec.conversation.user_id, rec.conversation.character)
                  for rec, _ in deps.index.records.values())
    assert left == sorted([(other, CHARACTER), (user, "kai")])


async def test_reset_while_chroma_is_down_is_an_outage_retried_not_a_poison(deps: Deps) -> None:
    from nectar_runtime import outage_of

    user = _user()
    await _index(deps, user, "user has a cat called Miso", window=0)
    deps.index.available = False
    reset = ConversationReset.new(producer="test", user_id=user, chat_id=user,
                                  character=CHARACTER, session="1", new_session="2")

    with pytest.raises(Exception) as raised:
        await handlers.reset_conversation(reset, deps)
    assert outage_of(raised.value) == "chroma"

    deps.index.available = True
    await handlers.reset_conversation(reset, deps)  # the redelivery
    assert deps.index.records == {}


async def test_late_reply_of_a_reset_session_is_not_recorded(deps: Deps) -> None:
    user = _user()
    await handlers.build_context(_turn(user, "hello"), deps)
    await handlers.reset_conversation(ConversationReset.new(
        producer="test", user_id=user, chat_id=user, character=CHARACTER, session="1",
        new_session="2"), deps)

    assert await handlers.record_reply(_reply(user, "late answer", session="1"), deps) == []
    assert await deps.store.recent(Conversation(user, CHARACTER, "1")) == []


async def test_forget_user_deletes_hot_state_and_memories_of_that_user_only(deps: Deps) -> None:
    user, other = _user(), _user()
    for who in (user, other):
        await handlers.build_context(_turn(who, "hello"), deps)
        await _index(deps, who, "a memory", window=0)

    deleted = UserDeleted.new(producer="test", user_id=user, reason="gdpr")
    assert await handlers.forget_user(deleted, deps) == []

    assert await deps.store.recent(Conversation(user, CHARACTER, "1")) == []
    assert await deps.store.current_session(user, CHARACTER) is None
    assert [rec.conversation.user_id for rec, _ in deps.index.records.values()] == [other]
    assert len(await deps.store.recent(Conversation(other, CHARACTER, "1"))) == 1


async def test_store_summary_raises_when_index_is_down_so_it_is_retried(deps: Deps) -> None:
    user = _user()
    deps.index.available = False

    with pytest.raises(Exception, match="down"):
        await handlers.store_summary(_summary(user, 0, "keep me"), deps)

    assert await deps.store.cached_summary(Conversation(user, CHARACTER, "1")) is None


async def test_hot_buffer_is_bounded(deps: Deps) -> None:
    user = _user()
    small = Deps(store=FakeMemoryStore(buffer_size=4), index=deps.index,
                 embedder=deps.embedder, metrics=deps.metrics, policy=deps.policy)
    for i in range(6):
        await handlers.build_context(_turn(user, f"u{i}"), small)

    [out] = await handlers.build_context(_turn(user, "u6"), small)

    assert [line.content for line in out.recent] == ["u3", "u4", "u5"]


async def test_reset_landing_during_the_summary_write_is_undone(deps: Deps) -> None:
    user = _user()
    old = Conversation(user, CHARACTER, "1")
    for i in range(3):
        await handlers.build_context(_turn(user, f"u{i}"), deps)
        await handlers.record_reply(_reply(user, f"a{i}"), deps)
    reset = ConversationReset.new(producer="test", user_id=user, chat_id=user,
                                  character=CHARACTER, session="1", new_session="2")

    class ResetDuringWrite(FakeVectorIndex):
        """The user hits reset while Chroma is writing the summary."""

        async def upsert_summary(self, record, embedding) -> None:
            await super().upsert_summary(record, embedding)
            await handlers.reset_conversation(reset, deps)

    racing = Deps(store=deps.store, index=ResetDuringWrite(), embedder=deps.embedder,
                  metrics=deps.metrics, policy=deps.policy)
    assert await handlers.store_summary(_summary(user, 0, "summary of session 1"),
                                        racing) == []

    assert racing.index.records == {}
    assert await deps.store.cached_summary(old) is None and deps.store.locks == {}
    assert deps.metrics.summaries.labels("dropped_reset")._value.get() == 1
    assert deps.metrics.summaries.labels("stored")._value.get() == 0


async def test_imported_summary_of_an_old_session_is_indexed_not_cached(deps: Deps) -> None:
    user = _user()
    await handlers.build_context(_turn(user, "hello", session="7"), deps)
    event = SummaryWritten.new(producer="memory-import", user_id=user, chat_id=user,
                               character=CHARACTER, session="old", window=0,
                               text="from the previous system", model="import",
                               imported=True)

    await handlers.store_summary(event, deps)

    [(record, _)] = deps.index.records.values()
    assert record.conversation.session == "old"
    assert deps.store.summaries == {}
    [out] = await handlers.build_context(_turn(user, "previous system?", session="7"), deps)
    assert [hit.text for hit in out.memories] == ["from the previous system"]
