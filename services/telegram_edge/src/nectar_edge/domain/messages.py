"""What arrives from and goes to Telegram, as plain values (no aiogram types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from nectar_edge.domain.context import UserContext


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
    #: what the middleware chain resolved; None outside it (handlers called directly)
    context: UserContext | None = None


@dataclass(frozen=True)
class Button:
    """An inline keyboard button that sends `data` back as a callback query."""

    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class TextPart:
    """One text message to send (already within Telegram's length limit)."""

    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class PhotoPart:
    """A photo to send by URL (Telegram fetches it)."""

    url: str
    caption: str = ""


@dataclass(frozen=True)
class PhotoUpload:
    """A photo to upload (`sendPhoto` multipart): Telegram cannot fetch a local URL."""

    data: bytes
    filename: str
    caption: str = ""


@dataclass(frozen=True)
class VoicePart:
    """A voice note to upload: OGG/Opus bytes (read from object storage) and its duration."""

    audio: bytes = field(repr=False)
    duration_s: float | None = None


@dataclass(frozen=True)
class InvoicePart:
    """An invoice in Telegram Stars (XTR) with a signed payload."""

    title: str
    description: str
    payload: str
    amount: int


OutgoingPart = TextPart | PhotoPart | PhotoUpload | VoicePart | InvoicePart


@dataclass(frozen=True)
class StoredUser:
    """What the edge keeps about a user, read in one go by the auth step."""

    character: str | None = None
    session: str | None = None  # of `character` (or of the default character)
    plan: str | None = None
    language: str | None = None
    voice: bool = False
    inactive: bool = False
