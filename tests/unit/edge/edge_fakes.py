"""Fakes of the edge's ports for unit tests (no network)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nectar_contracts import Event, Plan
from nectar_edge.domain.delivery import DeliveryRecord, take_over
from nectar_edge.domain.messages import IncomingMessage
from nectar_edge.handlers import Deps, Policy

BOT_ID = 777000


@dataclass
class Sent:
    kind: str
    chat_id: int
    payload: dict[str, Any]
    message_id: int


class FakeMessenger:
    """Records what would be sent; `failures` are raised by the next send calls, in order."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.actions: list[tuple[int, str]] = []
        self.failures: list[Exception] = []
        self.action_failures: list[Exception] = []
        self._next_id = 100

    def _record(self, kind: str, chat_id: int, **payload: Any) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self._next_id += 1
        self.sent.append(Sent(kind, chat_id, payload, self._next_id))
        return self._next_id

    async def send_text(self, chat_id: int, text: str) -> int:
        return self._record("text", chat_id, text=text)

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int:
        return self._record("photo", chat_id, url=url, caption=caption)

    async def send_voice(self, chat_id: int, url: str, duration_s: float | None = None) -> int:
        return self._record("voice", chat_id, url=url, duration_s=duration_s)

    async def send_action(self, chat_id: int, action: str) -> None:
        if self.action_failures:
            raise self.action_failures.pop(0)
        self.actions.append((chat_id, action))

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [s.payload["text"] for s in self.sent
                if s.kind == "text" and (chat_id is None or s.chat_id == chat_id)]


class FakeUserDirectory:
    def __init__(self) -> None:
        self.characters: dict[int, str] = {}
        self.sessions: dict[tuple[int, str], str] = {}
        self.plans: dict[int, tuple[str, int]] = {}
        self.voice: dict[int, bool] = {}
        self.inactive: dict[int, str] = {}

    async def character(self, user_id: int) -> str | None:
        return self.characters.get(user_id)

    async def session(self, user_id: int, character: str) -> str | None:
        return self.sessions.get((user_id, character))

    async def plan(self, user_id: int) -> Plan | None:
        stored = self.plans.get(user_id)
        return stored[0] if stored else None  # type: ignore[return-value]

    async def voice_enabled(self, user_id: int) -> bool:
        return self.voice.get(user_id, False)

    async def set_voice(self, user_id: int, enabled: bool) -> None:
        self.voice[user_id] = enabled

    async def set_character(self, user_id: int, character: str) -> None:
        self.characters[user_id] = character

    async def cache_plan(self, user_id: int, plan: Plan, as_of_ms: int) -> bool:
        current = self.plans.get(user_id)
        if current is not None and current[1] > as_of_ms:
            return False
        self.plans[user_id] = (plan, as_of_ms)
        return True

    async def mark_inactive(self, user_id: int, reason: str) -> None:
        self.inactive[user_id] = reason

    async def mark_active(self, user_id: int) -> None:
        self.inactive.pop(user_id, None)

    async def is_inactive(self, user_id: int) -> bool:
        return user_id in self.inactive


class FakeDeliveryLog:
    """The delivery state machine in a dict (TTLs are recorded, not enforced)."""

    def __init__(self) -> None:
        self.records: dict[str, DeliveryRecord] = {}
        self.ttls: dict[str, int] = {}

    async def claim(self, key: str, owner: str, ttl_s: int) -> DeliveryRecord:
        current = self.records.get(key)
        new = take_over(current, owner)
        if new is None:
            assert current is not None
            return current
        self.records[key], self.ttls[key] = new, ttl_s
        return new

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None:
        self.records[key], self.ttls[key] = record, ttl_s

    async def drop(self, key: str, owner: str) -> None:
        record = self.records.get(key)
        if record is not None and record.claimed_by(owner):
            del self.records[key]

    def expire(self, key: str) -> None:
        """What Redis does when a claim's TTL runs out."""
        self.records.pop(key, None)


class FakeUpdateLog:
    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()
        self.done: set[tuple[int, int]] = set()

    async def claim(self, bot_id: int, update_id: int, ttl_s: int) -> bool:
        if (bot_id, update_id) in self.seen:
            return False
        self.seen.add((bot_id, update_id))
        return True

    async def complete(self, bot_id: int, update_id: int, ttl_s: int) -> None:
        self.done.add((bot_id, update_id))

    async def release(self, bot_id: int, update_id: int) -> None:
        self.seen.discard((bot_id, update_id))


class FakePublisher:
    def __init__(self) -> None:
        self.events: list[Event] = []

    async def publish_all(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


@dataclass
class World:
    """Every fake plus the `Deps` wired on them."""

    messenger: FakeMessenger = field(default_factory=FakeMessenger)
    users: FakeUserDirectory = field(default_factory=FakeUserDirectory)
    deliveries: FakeDeliveryLog = field(default_factory=FakeDeliveryLog)
    updates: FakeUpdateLog = field(default_factory=FakeUpdateLog)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    policy: Policy = field(default_factory=Policy)

    @property
    def deps(self) -> Deps:
        return Deps(policy=self.policy, users=self.users, deliveries=self.deliveries,
                    messenger=self.messenger, publisher=self.publisher, updates=self.updates)


def incoming(user_id: int, text: str | None = "hello", *, update_id: int = 1,
             language_code: str | None = "en", message_id: int = 10) -> IncomingMessage:
    return IncomingMessage(
        bot_id=BOT_ID, update_id=update_id, message_id=message_id, user_id=user_id,
        chat_id=user_id, text=text, language_code=language_code,
        sent_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
