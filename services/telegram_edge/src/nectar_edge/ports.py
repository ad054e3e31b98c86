"""Ports of the edge: what its handlers need from the outside world, named by role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from nectar_contracts import Event, Plan

from nectar_edge.domain.delivery import DeliveryRecord
from nectar_edge.domain.limits import RateDecision
from nectar_edge.domain.messages import Keyboard, StoredUser

if TYPE_CHECKING:
    from nectar_edge.deps import Deps


class Messenger(Protocol):
    """Sends to Telegram. Raises the exceptions of `nectar_edge.domain.errors`."""

    #: the bot's @username (without the @) once the session knows it, else None
    username: str | None

    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard = ()) -> int:
        """Send plain text (no parse mode), with an inline keyboard when given; returns the
        message id."""
        ...

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int: ...

    async def send_photo_file(self, chat_id: int, data: bytes, filename: str,
                              caption: str = "") -> int:
        """Upload a photo (`sendPhoto` multipart); returns the message id."""
        ...

    async def edit_text(self, chat_id: int, message_id: int, text: str,
                        keyboard: Keyboard = ()) -> None:
        """Replace a sent message's text and inline keyboard (none: removed)."""
        ...

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Delete a message the bot sent."""
        ...

    async def send_voice(self, chat_id: int, audio: bytes,
                         duration_s: float | None = None) -> int:
        """Upload an OGG/Opus voice note (multipart) with its duration; the message id."""
        ...

    async def send_action(self, chat_id: int, action: str) -> None:
        """A chat action such as `typing` or `upload_photo` (best effort)."""
        ...

    async def answer_callback(self, callback_id: str, text: str = "") -> None:
        """Stop the button's spinner (best effort)."""
        ...

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           amount: int) -> int:
        """An invoice in Telegram Stars (XTR) for `amount`; returns the message id."""
        ...

    async def answer_pre_checkout(self, query_id: str, ok: bool, error: str = "") -> None:
        """Approve or refuse a pre-checkout query (Telegram waits at most 10 s)."""
        ...

    async def refund_stars(self, user_id: int, charge_id: str) -> bool:
        """refundStarPayment; True when refunded now, False when it was refunded before
        (CHARGE_ALREADY_REFUNDED). Raises `MessageRejected` for an unknown charge."""
        ...


class UserDirectory(Protocol):
    """What the edge remembers about a user (Redis projection/cache)."""

    async def profile(self, user_id: int, default_character: str) -> StoredUser:
        """Everything stored about the user in one round trip; `session` is the one of the
        stored character, or of `default_character` when none is stored."""
        ...

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

    async def language(self, user_id: int) -> str | None:
        """The language the user chose with /language, if any."""
        ...

    async def set_language(self, user_id: int, language: str) -> None: ...

    async def set_session(self, user_id: int, character: str, session: str) -> None: ...

    async def onboard(self, user_id: int, character: str) -> bool:
        """Give a user seen for the first time their starting character; True when the
        user was new (nothing stored yet), False otherwise. Atomic across replicas."""
        ...

    async def mark_active(self, user_id: int) -> None: ...

    async def is_inactive(self, user_id: int) -> bool: ...


class DeliveryLog(Protocol):
    """Per-delivery state (see `nectar_edge.domain.delivery`); shared by replicas. Raises
    the store's client errors when it is down (an outage: retried, never dead-lettered)."""

    async def claim(self, key: str, owner: str, ttl_s: float,
                    record_ttl_s: int = 7 * 24 * 3600) -> DeliveryRecord:
        """Atomically take the delivery for `owner` when nobody holds a live claim (absent,
        `partial`, or a claim whose lease of `ttl_s` ran out), keeping the message ids sent
        so far; return the record stored afterwards (`sent`, someone else's `pending`, or
        `owner`'s). Ids stay `record_ttl_s` once recorded, whatever the lease."""
        ...

    async def progress(self, key: str, owner: str, message_ids: tuple[int, ...],
                       lease_s: float, record_ttl_s: int) -> None:
        """Record the ids sent so far under `owner`'s claim, renewing its lease."""
        ...

    async def save(self, key: str, record: DeliveryRecord, ttl_s: int) -> None: ...

    async def drop(self, key: str, owner: str) -> None:
        """Give up `owner`'s claim: deleted when nothing was sent, else kept as `partial`."""
        ...

    async def mark_answered(self, turn_id: str, ttl_s: int) -> None:
        """The user got an answer (or an apology) for this turn: stop its chat action."""
        ...

    async def answered(self, turn_id: str) -> bool: ...


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


class RateLimiter(Protocol):
    """A sliding-window log per user, shared by replicas."""

    async def hit(self, user_id: int, limit: int, window_s: float) -> RateDecision:
        """Count one message now when under `limit` in the last `window_s` seconds."""
        ...

    async def notice_once(self, user_id: int, ttl_s: float) -> bool:
        """True once per `ttl_s` per user: whether to tell them they are rate limited."""
        ...


class CostGuard(Protocol):
    """Daily budget of model-backed requests (per user by plan, and for everyone)."""

    async def spend(self, user_id: int, user_limit: int, global_limit: int) -> bool:
        """Count one request when both budgets allow it; False (nothing counted) when one
        is spent. Fails closed: raises when the budget cannot be read."""
        ...


class PaymentLog(Protocol):
    """Which Stars charges were already turned into a payment event."""

    async def record(self, charge_id: str) -> bool:
        """True the first time `charge_id` is recorded, False afterwards."""
        ...

    async def forget(self, charge_id: str) -> None:
        """Undo `record` when publishing failed, so a redelivery publishes."""
        ...


class BillingPlans(Protocol):
    """Billing's own word on a user's plan: its latest plan event on the bus (the BILLING
    stream keeps them), for a plan missing from the edge's cache."""

    async def latest_plan(self, user_id: int) -> tuple[Plan, int] | None:
        """The plan of the user's newest `billing.plan_changed` or `billing.user_created`
        and its time (ms since the epoch); None when billing has none yet (a new user).
        Raises the bus client's errors when the bus is down (an outage)."""
        ...
class MediaFiles(Protocol):
    """Reads the objects media and voice store (images, voice notes; S3 API, `NECTAR_S3_*`,
    the bucket named by the event) so the edge can upload them to Telegram. Raises
    `KeyError` for a missing object and the runtime's `ObjectStoreUnavailable` (an outage,
    retried) when the store does not answer."""

    async def read(self, bucket: str, key: str) -> bytes: ...


class Publisher(Protocol):
    """Publishes events on the bus (the runtime's `EventBus`)."""

    async def publish_all(self, events: Sequence[Event]) -> None: ...


class UpdateFeed(Protocol):
    """Runs one Telegram update (the raw JSON object Telegram sent) through the bot: the
    middleware chain and the routers, whose handlers act through `deps`."""

    async def feed(self, update: Mapping[str, Any], deps: Deps) -> None:
        """Handle the update; raises what its handlers raise."""
        ...
