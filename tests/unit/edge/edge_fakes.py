"""Fakes of the edge's ports for unit tests (no network)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nectar_contracts import Event, Plan
from nectar_contracts.plans import load_plan_catalog
from nectar_edge.background import BackgroundTasks
from nectar_edge.bootstrap import plan_terms
from nectar_edge.deps import Deps, Policy
from nectar_edge.domain.delivery import DeliveryRecord, pending, take_over
from nectar_edge.domain.errors import MessageRejected
from nectar_edge.domain.limits import RateDecision, sliding_window
from nectar_edge.domain.messages import IncomingMessage, Keyboard, StoredUser
from nectar_runtime.objectstore import ObjectStoreUnavailable

BOT_ID = 777000

#: signs invoice payloads in unit tests only (the edge has no default key)
TEST_PAYMENT_KEY = b"edge-unit-tests-" + b"k" * 16


def edge_policy(**overrides: Any) -> Policy:
    """The edge's policy with a test payment key and the plan catalog's prices and limits;
    `overrides` as in `Policy(...)`."""
    prices, limits = plan_terms(load_plan_catalog())
    return Policy(**{"payment_key": TEST_PAYMENT_KEY, "star_prices": prices,
                     "daily_turn_limits": limits, **overrides})


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
        self.callbacks: list[str] = []
        self.pre_checkouts: list[tuple[str, bool, str]] = []
        self.charges: dict[str, bool] = {}  # charge id -> refunded
        self.edits: list[tuple[int, int, str, Keyboard]] = []
        self.deleted: list[tuple[int, int]] = []
        self._next_id = 100
        self.username: str | None = "nectar_test_bot"

    def _record(self, kind: str, chat_id: int, **payload: Any) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self._next_id += 1
        self.sent.append(Sent(kind, chat_id, payload, self._next_id))
        return self._next_id

    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard = ()) -> int:
        return self._record("text", chat_id, text=text, keyboard=keyboard)

    async def answer_callback(self, callback_id: str, text: str = "") -> None:
        self.callbacks.append(callback_id)

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           amount: int) -> int:
        return self._record("invoice", chat_id, title=title, description=description,
                            payload=payload, amount=amount)

    async def answer_pre_checkout(self, query_id: str, ok: bool, error: str = "") -> None:
        self.pre_checkouts.append((query_id, ok, error))

    async def refund_stars(self, user_id: int, charge_id: str) -> bool:
        if charge_id not in self.charges:
            raise MessageRejected("Bad Request: CHARGE_NOT_FOUND")
        if self.charges[charge_id]:
            return False
        self.charges[charge_id] = True
        return True

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int:
        return self._record("photo", chat_id, url=url, caption=caption)

    async def send_photo_file(self, chat_id: int, data: bytes, filename: str,
                              caption: str = "") -> int:
        return self._record("photo_file", chat_id, data=data, filename=filename,
                            caption=caption)

    async def edit_text(self, chat_id: int, message_id: int, text: str,
                        keyboard: Keyboard = ()) -> None:
        if self.failures:
            raise self.failures.pop(0)
        for sent in self.sent:
            if sent.message_id == message_id and sent.chat_id == chat_id:
                if (sent.payload.get("text"), sent.payload.get("keyboard")) == (text, keyboard):
                    raise MessageRejected("Bad Request: message is not modified")
                sent.payload.update(text=text, keyboard=keyboard)
                self.edits.append((chat_id, message_id, text, keyboard))
                return
        raise MessageRejected("Bad Request: message to edit not found")

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        for sent in self.sent:
            if sent.message_id == message_id and sent.chat_id == chat_id:
                self.sent.remove(sent)
                self.deleted.append((chat_id, message_id))
                return
        raise MessageRejected("Bad Request: message to delete not found")

    async def send_voice(self, chat_id: int, audio: bytes,
                         duration_s: float | None = None) -> int:
        return self._record("voice", chat_id, audio=audio, duration_s=duration_s)

    async def send_action(self, chat_id: int, action: str) -> None:
        if self.action_failures:
            raise self.action_failures.pop(0)
        self.actions.append((chat_id, action))

    def keyboards(self, chat_id: int | None = None) -> list[Keyboard]:
        return [s.payload["keyboard"] for s in self.sent
                if s.kind == "text" and (chat_id is None or s.chat_id == chat_id)]

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
        self.languages: dict[int, str] = {}

    async def profile(self, user_id: int, default_character: str) -> StoredUser:
        character = self.characters.get(user_id)
        plan = self.plans.get(user_id)
        return StoredUser(
            character=character,
            session=self.sessions.get((user_id, character or default_character)),
            plan=plan[0] if plan else None, language=self.languages.get(user_id),
            voice=self.voice.get(user_id, False), inactive=user_id in self.inactive)

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

    async def language(self, user_id: int) -> str | None:
        return self.languages.get(user_id)

    async def set_language(self, user_id: int, language: str) -> None:
        self.languages[user_id] = language

    async def set_session(self, user_id: int, character: str, session: str) -> None:
        self.sessions[(user_id, character)] = session

    async def onboard(self, user_id: int, character: str) -> bool:
        if user_id in self.characters:
            return False
        self.characters[user_id] = character
        return True


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeRateLimiter:
    """The sliding-window rule of `nectar_edge.domain.limits` on an injected clock."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.hits: dict[int, list[float]] = {}
        self.notices: dict[int, float] = {}

    async def hit(self, user_id: int, limit: int, window_s: float) -> RateDecision:
        hits = self.hits.setdefault(user_id, [])
        decision = sliding_window(hits, self.clock(), window_s, limit)
        if decision.allowed:
            hits.append(self.clock())
        return decision

    async def notice_once(self, user_id: int, ttl_s: float) -> bool:
        until = self.notices.get(user_id)
        if until is not None and until > self.clock():
            return False
        self.notices[user_id] = self.clock() + ttl_s
        return True


