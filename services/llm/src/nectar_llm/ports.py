"""Ports of the llm service."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from nectar_llm.domain.model import ChatRequest, Completion


class ChatModel(Protocol):
    """A chat-completions provider.

    `complete` returns a non-empty `Completion`, or raises a `ModelError`:
    `TransientModelError` (rate limit, 5xx, timeout, network), `PermanentModelError`
    (request rejected) or `EmptyCompletion` (HTTP 200 with empty content). Nothing else
    escapes; provider and transport errors are translated by the adapter.
    """

    async def complete(self, request: ChatRequest) -> Completion: ...


@runtime_checkable
class Managed(Protocol):
    """An adapter with a connection lifecycle, run by the service's lifespan."""

    async def start(self) -> None:
        """Open connections (startup hook; never at construction)."""

    async def aclose(self) -> None:
        """Release them (shutdown hook)."""

    async def ready(self) -> None:
        """Raise when the adapter is not usable (readiness check)."""
