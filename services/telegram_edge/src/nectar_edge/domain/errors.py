"""What can go wrong talking to Telegram, in the edge's own words.

The Telegram adapter turns aiogram's exceptions into these; handlers never see aiogram or
aiohttp errors.
"""

from __future__ import annotations


class TelegramError(Exception):
    """Base of the edge's Telegram failures."""


class RateLimited(TelegramError):
    """Telegram answered 429: try again after `retry_after_s`."""

    def __init__(self, retry_after_s: float, detail: str = "") -> None:
        super().__init__(detail or f"rate limited, retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


class RecipientUnavailable(TelegramError):
    """The user blocked the bot, deleted the account or the chat does not exist: retrying
    will not help, and the user is marked inactive."""


class MessageRejected(TelegramError):
    """Telegram refused this particular message (400 for another reason): a poison input."""


class TelegramUnavailable(TelegramError):
    """Network failure or 5xx: transient, retried with backoff."""


class TokenRejected(TelegramError):
    """The bot token is not accepted by the Bot API (401)."""


class UnreadableUpdate(ValueError):
    """A Telegram update this code cannot read at all (no kind it knows, or its core object
    is malformed); `reason` says why. Dead-lettered, never retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