class FakeCostGuard:
    def __init__(self) -> None:
        self.used: dict[int, int] = {}
        self.broken = False

    @property
    def total(self) -> int:
        return sum(self.used.values())

    async def spend(self, user_id: int, user_limit: int, global_limit: int) -> bool:
        if self.broken:
            raise ConnectionError("redis down")
        if self.used.get(user_id, 0) >= user_limit or self.total >= global_limit:
            return False
        self.used[user_id] = self.used.get(user_id, 0) + 1
        return True


class FakePaymentLog:
    def __init__(self) -> None:
        self.charges: set[str] = set()

    async def record(self, charge_id: str) -> bool:
        if charge_id in self.charges:
            return False
        self.charges.add(charge_id)
        return True

    async def forget(self, charge_id: str) -> None:
        self.charges.discard(charge_id)


class FakeDeliveryLog:
    """The delivery state machine in a dict, with the Redis adapter's rules: a claim is a
    lease (`expire` lapses it), recorded ids outlive it. TTLs are recorded, not enforced;
    `failures` are raised by the next writes (save/progress), in order."""

    def __init__(self) -> None:
        self.records: dict[str, DeliveryRecord] = {}
        self.ttls: dict[str, int] = {}
        self.answered_turns: set[str] = set()
        self.failures: list[Exception] = []

    @staticmethod
    def _now_ms() -> int:
        return int(time.time() * 1000)

    def _write(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def claim(self, key: str, owner: str, ttl_s: float,
                    record_ttl_s: int = 7 * 24 * 3600) -> DeliveryRecord:
        current = self.records.get(key)
        new = take_over(current, owner, self._now_ms())
        if new is None:
            assert current is not None
            return current
        new = pending(owner, new.message_ids, self._now_ms() + int(ttl_s * 1000))
        self.records[key] = new
        self.ttls[key] = record_ttl_s if new.message_ids else int(ttl_s)
        return new

    async def progress(self, key: str, owner: str, message_ids: tuple[int, ...],
                       lease_s: float, record_ttl_s: int) -> None:
        self._write()
        self.records[key] = pending(owner, message_ids, self._now_ms() + int(lease_s * 1000))
        self.ttls[key] = record_ttl_s

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None:
        self._write()
        self.records[key], self.ttls[key] = record, ttl_s

    async def drop(self, key: str, owner: str) -> None:
        record = self.records.get(key)
        if record is not None and record.claimed_by(owner):
            if record.message_ids:
                self.records[key] = DeliveryRecord("partial", record.message_ids)
            else:
                del self.records[key]

    async def mark_answered(self, turn_id: str, ttl_s: int) -> None:
        self.answered_turns.add(turn_id)

    async def answered(self, turn_id: str) -> bool:
        return turn_id in self.answered_turns

    def expire(self, key: str) -> None:
        """What happens when a claim's lease runs out: a claim without ids is gone (its key
        lived as long as the lease); one with ids lapses and keeps them."""
        record = self.records.get(key)
        if record is None or record.status != "pending":
            return
        if record.message_ids:
            self.records[key] = pending(record.owner, record.message_ids, 1)
        else:
            del self.records[key]


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


class FakeMediaFiles:
    """Media's and voice's buckets in a dict (`{(bucket, key): bytes}`); `available` False
    is an outage of the store."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.available = True

    async def read(self, bucket: str, key: str) -> bytes:
        if not self.available:
            raise ObjectStoreUnavailable("object store down (fake)")
        try:
            return self.objects[(bucket, key)]
        except KeyError:
            raise KeyError(f"{bucket}/{key}") from None


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
    policy: Policy = field(default_factory=edge_policy)
    rates: FakeRateLimiter = field(default_factory=FakeRateLimiter)
    costs: FakeCostGuard = field(default_factory=FakeCostGuard)
    payments: FakePaymentLog = field(default_factory=FakePaymentLog)
    background: BackgroundTasks = field(default_factory=BackgroundTasks)
    #: the `UpdateFeed` (an `AiogramFeed` in tests of the update consumer)
    feed: Any = None
    #: billing's plan events (None: no refill, as before the plan cache could refill)
    plans: Any = None
    media_files: FakeMediaFiles = field(default_factory=FakeMediaFiles)

    @property
    def deps(self) -> Deps:
        return Deps(policy=self.policy, users=self.users, deliveries=self.deliveries,
                    messenger=self.messenger, publisher=self.publisher, updates=self.updates,
                    rates=self.rates, costs=self.costs, payments=self.payments,
                    feed=self.feed, background=self.background, plans=self.plans,
                    media_files=self.media_files)


def incoming(user_id: int, text: str | None = "hello", *, update_id: int = 1,
             language_code: str | None = "en", message_id: int = 10) -> IncomingMessage:
    return IncomingMessage(
        bot_id=BOT_ID, update_id=update_id, message_id=message_id, user_id=user_id,
        chat_id=user_id, text=text, language_code=language_code,
        sent_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


class FakeBillingPlans:
    """Billing's latest plan event per user; `down` simulates the bus being unreachable."""

    def __init__(self) -> None:
        self.plans: dict[int, tuple[str, int]] = {}
        self.down = False
        self.asked: list[int] = []

    async def latest_plan(self, user_id: int) -> tuple[Plan, int] | None:
        from nectar_runtime import Unavailable

        self.asked.append(user_id)
        if self.down:
            raise Unavailable("no NATS", dependency="nats")
        found = self.plans.get(user_id)
        return (found[0], found[1]) if found else None  # type: ignore[return-value]
