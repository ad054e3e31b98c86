"""Value objects of the memory context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Conversation:
    """One conversation: a user talking to a character within a session (changes on reset)."""

    user_id: int
    character: str
    session: str


@dataclass(frozen=True)
class AppendResult:
    """Outcome of appending a line to the hot buffer."""

    #: False when this event id had already been applied (a redelivery): nothing changed
    applied: bool
    #: assistant lines counted in the conversation right after this event's append (0 when
    #: the append was not counted); the same number again on a redelivery
    turns: int


@dataclass(frozen=True)
class StoredSummary:
    """A window summary as cached or retrieved."""

    window: int
    text: str


@dataclass(frozen=True)
class SummaryRecord:
    """A window summary to index in semantic memory."""

    conversation: Conversation
    window: int
    text: str
    at: datetime
    #: ranking annotations (`recall.ReferenceBank.annotate`), stored as metadata; not part
    #: of the record's identity
    hub: float | None = field(default=None, compare=False)
    about: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def record_id(self) -> str:
        """Stable id: rewriting the same window replaces it instead of adding a copy."""
        c = self.conversation
        return f"{c.user_id}:{c.character}:{c.session}:{self.window}"


@dataclass(frozen=True)
class IndexedSummary:
    """A window summary as stored in the vector index, with its embedding."""

    record: SummaryRecord
    embedding: tuple[float, ...]
