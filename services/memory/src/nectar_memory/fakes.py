"""In-memory fakes of the memory ports, for unit tests (and contract tests next to the real
adapters, which keep them honest). No network, no clock other than the event's."""

from __future__ import annotations

import math
import zlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from nectar_contracts import ChatLine, MemoryHit

from nectar_memory.domain import (
    AppendResult,
    Candidate,
    Conversation,
    EmbedderUnavailable,
    IndexedSummary,
    StoredSummary,
    SummaryRecord,
    VectorIndexUnavailable,
)


class FakeMemoryStore:
    """`MemoryStore` in dicts, with the same bounding, dedupe and lock rules as Redis."""

    def __init__(self, buffer_size: int = 40) -> None:
        self.buffer_size = buffer_size
        self.hot: dict[Conversation, list[ChatLine]] = {}
        self.turns: dict[Conversation, int] = {}
        self.applied: dict[str, int] = {}
        self.summaries: dict[Conversation, StoredSummary] = {}
        self.sessions: dict[tuple[int, str], str] = {}
        self.languages: dict[Conversation, str] = {}
        self.locks: dict[Conversation, int] = {}
        #: (user, character) pairs noted as having summaries; `notes_done`: the notes are
        #: complete (None: never backfilled)
        self.noted: set[tuple[int, str]] = set()
        self.notes_done = False
        self.backfill_owner: str | None = None

    async def append_line(self, conv: Conversation, line: ChatLine, event_id: str, *,
                          count_turn: bool = False) -> AppendResult:
        if event_id in self.applied:
            return AppendResult(applied=False, turns=self.applied[event_id])
        lines = self.hot.setdefault(conv, [])
        lines.append(line)
        del lines[:-self.buffer_size]
        turns = 0
        if count_turn:
            turns = self.turns[conv] = self.turns.get(conv, 0) + 1
        self.applied[event_id] = turns
        return AppendResult(applied=True, turns=turns)

    async def recent(self, conv: Conversation, limit: int | None = None) -> list[ChatLine]:
        lines = self.hot.get(conv, [])
        if limit is not None:
            return list(lines[-limit:]) if limit > 0 else []
        return list(lines)

    async def cached_summary(self, conv: Conversation) -> StoredSummary | None:
        return self.summaries.get(conv)

    async def cache_summary(self, conv: Conversation, summary: StoredSummary) -> bool:
        if not summary.text.strip():
            return False
        current = self.summaries.get(conv)
        if current is not None and current.window > summary.window:
            return False
        self.summaries[conv] = summary
        return True

    async def current_session(self, user_id: int, character: str) -> str | None:
        return self.sessions.get((user_id, character))

    async def open_session(self, conv: Conversation, language: str | None = None) -> None:
        self.sessions[(conv.user_id, conv.character)] = conv.session
        if language:
            self.languages[conv] = language

    async def language(self, conv: Conversation) -> str | None:
        return self.languages.get(conv)

    async def acquire_summary_lock(self, conv: Conversation, window: int) -> bool:
        held = self.locks.setdefault(conv, window)
        return held == window

    async def release_summary_lock(self, conv: Conversation, window: int) -> None:
        if self.locks.get(conv) == window:
            del self.locks[conv]

    async def drop_conversation(self, conv: Conversation) -> None:
        for store in (self.hot, self.turns, self.summaries, self.locks, self.languages):
            store.pop(conv, None)

    async def forget_user(self, user_id: int) -> int:
        count = 0
        for store in (self.hot, self.turns, self.summaries, self.locks, self.languages):
            for conv in [c for c in store if c.user_id == user_id]:
                del store[conv]
                count += 1
        for pair in [p for p in self.sessions if p[0] == user_id]:
            del self.sessions[pair]
            count += 1
        for pair in [p for p in self.noted if p[0] == user_id]:
            self.noted.discard(pair)
            count += 1
        return count

    async def clear_applied(self, event_ids: Sequence[str]) -> None:
        for event_id in event_ids:
            self.applied.pop(event_id, None)

    async def forget_all(self) -> int:
        count = sum(len(s) for s in (self.hot, self.turns, self.summaries, self.locks,
                                     self.languages, self.sessions, self.applied))
        count += len(self.noted) + self.notes_done
        for store in (self.hot, self.turns, self.summaries, self.locks, self.languages,
                      self.sessions, self.applied):
            store.clear()
        self.noted.clear()
        self.notes_done = False
        self.backfill_owner = None
        return count

    async def user_keys(self, user_id: int) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, store in (("hot", self.hot), ("turns", self.turns),
                            ("summary", self.summaries), ("summarizing", self.locks),
                            ("lang", self.languages)):
            for conv, value in store.items():
                if conv.user_id == user_id:
                    out[f"mem:{name}:{conv.user_id}:{conv.character}:{conv.session}"] = value
        for (uid, character), session in self.sessions.items():
            if uid == user_id:
                out[f"mem:session:{uid}:{character}"] = session
        for uid, character in self.noted:
            if uid == user_id:
                out[f"mem:has:{uid}:{character}"] = "1"
        return dict(sorted(out.items()))

    async def has_memories(self, user_id: int, character: str) -> bool | None:
        if (user_id, character) in self.noted:
            return True
        return False if self.notes_done else None

    async def note_memories(self, pairs: Sequence[tuple[int, str]]) -> None:
        self.noted.update(pairs)

    async def unnote_memories(self, user_id: int, character: str) -> None:
        self.noted.discard((user_id, character))

    async def notes_complete(self) -> bool:
        return self.notes_done

    async def mark_notes_complete(self) -> None:
        self.notes_done = True

    async def claim_notes_backfill(self, owner: str, ttl_s: int) -> bool:
        if self.backfill_owner in (None, owner):
            self.backfill_owner = owner
            return True
        return False


