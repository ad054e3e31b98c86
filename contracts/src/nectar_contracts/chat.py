"""Chat context: a turn from the user's line to the delivered reply, summaries, resets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nectar_contracts.envelope import Event

ReplyMode = Literal["text", "voice"]
Plan = Literal["free", "basic", "premium", "vip", "elite"]
ContentMode = Literal["natural", "instant", "explicit"]
ReplyOutcome = Literal["answered", "salvaged", "rescued", "soft_refusal", "gated"]


class ChatLine(BaseModel):
    """One line of a conversation as kept in the hot buffer."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    role: Literal["user", "assistant"] = Field(description="Who said it.")
    content: str = Field(description="What was said.")
    at: datetime = Field(description="When it was said, UTC.")


class MemoryHit(BaseModel):
    """A summary retrieved from semantic memory."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    text: str = Field(description="Summary text of an older window of the conversation.")
    score: float = Field(description="Similarity in [0, 1]; higher is closer.")


class ConversationRef(Event):
    """Fields that name one conversation: (user, character, session)."""

    chat_id: int = Field(description="Telegram chat id to answer in.", examples=[1001])
    character: str = Field(description="Character id the user talks to.", examples=["luna"])
    session: str = Field(description="Conversation session; changes on reset.", examples=["1"])


class TurnReceived(ConversationRef):
    """The user said something; starts a turn. Its event id is the turn id."""

    type: Literal["chat.turn_received"] = Field("chat.turn_received", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    text: str = Field(description="The user's message.", min_length=1, max_length=16384)
    language: str = Field(description="IETF language code used for replies.", examples=["en"])
    plan: Plan = Field(description="The user's plan tier when the turn arrived.")
    reply_mode: ReplyMode = Field(default="text", description="Answer as text or voice.")
    update_id: int | None = Field(default=None, description="Telegram update id, if any.")
    message_id: int | None = Field(default=None, description="Telegram message id, if any.")


class ContextReady(ConversationRef):
    """Memory assembled the context the llm needs for a turn."""

    type: Literal["chat.context_ready"] = Field("chat.context_ready", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    text: str = Field(description="The user's message of this turn.")
    language: str = Field(description="Reply language.")
    plan: Plan = Field(description="Plan tier of the user for this turn.")
    reply_mode: ReplyMode = Field(description="Answer as text or voice.")
    recent: list[ChatLine] = Field(description="Recent lines, oldest first, this turn's "
                                   "user line excluded.")
    summary: str | None = Field(default=None, description="Latest window summary, if any.")
    memories: list[MemoryHit] = Field(default_factory=list,
                                      description="Top-K semantic memories, best first.")
    content_mode: ContentMode | None = Field(
        default=None, description="Pace/content mode the user picked (routes the turn); "
        "unset: the llm service derives it from the turn's text.")
    degraded: list[str] = Field(default_factory=list, description="Memory layers that could "
                                "not be read for this turn (e.g. `semantic`).")


class Usage(BaseModel):
    """Token usage and cost of one model call."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prompt_tokens: int = Field(ge=0, description="Prompt tokens billed.")
    completion_tokens: int = Field(ge=0, description="Completion tokens billed.")
    cached_tokens: int = Field(default=0, ge=0, description="Prompt tokens read from cache.")
    cache_write_tokens: int = Field(default=0, ge=0, description="Prompt tokens written to "
                                    "the provider's cache by this call.")
    cost_usd: float = Field(default=0.0, ge=0, description="Cost reported by the provider.")


class ReplyReady(ConversationRef):
    """The llm produced the character's answer to a turn."""

    type: Literal["chat.reply_ready"] = Field("chat.reply_ready", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    text: str = Field(min_length=1, description="The answer to send.")
    language: str = Field(description="Language of the answer.")
    reply_mode: ReplyMode = Field(description="Answer as text or voice.")
    model: str = Field(description="Model that produced the answer.")
    attempt: int = Field(ge=0, description="Index of the rung of the fallback chain that "
                         "answered (0 = primary).")
    ttft_ms: float | None = Field(default=None, description="Time to first token, ms.")
    usage: Usage | None = Field(default=None, description="Usage of the answering call.")
    outcome: ReplyOutcome | None = Field(
        default=None, description="How the answer came about: a model answered, salvage cut "
        "a refusal tail, a rescue model answered, a synthesized in-character soft refusal, or "
        "an in-character answer to a turn over the plan's content ceiling.")
    upsell: Plan | None = Field(
        default=None, description="Set when the turn went past the plan's content ceiling: "
        "the cheapest plan that allows it, for the edge to offer an upgrade.")


ReplyFailureReason = Literal[
    "all_models_failed", "refused", "over_budget", "rate_limited", "internal", "unavailable"
]


class ReplyFailed(ConversationRef):
    """No answer could be produced; the edge tells the user in their language."""

    type: Literal["chat.reply_failed"] = Field("chat.reply_failed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    language: str = Field(description="Language to apologise in.")
    reason: ReplyFailureReason = Field(description="Machine-readable reason.")
    detail: str = Field(default="", description="Operator-facing detail; never shown raw.")


class ReplyDelivered(ConversationRef):
    """The edge delivered a reply to Telegram."""

    type: Literal["chat.reply_delivered"] = Field("chat.reply_delivered", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    text: str = Field(description="The text that was delivered.")
    reply_event_id: uuid.UUID = Field(description="Event id of the `chat.reply_ready`.")
    message_ids: list[int] = Field(description="Telegram message ids of the sent parts.")


class SummaryRequested(ConversationRef):
    """Memory asks for a summary of a fixed-size window of the conversation."""

    type: Literal["chat.summary_requested"] = Field("chat.summary_requested", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    window: int = Field(ge=0, description="Index of the window (0-based).")
    language: str = Field(description="Language of the conversation.")
    lines: list[ChatLine] = Field(min_length=1, description="The lines to summarise.")


class SummaryWritten(ConversationRef):
    """The llm summarised a window; memory stores it."""

    type: Literal["chat.summary_written"] = Field("chat.summary_written", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    window: int = Field(ge=0, description="Index of the summarised window.")
    text: str = Field(min_length=1, description="The summary; never empty.")
    model: str = Field(description="Model that wrote it.")
    imported: bool = Field(default=False, description="Loaded by `nectar memory import` from "
                           "another system (not the answer to a summary request): stored even "
                           "when its session is not the current one.")


class ConversationReset(ConversationRef):
    """The user reset a conversation; `session` is the one that ends."""

    type: Literal["chat.conversation_reset"] = Field("chat.conversation_reset", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    new_session: str = Field(description="The session that starts now.")
