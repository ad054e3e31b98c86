"""Voice context: speech synthesis."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from nectar_contracts.chat import ConversationRef


class VoiceRequested(ConversationRef):
    """A reply should be spoken."""

    type: Literal["voice.voice_requested"] = Field("voice.voice_requested", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    text: str = Field(min_length=1, description="Text to speak.")
    language: str = Field(description="Language of the text.")
    reply_event_id: uuid.UUID = Field(description="The `chat.reply_ready` being voiced.")


class VoiceReady(ConversationRef):
    """Audio (OGG/Opus) is ready to send as a voice message."""

    type: Literal["voice.voice_ready"] = Field("voice.voice_ready", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    url: str = Field(description="Where the OGG/Opus audio can be fetched.")
    duration_s: float = Field(ge=0, description="Duration in seconds.")


class VoiceFailed(ConversationRef):
    """No audio could be made; the text reply stands and the user is told."""

    type: Literal["voice.voice_failed"] = Field("voice.voice_failed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    language: str = Field(description="Language to apologise in.")
    reason: Literal["not_available", "quota", "provider_failed", "internal"] = Field(
        description="Machine-readable reason.")
    detail: str = Field(default="", description="Operator-facing detail.")