@dataclass
class FakeVectorIndex:
    """`VectorIndex` in a dict with brute-force cosine; `available=False` simulates an
    outage (every call raises `VectorIndexUnavailable`)."""

    available: bool = True
    records: dict[str, tuple[SummaryRecord, list[float]]] = field(default_factory=dict)
    connected: bool = False

    def _check(self) -> None:
        if not self.available:
            raise VectorIndexUnavailable("fake index is down")

    async def start(self) -> None:
        self.connected = self.available

    async def close(self) -> None:
        self.connected = False

    async def check(self) -> None:
        self._check()

    async def upsert_summary(self, record: SummaryRecord, embedding: Sequence[float]) -> None:
        self._check()
        self.records[record.record_id] = (record, list(embedding))

    async def query(self, user_id: int, character: str, embedding: Sequence[float],
                    k: int) -> list[MemoryHit]:
        self._check()
        if k <= 0 or not any(embedding):
            return []
        hits = [MemoryHit(text=rec.text, score=max(0.0, min(1.0, _cosine(vec, embedding))))
                for rec, vec in self.records.values()
                if rec.conversation.user_id == user_id
                and rec.conversation.character == character]
        return sorted(hits, key=lambda hit: hit.score, reverse=True)[:k]

    async def candidates(self, user_id: int, character: str, embedding: Sequence[float],
                         n: int) -> list[Candidate]:
        self._check()
        if n <= 0 or not any(embedding):
            return []
        found = [Candidate(text=rec.text, similarity=_cosine(vec, embedding), hub=rec.hub,
                           about=rec.about)
                 for rec, vec in self.records.values()
                 if rec.conversation.user_id == user_id
                 and rec.conversation.character == character]
        return sorted(found, key=lambda c: c.similarity, reverse=True)[:n]

    async def delete_summary(self, record: SummaryRecord) -> None:
        self._check()
        self.records.pop(record.record_id, None)

    async def user_summaries(self, user_id: int, character: str | None = None
                             ) -> list[IndexedSummary]:
        self._check()
        found = [IndexedSummary(rec, tuple(vec)) for rec, vec in self.records.values()
                 if rec.conversation.user_id == user_id
                 and (character is None or rec.conversation.character == character)]
        return sorted(found, key=lambda s: (s.record.conversation.character,
                                            s.record.conversation.session, s.record.window))

    async def latest_summary(self, conv: Conversation) -> StoredSummary | None:
        self._check()
        mine = [rec for rec, _ in self.records.values() if rec.conversation == conv]
        if not mine:
            return None
        best = max(mine, key=lambda rec: rec.window)
        return StoredSummary(window=best.window, text=best.text)

    async def delete_user(self, user_id: int) -> int:
        self._check()
        ids = [rid for rid, (rec, _) in self.records.items()
               if rec.conversation.user_id == user_id]
        for rid in ids:
            del self.records[rid]
        return len(ids)

    async def conversations(self, batch: int = 1000) -> AsyncIterator[list[tuple[int, str]]]:
        self._check()
        pairs = [(rec.conversation.user_id, rec.conversation.character)
                 for rec, _ in self.records.values()]
        for start in range(0, len(pairs), batch):
            yield pairs[start:start + batch]

    async def delete_conversation(self, user_id: int, character: str) -> int:
        self._check()
        ids = [rid for rid, (rec, _) in self.records.items()
               if rec.conversation.user_id == user_id
               and rec.conversation.character == character]
        for rid in ids:
            del self.records[rid]
        return len(ids)


class FakeEmbedder:
    """Bag of words hashed into a small space; `available=False` raises
    `EmbedderUnavailable`. Records what it embedded."""

    def __init__(self, dimension: int = 16) -> None:
        self.dimension = dimension
        self.name = f"fake-bow-{dimension}"
        self.available = True
        self.calls: list[list[str]] = []

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        self.calls.append(list(texts))
        if not self.available:
            raise EmbedderUnavailable("fake embedder is down")
        out = []
        for text in texts:
            vec = [0.0] * self.dimension
            for word in text.lower().split():
                vec[zlib.crc32(word.encode()) % self.dimension] += 1.0
            out.append(vec)
        return out


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0
