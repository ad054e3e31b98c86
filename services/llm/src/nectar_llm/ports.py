"""Ports of the llm service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from nectar_llm.domain.model import ChatRequest, Completion
from nectar_llm.domain.routing import RoutingTable


class ChatModel(Protocol):
    """A chat-completions provider.

    `complete` returns a non-empty `Completion`, or raises a `ModelError`:
    `TransientModelError` (rate limit, 5xx, timeout, network), `PermanentModelError`
    (request rejected) or `EmptyCompletion` (HTTP 200 with empty content). Nothing else
    escapes; provider and transport errors are translated by the adapter.
    """

    async def complete(self, request: ChatRequest) -> Completion: ...


class CostGuard(Protocol):
    """Daily spend counters per user and overall (shared by every replica).

    `admit` raises `BudgetExceeded` past a ceiling and `GuardUnavailable` when the counters
    cannot be read: the caller then refuses the generation (fail closed). `record` adds the
    cost of a turn; counters expire on their own.
    """

    async def admit(self, user_id: int) -> None: ...

    async def record(self, user_id: int, cost_usd: float) -> None: ...


class Cooldowns(Protocol):
    """Models put aside after a 429, shared by every replica. Best effort: an unreachable
    store means no cooldowns, never a failed turn."""

    async def active(self, models: Sequence[str]) -> dict[str, float]:
        """Models of `models` still cooling down -> seconds left."""
        ...

    async def put(self, model: str, seconds: float) -> None:
        """Set `model` aside for `seconds` (from the provider's `Retry-After`)."""
        ...


class RoutingTables(Protocol):
    """The routing table in force (`RoutingSource` re-reads the file when it changes)."""

    def current(self) -> RoutingTable: ...


class EscalationClassifier(Protocol):
    """Rates a user's line: sfw < romantic < suggestive < explicit."""

    def classify(self, text: str, language: str = "en") -> str: ...


