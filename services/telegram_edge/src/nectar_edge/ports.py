"""Ports of the edge: what its handlers need from the outside world, named by role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from nectar_contracts import Event, Plan

from nectar_edge.domain.delivery import DeliveryRecord


class Messenger(Protocol):
    """Sends to Telegram. Raises the exceptions of `nectar_edge.domain.errors`."""

    async def send_text(self, chat_id: int, text: str) -> int:
        """Send plain text (no parse mode); returns the message id."""
        ...

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int: ...

    async def send_voice(self, chat_id: int, url: str, duration_s: float | None = None) -> int:
        ...

    async def send_action(self, chat_id: int, action: str) -> None:
        """A chat action such as `typing` or `upload_photo` (best effort)."""
        ...


class UserDirectory(Protocol):
    """What the edge remembers about a user (Redis projection/cache)."""

    async def character(self, user_id: int) -> str | None: ...

    async def session(self, user_id: int, character: str) -> str | None: ...

    async def plan(self, user_id: int) -> Plan | None: ...

    async def voice_enabled(self, user_id: int) -> bool: ...

    async def set_voice(self, user_id: int, enabled: bool) -> None: ...

    async def set_character(self, user_id: int, character: str) -> None: ...

    async def cache_plan(self, user_id: int, plan: Plan, as_of_ms: int) -> bool:
        """Store `plan` unless a newer one (by `as_of_ms`) is stored; True when stored."""
        ...

    async def mark_inactive(self, user_id: int, reason: str) -> None: ...

    async def mark_active(self, user_id: int) -> None: ...

    async def is_inactive(self, user_id: int) -> bool: ...


class DeliveryLog(Protocol):
    """Per-event delivery state (see `nectar_edge.domain.delivery`); shared by replicas."""

    async def claim(self, key: str, owner: str, ttl_s: int) -> DeliveryRecord:
        """Atomically take the delivery for `owner` when nobody holds it (absent or
        `partial`), writing `pending`; return the record stored afterwards."""
        ...

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None: ...

    async def drop(self, key: str, owner: str) -> None:
        """Delete the record if it is still `owner`'s pending claim."""
        ...


class UpdateLog(Protocol):
    """Which Telegram updates were already taken (dedupe by update_id)."""

    async def claim(self, bot_id: int, update_id: int, ttl_s: int) -> bool:
        """Take the update for handling (a short-lived mark, so a crash mid-handling does
        not lose it); True the first time, False for a duplicate."""
        ...

    async def complete(self, bot_id: int, update_id: int, ttl_s: int) -> None:
        """The update was handled: remember it for `ttl_s` (the dedupe window)."""
        ...

    async def release(self, bot_id: int, update_id: int) -> None:
        """Undo `claim` after a failed handling, so a redelivery is handled."""
        ...


class Publisher(Protocol):
    """Publishes events on the bus (the runtime's `EventBus`)."""

    async def publish_all(self, events: Sequence[Event]) -> None: ...
