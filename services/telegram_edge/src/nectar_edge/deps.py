"""What the edge's handlers need: the policy they apply and the ports they act through.

Built once per process by `nectar_edge.bootstrap.build_deps` (every port replaceable by
keyword); the bus handlers (`nectar_edge.handlers`), the middleware chain
(`nectar_edge.chain`) and the aiogram routers (`nectar_edge.bot`) all take it. Nothing here
connects or reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nectar_edge.background import BackgroundTasks
from nectar_edge.ports import (
    BillingPlans,
    CostGuard,
    DeliveryLog,
    MediaFiles,
    Messenger,
    PaymentLog,
    Publisher,
    RateLimiter,
    UpdateFeed,
    UpdateLog,
    UserDirectory,
)

#: the `producer` of every event the edge publishes
PRODUCER = "telegram_edge"


@dataclass(frozen=True)
class Policy:
    """Defaults and limits the handlers apply (from `EdgeSettings` and the plan catalog).

    `payment_key` has no default: it signs invoice payloads, and a key known from the
    source code would let anyone forge one. `star_prices` and `daily_turn_limits` have none
    either: they come from the one plan catalog (`nectar_contracts.plans`), never from a
    copy."""

    payment_key: bytes
    #: price of each plan for sale, in Stars (the paid plans of the catalog)
    star_prices: Mapping[str, int]
    #: model-backed requests per UTC day, by plan (the catalog's `daily_messages`)
    daily_turn_limits: Mapping[str, int]
    default_character: str = "luna"
    characters: tuple[str, ...] = ("luna", "kai", "mira")
    default_language: str = "en"
    update_claim_ttl_s: int = 30
    update_dedupe_ttl_s: int = 86400
    delivery_claim_ttl_s: int = 30
    delivery_record_ttl_s: int = 7 * 24 * 3600
    delivery_in_flight_retry_s: float = 5.0
    rate_window_s: float = 60.0
    rate_limits: Mapping[str, int] = field(default_factory=lambda: {
        "free": 12, "basic": 20, "premium": 30, "vip": 40, "elite": 60})
    global_daily_turns: int = 200_000
    payment_support_text: str = ""
    chat_action_every_s: float = 4.5
    chat_action_max_s: float = 40.0
    chat_action_max_turns: int = 200

    def __post_init__(self) -> None:
        if not self.payment_key:
            raise ValueError("Policy.payment_key must not be empty")


@dataclass(frozen=True)
class Deps:
    """What edge handlers need; built by `bootstrap.build_deps`."""

    policy: Policy
    users: UserDirectory
    deliveries: DeliveryLog
    messenger: Messenger
    publisher: Publisher
    updates: UpdateLog
    rates: RateLimiter
    costs: CostGuard
    payments: PaymentLog
    #: runs stored Telegram updates through the bot (None where no update is handled)
    feed: UpdateFeed | None = None
    #: refills a plan missing from the cache from billing's events (None: a missing plan
    #: is free, as for a user billing does not know yet)
    plans: BillingPlans | None = None
    #: media's object storage, to upload images to Telegram (None: images cannot be sent)
    media_files: MediaFiles | None = None
    background: BackgroundTasks = field(default_factory=BackgroundTasks)
