"""Voice context: speech synthesis.

The turn a voice message belongs to is the envelope's `correlation_id` (the turn id), like
every event of a turn; `reply_event_id` names the `chat.reply_ready` being voiced.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from nectar_contracts.chat import ConversationRef, Plan

#: why no voice message was made
VoiceFailureReason = Literal[
    "not_available", "unsupported_language", "nothing_to_say", "quota", "provider_failed",
    "internal",
]


class VoiceRequested(ConversationRef):
    """A reply should be spoken (the llm emits it beside `chat.reply_ready` in voice mode)."""

    type: Literal["voice.voice_requested"] = Field("voice.voice_requested", description="Event type.")
    schema_version: Literal[2] = Field(2, description="Schema version of this event type.")
    text: str = Field(min_length=1, description="Text to speak: the reply as the user reads "
                      "it (stage directions and markup are the voice service's concern).")
    language: str = Field(description="Language of the text (one of the 17 product "
                          "languages).", examples=["en"])
    plan: Plan = Field(description="The user's plan when the turn arrived: it sets the "
                       "daily characters of the paid voice provider (plan catalog "
                       "`voice_chars`).")
    reply_event_id: uuid.UUID = Field(description="The `chat.reply_ready` being voiced.")


class VoiceReady(ConversationRef):
    """A voice message (OGG/Opus, 48 kHz mono) is stored and ready to send."""

    type: Literal["voice.voice_ready"] = Field("voice.voice_ready", description="Event type.")
    schema_version: Literal[2] = Field(2, description="Schema version of this event type.")
    reply_event_id: uuid.UUID = Field(description="The `chat.reply_ready` that was voiced.")
    language: str = Field(description="Language spoken.")
    bucket: str = Field(description="Object storage bucket holding the audio.",
                        examples=["nectar-voice"])
    object_key: str = Field(
        description="Key of the OGG/Opus file in `bucket`; under `users/<user_id>/`, so a "
        "user's erasure removes it.", examples=["users/1001/voice/3f2a...9c.ogg"])
    duration_s: float = Field(ge=0, description="Duration measured from the file, seconds.")
    size_bytes: int = Field(gt=0, description="Size of the file in bytes.")
    mime_type: Literal["audio/ogg"] = Field("audio/ogg", description="OGG container with "
                                            "Opus audio (what Telegram plays as a voice).")
    provider: str = Field(description="Speech engine that spoke it (inworld, piper, "
                          "espeak).", examples=["inworld"])
    voice: str = Field(description="Voice id of that engine.", examples=["Ashley"])
    billed_chars: int = Field(ge=0, description="Characters the provider billed for this "
                              "message (0 for a cache hit and for the offline engines).")
    cache_hit: bool = Field(description="Served from the audio cache: no provider call, no "
                            "budget spent.")


class VoiceFailed(ConversationRef):
    """No audio could be made; the text reply stands and the user is told (except for
    `nothing_to_say`, when the text reply is all there is to hear)."""

    type: Literal["voice.voice_failed"] = Field("voice.voice_failed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    language: str = Field(description="Language to apologise in.")
    reason: VoiceFailureReason = Field(
        description="Machine-readable reason: `not_available` (voice is switched off), "
        "`unsupported_language` (no engine speaks it), `nothing_to_say` (nothing speakable "
        "after stripping stage directions, emoji and markup: no apology), `quota` (every "
        "engine out of budget), `provider_failed` (every engine failed), `internal`.")
    detail: str = Field(default="", description="Operator-facing detail.")
