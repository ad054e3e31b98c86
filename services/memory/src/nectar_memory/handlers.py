"""Memory handlers: `verb_noun(event, deps) -> list[Event]` (the events to publish).

Every handler is safe to run twice on the same event (redelivery): appends are guarded by
event id, outputs have ids derived from the input's, Chroma writes are upserts by stable id.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field

from nectar_contracts import (
    ChatLine,
    ContextReady,
    ConversationReset,
    Event,
    MemoryHit,
    ReplyDelivered,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
)
from nectar_runtime import Index, On, Unavailable

from nectar_memory.domain import (
    Conversation,
    RankingPolicy,
    SemanticMemoryUnavailable,
    StoredSummary,
    SummaryRecord,
    select_memories,
    summary_window,
    without_line,
)
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.ports import Embedder, MemoryStore, VectorIndex
from nectar_memory.recall import ReferenceBank, recall

PRODUCER = "memory"
SEMANTIC = "semantic"
#: language of a summary request when the conversation's language was not remembered
FALLBACK_LANGUAGE = "en"

log = logging.getLogger("nectar.memory.handlers")


@dataclass(frozen=True)
class MemoryPolicy:
    """Knobs the handlers apply (from `MemorySettings`)."""

    top_k: int = 4
    summary_every: int = 10
    ranking: RankingPolicy = RankingPolicy()


@dataclass(frozen=True)
class Deps:
    """What memory handlers need."""

    store: MemoryStore
    index: VectorIndex
    embedder: Embedder
    metrics: MemoryMetrics
    policy: MemoryPolicy = MemoryPolicy()
    #: reference questions embedded with `embedder` (annotations of stored summaries)
    bank: ReferenceBank | None = field(default=None)

    def __post_init__(self) -> None:
        if self.bank is None:
            object.__setattr__(self, "bank", ReferenceBank(self.embedder, self.policy.ranking))


def _conversation(event: TurnReceived | ReplyDelivered | SummaryWritten | ConversationReset
                  ) -> Conversation:
    return Conversation(event.user_id, event.character, event.session)


async def _latest_summary(conv: Conversation, deps: Deps,
                          indexed: bool | None) -> tuple[str | None, bool]:
    """Latest summary: Redis fast path, Chroma fallback with write-back (none when the pair
    is known to have no summaries: `indexed` False). (text, degraded)."""
    cached = await deps.store.cached_summary(conv)
    if cached is not None:
        return cached.text, False
    if indexed is False:
        return None, False
    try:
        found = await deps.index.latest_summary(conv)
    except SemanticMemoryUnavailable as exc:
        log.warning("latest summary unavailable", extra={"error": str(exc)})
        return None, True
    if found is None or not found.text.strip():
        return None, False  # nothing to cache: an empty summary is never cached
    await deps.store.cache_summary(conv, found)
    return found.text, False


async def _memories(event: TurnReceived, deps: Deps,
                    indexed: bool | None) -> tuple[list[MemoryHit], bool]:
    """Top-K semantic memories of (user, character): nothing to embed or search when the
    pair is known to have no summaries (`indexed` False). (hits, degraded)."""
    if deps.policy.top_k <= 0 or indexed is False:
        return [], False
    try:
        hits = await recall(deps.embedder, deps.index, deps.policy.ranking, event.user_id,
                            event.character, event.text, deps.policy.top_k)
    except SemanticMemoryUnavailable as exc:
        log.warning("semantic memory unavailable", extra={"error": str(exc)})
        return [], True
    return hits, False


async def record_turn(event: TurnReceived, deps: Deps) -> ChatLine:
    """The projection part of a turn: make its session current (with its language) and append
    the user's line to the hot buffer (once per event id). Returns the line. Used by
    `build_context` and by the rebuild from the log."""
    line = ChatLine(role="user", content=event.text, at=event.occurred_at)
    await asyncio.gather(
        deps.store.open_session(_conversation(event), event.language),
        deps.store.append_line(_conversation(event), line, str(event.event_id)),
    )
    return line


async def build_context(event: TurnReceived, deps: Deps) -> list[Event]:
    """On `chat.turn_received`: append the user's line to the hot buffer (once per event id),
    make the turn's session current, then read recent lines, the latest summary and the top-K
    memories in parallel. Emits `chat.context_ready`.

    A pair noted as having no summaries (`nectar_memory.notes`) skips the semantic layer: no
    embedding, no index call. A failing semantic layer (Chroma, embedder) does not fail the
    turn: the context is built
    from what is left, `degraded` lists `semantic` and `nectar_memory_degraded_total` counts it.
    A failing hot layer (Redis) raises, and the turn is retried by the runtime.
    """
    conv = _conversation(event)
    line, indexed = await asyncio.gather(
        record_turn(event, deps), deps.store.has_memories(event.user_id, event.character))
    recent, (summary, summary_degraded), (hits, hits_degraded) = await asyncio.gather(
        deps.store.recent(conv), _latest_summary(conv, deps, indexed),
        _memories(event, deps, indexed))
    degraded: list[str] = []
    if summary_degraded or hits_degraded:
        degraded.append(SEMANTIC)
        deps.metrics.degraded.labels(SEMANTIC).inc()
    return [event.caused(
        ContextReady, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, text=event.text, language=event.language, plan=event.plan,
        reply_mode=event.reply_mode, recent=without_line(recent, line), summary=summary,
        memories=select_memories(hits, summary), degraded=degraded,
    )]


async def record_reply(event: ReplyDelivered, deps: Deps) -> list[Event]:
    """On `chat.reply_delivered`: append the assistant's line and count it (once per event
    id). Every `summary_every` assistant lines, emits `chat.summary_requested` for that window
    with the last 2N lines, unless another window's summary is still in flight (single flight:
    a Redis lock per conversation, released by `store_summary` or by its TTL).

    A reply for a session that was reset since is not recorded (the buffer is gone).
    """
    conv = _conversation(event)
    current = await deps.store.current_session(event.user_id, event.character)
    if current is not None and current != event.session:
        log.info("reply of an ended session not recorded",
                 extra={"session": event.session, "current_session": current})
        return []
    if not event.text.strip():
        return []
    line = ChatLine(role="assistant", content=event.text, at=event.occurred_at)
    result = await deps.store.append_line(conv, line, str(event.event_id), count_turn=True)
    window = summary_window(result.turns, deps.policy.summary_every)
    if window is None:
        return []
    if not await deps.store.acquire_summary_lock(conv, window):
        deps.metrics.summaries.labels("skipped_in_flight").inc()
        log.warning("summary still in flight; window not requested",
                    extra={"window": window, "session": event.session})
        return []
    lines = await deps.store.recent(conv, limit=2 * deps.policy.summary_every)
    if not lines:
        await deps.store.release_summary_lock(conv, window)
        return []
    language = await deps.store.language(conv) or FALLBACK_LANGUAGE
    deps.metrics.summaries.labels("requested").inc()
    return [event.caused(
        SummaryRequested, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, window=window, language=language, lines=lines,
    )]


async def store_summary(event: SummaryWritten, deps: Deps) -> list[Event]:
    """On `chat.summary_written`: index the window summary in semantic memory (id
    `user:character:session:window`, so a rewrite is idempotent), cache it as the latest
    summary and release the single-flight lock. Emits nothing.

    Dropped when the conversation was reset since (its session is no longer current: the
    late summary of a cancelled summarisation), also when the reset lands while the summary
    is being embedded or written (checked again after the writes, which are then undone); an
    empty text is never stored. An imported summary (`imported`, from `nectar memory import`)
    is indexed whatever the current session (and cached only for the current one). A Chroma
    failure raises, so the runtime retries and the summary is not lost.
    """
    conv = _conversation(event)
    current = await deps.store.current_session(event.user_id, event.character)
    if not event.imported and current is not None and current != event.session:
        deps.metrics.summaries.labels("dropped_reset").inc()
        log.info("summary of a reset conversation dropped",
                 extra={"session": event.session, "current_session": current,
                        "window": event.window})
        return []
    text = event.text.strip()
    if not text:
        deps.metrics.summaries.labels("dropped_empty").inc()
        await deps.store.release_summary_lock(conv, event.window)
        return []
    record = SummaryRecord(conversation=conv, window=event.window, text=text,
                           at=event.occurred_at)
    [embedding] = await deps.embedder.embed([text])
    assert deps.bank is not None  # set by Deps.__post_init__
    hub, about = await deps.bank.annotate(text, embedding)
    record = dataclasses.replace(record, hub=hub, about=about)
    if not event.imported and await _was_reset(conv, deps):  # reset while embedding
        deps.metrics.summaries.labels("dropped_reset").inc()
        return []
    # noted before it is indexed: a note without a summary costs one search, a summary
    # without a note would never be recalled
    await deps.store.note_memories([(event.user_id, event.character)])
    await deps.index.upsert_summary(record, embedding)
    if current is None or current == event.session:  # an imported old session: index only
        await deps.store.cache_summary(conv, StoredSummary(window=event.window, text=text))
    # A reset that ran between the check above and these writes dropped the hot state before
    # they landed: undo them, so that nothing of the cancelled summarisation survives.
    if not event.imported and await _was_reset(conv, deps):
        await deps.index.delete_summary(record)
        await deps.store.drop_conversation(conv)
        deps.metrics.summaries.labels("dropped_reset").inc()
        log.info("summary of a conversation reset during the write undone",
                 extra={"session": event.session, "window": event.window})
        return []
    await deps.store.release_summary_lock(conv, event.window)
    deps.metrics.summaries.labels("stored").inc()
    return []


async def _was_reset(conv: Conversation, deps: Deps) -> bool:
    current = await deps.store.current_session(conv.user_id, conv.character)
    return current is not None and current != conv.session


async def reset_conversation(event: ConversationReset, deps: Deps) -> list[Event]:
    """On `chat.conversation_reset`: make `new_session` current, then delete the old
    session's hot buffer, counters, summary cache and summary lock, and every semantic
    memory of (user, character): after a reset nothing from before reaches a prompt.
    Deleting the lock cancels an in-flight summarisation: its late `summary_written` is
    dropped by `store_summary` because the session changed. Chroma down: raised as an
    outage (retried until it is back; the deletion must complete). A redelivery deletes
    nothing more. Emits nothing."""
    old = _conversation(event)
    # New session first: from here on a late summary of the old one is recognised as stale.
    await deps.store.open_session(Conversation(event.user_id, event.character,
                                               event.new_session))
    await deps.store.drop_conversation(old)
    # the note goes first: a summary stored meanwhile notes itself again
    await deps.store.unnote_memories(event.user_id, event.character)
    try:
        deleted = await deps.index.delete_conversation(event.user_id, event.character)
    except SemanticMemoryUnavailable as exc:
        raise Unavailable(f"memories of a reset conversation not deleted: {exc}",
                          dependency="chroma") from exc
    log.info("conversation reset", extra={"session": event.session,
                                          "memories_deleted": deleted})
    return []


async def forget_user(event: UserDeleted, deps: Deps) -> list[Event]:
    """On `billing.user_deleted`: delete every Redis key of the user (SCAN, never KEYS) and
    every Chroma record of the user. A Chroma failure raises (retried): deletion must
    complete. Emits nothing."""
    keys = await deps.store.forget_user(event.user_id)
    records = await deps.index.delete_user(event.user_id)
    log.info("user's memory deleted", extra={"redis_keys": keys, "chroma_records": records})
    return []


# The index the runtime wires (one durable consumer each, `memory-<event name>`). Every
# consumer starts at new messages on first deployment: replaying old turns would answer them
# again (contexts drive replies); rebuilding the projections from the log is the job of the
# rebuild command, not of a fresh consumer.
HANDLERS: Index = {
    TurnReceived: On(build_context, "Append the user's line and assemble the turn's context"),
    ReplyDelivered: On(record_reply,
                       "Append the delivered reply; request a summary every N replies"),
    SummaryWritten: On(store_summary, "Store a window summary in semantic memory"),
    ConversationReset: On(reset_conversation, "Drop a reset conversation's hot state"),
    UserDeleted: On(forget_user, "Delete every memory of a deleted user"),
}
