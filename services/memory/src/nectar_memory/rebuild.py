"""Projections from the event log: the hot buffer (Redis) and the summaries (Chroma) are
rebuilt by replaying the CHAT stream (`turn_received`, `reply_delivered`, `summary_written`,
`conversation_reset`) and `billing.user_deleted` through the same handlers the live service
runs, in log order.

A rebuild first wipes what it rebuilds (the user's keys and records, or everything of the
memory service for `--all`), forgets the "applied" guards of the replayed events (otherwise
the idempotent appends would skip them) and never publishes anything: the summary requests
that `record_reply` returns were answered long ago, their answers are in the log.
Deletions are merged into the chat events by time (they live in another stream).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from nectar_contracts import (
    ConversationReset,
    Event,
    ReplyDelivered,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
)

from nectar_memory import handlers
from nectar_memory.handlers import Deps

REPLAYED: tuple[type[Event], ...] = (TurnReceived, ReplyDelivered, SummaryWritten,
                                     ConversationReset)


class EventLog(Protocol):
    """The ordered log the projections are derived from."""

    def read(self, stream: str, subjects: str) -> AsyncIterator[Event]:
        ...

    async def users(self) -> list[int]:
        ...


@dataclass
class RebuildReport:
    """What a rebuild did."""

    users: int = 0
    wiped_redis_keys: int = 0
    wiped_chroma_records: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    ignored: int = 0  # events of the log that are not projected (context_ready, ...)

    def as_dict(self) -> dict[str, object]:
        return {"users": self.users, "wiped_redis_keys": self.wiped_redis_keys,
                "wiped_chroma_records": self.wiped_chroma_records,
                "applied": dict(sorted(self.applied.items())), "ignored": self.ignored}


def chat_subjects(user_id: int | None) -> str:
    return f"nectar.chat.{'*' if user_id is None else user_id}.*"


def deletion_subjects(user_id: int | None) -> str:
    return f"nectar.billing.{'*' if user_id is None else user_id}.user_deleted"


async def apply_event(event: Event, deps: Deps) -> bool:
    """Project one event of the log; False when the event type is not projected."""
    if isinstance(event, TurnReceived | ReplyDelivered):
        await deps.store.clear_applied([str(event.event_id)])
    if isinstance(event, TurnReceived):
        await handlers.record_turn(event, deps)
    elif isinstance(event, ReplyDelivered):
        await handlers.record_reply(event, deps)
    elif isinstance(event, SummaryWritten):
        await handlers.store_summary(event, deps)
    elif isinstance(event, ConversationReset):
        await handlers.reset_conversation(event, deps)
    elif isinstance(event, UserDeleted):
        await handlers.forget_user(event, deps)
    else:
        return False
    return True


async def replay(events: AsyncIterator[Event], deletions: Sequence[Event], deps: Deps,
                 report: RebuildReport) -> None:
    """Apply `events` in order, each deletion before the first event that happened after
    it. An event id seen twice (a re-published duplicate) is applied once."""
    pending = sorted(deletions, key=lambda e: e.occurred_at)
    seen: set[str] = set()

    async def apply(event: Event) -> None:
        if str(event.event_id) in seen:
            return
        seen.add(str(event.event_id))
        if await apply_event(event, deps):
            report.applied[event.type] += 1
        else:
            report.ignored += 1

    async for event in events:
        while pending and pending[0].occurred_at <= event.occurred_at:
            await apply(pending.pop(0))
        await apply(event)
    for deletion in pending:
        await apply(deletion)


async def rebuild_user(user_id: int, log: EventLog, deps: Deps) -> RebuildReport:
    """Wipe one user's projections and replay that user's events."""
    report = RebuildReport(users=1)
    report.wiped_redis_keys = await deps.store.forget_user(user_id)
    report.wiped_chroma_records = await deps.index.delete_user(user_id)
    deletions = [e async for e in log.read("BILLING", deletion_subjects(user_id))]
    await replay(log.read("CHAT", chat_subjects(user_id)), deletions, deps, report)
    return report


async def rebuild_all(log: EventLog, deps: Deps,
                      wipe_index: Callable[[], Awaitable[int]]) -> RebuildReport:
    """Wipe every projection of the memory service and replay the whole log.
    `wipe_index` is an async callable that empties the vector index and returns a count."""
    report = RebuildReport(users=len(await log.users()))
    report.wiped_redis_keys = await deps.store.forget_all()
    report.wiped_chroma_records = await wipe_index()
    deletions = [e async for e in log.read("BILLING", deletion_subjects(None))]
    await replay(log.read("CHAT", chat_subjects(None)), deletions, deps, report)
    return report
