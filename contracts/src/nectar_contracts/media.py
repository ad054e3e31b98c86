"""Media context: image generation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nectar_contracts.chat import ConversationRef


class ImageRequested(ConversationRef):
    """An image of the character was asked for (command or detected intent)."""

    type: Literal["media.image_requested"] = Field("media.image_requested", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    prompt: str = Field(min_length=1, description="What to draw.")
    language: str = Field(description="Language for captions and errors.")


class ImageReady(ConversationRef):
    """An image was rendered and stored."""

    type: Literal["media.image_ready"] = Field("media.image_ready", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    url: str = Field(description="Where the image can be fetched (object storage URL).")
    mime_type: str = Field(default="image/png", description="Image MIME type.")
    caption: str = Field(default="", description="Caption to send with the photo.")


class ImageFailed(ConversationRef):
    """No image could be made; the edge tells the user."""

    type: Literal["media.image_failed"] = Field("media.image_failed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    language: str = Field(description="Language to apologise in.")
    reason: Literal["not_available", "refused", "quota", "internal"] = Field(
        description="Machine-readable reason.")
    detail: str = Field(default="", description="Operator-facing detail.")
