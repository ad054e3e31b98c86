"""Rebuild from the log against fakes: replaying the same events through `rebuild_all`
reproduces what the live handlers built, deletions are merged by time, duplicates applied
once; import files are validated as a whole."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import (
    ConversationReset,
    Event,
    ReplyDelivered,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
    uuid7,
)
from nectar_memory import handlers, rebuild
from nectar_memory.admin import AdminError, parse_import
from nectar_memory.fakes import FakeEmbedder, FakeMemoryStore, FakeVectorIndex
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics

CHARACTER = "luna"


class FakeEventLog:
    """Streams as lists, read in order, filtered like NATS subjects."""

    def __init__(self) -> None:
        self.streams: dict[str, list[Event]] = {"CHAT": [], "BILLING": []}

    def append(self, event: Event) -> None:
        self.streams[event.stream].append(event)

    async def read(self, stream: str, subjects: str) -> AsyncIterator[Event]:
        pattern = subjects.split(".")
        for event in self.streams[stream]:
            parts = event.subject.split(".")
            if len(parts) == len(pattern) and all(p in ("*", s)
                                                  for p, s in zip(pattern, parts, strict=True)):
                yield event

    async def users(self) -> list[int]:
        return sorted({e.user_id for events in self.streams.values() for e in events})


def _deps() -> Deps:
    return Deps(store=FakeMemoryStore(buffer_size=6), index=FakeVectorIndex(),
                embedder=FakeEmbedder(), metrics=MemoryMetrics(CollectorRegistry()),
                policy=MemoryPolicy(top_k=4, summary_every=2))


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


async def _live(log: FakeEventLog, deps: Deps, event: Event) -> None:
    """What the running service does: the event is in the log and handled."""
    log.append(event)
    if isinstance(event, TurnReceived):
        await handlers.build_context(event, deps)
    else:
        await rebuild.apply_event(event, deps)


def _state(deps: Deps) -> tuple:
    store, index = deps.store, deps.index
    return (store.hot, store.turns, store.summaries, store.sessions, store.languages,
            store.locks, {k: (r, v) for k, (r, v) in index.records.items()})


async def _conversation(log: FakeEventLog, deps: Deps, user: int) -> None:
    for session in ("1", "2"):
        for i in range(5):
            turn = TurnReceived.new(producer="t", user_id=user, chat_id=user,
                                    character=CHARACTER, session=session, text=f"u{i}",
                                    language="de", plan="free")
            await _live(log, deps, turn)
            await _live(log, deps, turn.caused(
                ReplyDelivered, producer="t", chat_id=user, character=CHARACTER,
                session=session, text=f"a{i}", reply_event_id=uuid7(), message_ids=[1]))
            if i in (1, 3):
                await _live(log, deps, SummaryWritten.new(
                    producer="t", user_id=user, chat_id=user, character=CHARACTER,
                    session=session, window=i // 2, text=f"s{session}w{i // 2}", model="m"))
        if session == "1":
            await _live(log, deps, ConversationReset.new(
                producer="t", user_id=user, chat_id=user, character=CHARACTER, session="1",
                new_session="2"))


async def test_rebuild_all_reproduces_the_live_projections() -> None:
    log, live = FakeEventLog(), _deps()
    users = [_user(), _user()]
    for user in users:
        await _conversation(log, live, user)

    rebuilt = _deps()
    rebuilt.store.hot[next(iter(live.store.hot))] = []  # stale junk is wiped first
    report = await rebuild.rebuild_all(log, rebuilt, rebuilt.store.forget_all)

    # the applied guards are bookkeeping, not a projection
    assert _state(rebuilt) == _state(live)
    assert report.users == 2 and report.applied["chat.turn_received"] == 20
    assert report.applied["chat.summary_written"] == 8


async def test_deletion_is_merged_by_time_and_later_events_survive() -> None:
    log, deps = FakeEventLog(), _deps()
    user = _user()
    first = TurnReceived.new(producer="t", user_id=user, chat_id=user, character=CHARACTER,
                             session="1", text="before", language="en", plan="free")
    deleted = UserDeleted.new(producer="t", user_id=user, reason="gdpr")
    deleted = deleted.model_copy(update={"occurred_at": first.occurred_at
                                         + timedelta(seconds=1)})
    later = TurnReceived.new(producer="t", user_id=user, chat_id=user, character=CHARACTER,
                             session="9", text="came back", language="en", plan="free")
    later = later.model_copy(update={"occurred_at": first.occurred_at + timedelta(seconds=2)})
    for event in (first, later, first, deleted):  # `first` re-published: applied once
        log.append(event)

    report = await rebuild.rebuild_user(user, log, deps)

    assert [line.content for lines in deps.store.hot.values() for line in lines] == [
        "came back"]
    assert report.applied == {"chat.turn_received": 2, "billing.user_deleted": 1}


def test_import_file_is_validated_as_a_whole() -> None:
    ok = json.dumps({"user": 5, "character": "luna", "session": "a", "text": " hi "})
    assert [x.text for x in parse_import([ok, "", ok])] == ["hi", "hi"]
    with pytest.raises(AdminError) as err:
        parse_import([ok, "{not json", json.dumps({"user": 0, "character": "", "session": "s",
                                                   "text": "   ", "extra": 1})])
    message = str(err.value)
    lines = message.splitlines()[1:]
    assert [x.split(":")[0] for x in lines] == ["line 2", "line 3"]
    assert "user" in message and "text" in message and "extra" in message
    with pytest.raises(AdminError, match="no lines"):
        parse_import(["", "  "])
