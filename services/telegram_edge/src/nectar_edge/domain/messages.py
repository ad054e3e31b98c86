"""What arrives from and goes to Telegram, as plain values (no aiogram types)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IncomingMessage:
    """A user's message taken from a Telegram update."""

    bot_id: int
    update_id: int
    message_id: int
    user_id: int
    chat_id: int
    text: str | None
    language_code: str | None
    sent_at: datetime


@dataclass(frozen=True)
class TextPart:
    """One text message to send (already within Telegram's length limit)."""

    text: str


@dataclass(frozen=True)
class PhotoPart:
    """A photo to send by URL (Telegram fetches it)."""

    url: str
    caption: str = ""


@dataclass(frozen=True)
class VoicePart:
    """A voice note (OGG/Opus) to send by URL."""

    url: str
    duration_s: float | None = None


OutgoingPart = TextPart | PhotoPart | VoicePart
