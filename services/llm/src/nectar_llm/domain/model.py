"""Types that cross the `ChatModel` port: what is asked of a model and what comes back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt.

    `cacheable` marks the last block of the stable prefix: adapters for providers that need
    an explicit cache marker (Anthropic-style `cache_control`) put it there.
    """

    role: Role
    content: str
    cacheable: bool = False


@dataclass(frozen=True)
class ChatRequest:
    """One call to one model. `extra_body` is merged into the provider request as is
    (e.g. safety settings on the chat path only; never on moderation or vision calls)."""

    model: str
    messages: tuple[ChatMessage, ...]
    max_tokens: int
    temperature: float
    stream: bool = False
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    cache_marker: bool = True
    user: str | None = None  # stable, opaque end-user id: sticky provider routing and caches


@dataclass(frozen=True)
class TokenUsage:
    """Tokens and cost of one call as the provider reported them."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0
    cost: float = 0.0
    cache_write: int = 0


@dataclass(frozen=True)
class Completion:
    """A model's non-empty answer.

    `model` is the model the provider says answered (it can differ from the requested slug
    behind a router); `ttft_ms` is known only for streamed calls.
    """

    text: str
    model: str
    finish_reason: str | None
    usage: TokenUsage
    ttft_ms: float | None
    total_ms: float


@dataclass(frozen=True)
class Attempt:
    """How one rung of a fallback chain went (for logs and `reply_failed` details)."""

    index: int
    model: str
    outcome: str
    error: str = ""


@dataclass(frozen=True)
class Answer:
    """The completion that a chain settled on, the rung that gave it and the rungs before."""

    completion: Completion
    attempt: int
    requested_model: str
    attempts: tuple[Attempt, ...]
    text: str = ""
    salvaged: bool = False
    spent: float = 0.0

    @property
    def reply_text(self) -> str:
        """What to send: the salvaged text when salvage cut the answer, else the answer."""
        return (self.text or self.completion.text).strip()
