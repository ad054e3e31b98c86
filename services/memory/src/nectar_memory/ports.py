"""Ports of the memory service: the hot store, the vector index, the embedder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from nectar_contracts import ChatLine, MemoryHit

from nectar_memory.domain import (
    AppendResult,
    Candidate,
    Conversation,
    IndexedSummary,
    StoredSummary,
    SummaryRecord,
)


class MemoryStore(Protocol):
    """Hot layer (Redis): bounded recent lines, counters, summary cache, session, locks.

    Raises on infrastructure failure: the hot layer is not degradable, a turn is retried.
    """

    async def append_line(self, conv: Conversation, line: ChatLine, event_id: str, *,
                          count_turn: bool = False) -> AppendResult:
        """Append `line` (bounded, TTL renewed) once per `event_id`, atomically; with
        `count_turn` also increment the conversation's assistant-line counter."""
        ...

    async def recent(self, conv: Conversation, limit: int | None = None) -> list[ChatLine]:
        """The last `limit` lines (all kept lines when None), oldest first."""
        ...

    async def cached_summary(self, conv: Conversation) -> StoredSummary | None:
        """The cached latest summary of the conversation, if any."""
        ...

    async def cache_summary(self, conv: Conversation, summary: StoredSummary) -> bool:
        """Cache `summary` as the latest unless a newer window is cached; False when not
        cached. An empty text is never cached."""
        ...

    async def current_session(self, user_id: int, character: str) -> str | None:
        """The session currently open between the user and the character, if known."""
        ...

    async def open_session(self, conv: Conversation, language: str | None = None) -> None:
        """Make `conv.session` the current session; remember the conversation's language."""
        ...

    async def language(self, conv: Conversation) -> str | None:
        """Language of the conversation's last turn, if known."""
        ...

    async def acquire_summary_lock(self, conv: Conversation, window: int) -> bool:
        """Single flight: True if the conversation's summary lock is now held for `window`
        (or already was: a redelivery), False if another window holds it."""
        ...

    async def release_summary_lock(self, conv: Conversation, window: int) -> None:
        """Release the summary lock if `window` holds it."""
        ...

    async def drop_conversation(self, conv: Conversation) -> None:
        """Delete the conversation's hot buffer, counters, summary cache and lock."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete every key of the user; returns how many."""
        ...

    async def clear_applied(self, event_ids: Sequence[str]) -> None:
        """Forget that these events were applied (a rebuild applies them again)."""
        ...

    async def forget_all(self) -> int:
        """Delete every key of the memory service (`rebuild --all`); returns how many."""
        ...

    async def user_keys(self, user_id: int) -> dict[str, object]:
        """Every key of the user with its value (type-aware), for `show` and comparisons."""
        ...

    # -- which conversations have semantic memories (`nectar_memory.notes`) ---------------

    async def has_memories(self, user_id: int, character: str) -> bool | None:
        """Whether (user, character) has summaries in the index: True, False, or None when
        not known (the notes are not complete: before their first backfill)."""
        ...

    async def note_memories(self, pairs: Sequence[tuple[int, str]]) -> None:
        """Note that these (user, character) pairs have summaries in the index."""
        ...

    async def unnote_memories(self, user_id: int, character: str) -> None:
        """The pair's summaries are about to be deleted from the index (a reset)."""
        ...

    async def notes_complete(self) -> bool:
        """Whether every pair with summaries is noted (a backfill finished since the notes
        last vanished)."""
        ...

    async def mark_notes_complete(self) -> None:
        ...

    async def claim_notes_backfill(self, owner: str, ttl_s: int) -> bool:
        """Single flight of the backfill across replicas (a lease)."""
        ...


class VectorIndex(Protocol):
    """Cold layer (Chroma): window summaries with their embeddings.

    Raises `VectorIndexUnavailable` on failure; a missing collection or no match is an
    empty answer, not an error.
    """

    async def start(self) -> None:
        """Open the client (`Managed`); never raises: the layer is degradable."""
        ...

    async def close(self) -> None:
        ...

    async def check(self) -> None:
        """Raise `VectorIndexUnavailable` when the index is not usable (`Managed`)."""
        ...

    async def upsert_summary(self, record: SummaryRecord, embedding: Sequence[float]) -> None:
        ...

    async def query(self, user_id: int, character: str, embedding: Sequence[float],
                    k: int) -> list[MemoryHit]:
        """The `k` summaries of (user, character) closest to `embedding`, best first."""
        ...

    async def candidates(self, user_id: int, character: str, embedding: Sequence[float],
                         n: int) -> list[Candidate]:
        """The `n` summaries closest to `embedding` with their ranking annotations (hub,
        about), by cosine, best first: the input of `domain.ranking.rank`."""
        ...

    async def delete_summary(self, record: SummaryRecord) -> None:
        """Delete one window summary (no error when it is not there)."""
        ...

    async def user_summaries(self, user_id: int, character: str | None = None
                             ) -> list[IndexedSummary]:
        """Every stored summary of the user (of one character when given), with its
        embedding, ordered by (character, session, window)."""
        ...

    async def latest_summary(self, conv: Conversation) -> StoredSummary | None:
        """The summary of the conversation's highest window, if any."""
        ...

    async def delete_user(self, user_id: int) -> int:
        """Delete every record of the user; returns how many (best effort count)."""
        ...

    def conversations(self, batch: int = 1000) -> AsyncIterator[list[tuple[int, str]]]:
        """Every (user, character) pair with at least one summary, in batches of records
        read (a pair may repeat across batches)."""
        ...

    async def delete_conversation(self, user_id: int, character: str) -> int:
        """Delete every record of the user's conversation with `character` (all its
        sessions: `query` searches them all); returns how many (best effort count). A
        missing collection is no error."""
        ...


class Embedder(Protocol):
    """Turns texts into vectors (raises `EmbedderUnavailable` on failure)."""

    #: identifies the embedding space; stored with the collection so a change is detected
    name: str
    dimension: int

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        """Embed `texts`: documents (stored summaries) by default, search queries with
        `query=True` (asymmetric models such as E5 embed the two differently)."""
        ...
