"""Composition root of the Telegram edge: `build_deps(settings)` -> `Deps`.

Every adapter can be replaced by keyword; nothing connects here (the Telegram session is
opened by the runtime: `TelegramGateway` is a `Managed` adapter)."""

from __future__ import annotations

from nectar_contracts.plans import PlanCatalog, load_plan_catalog
from nectar_runtime.objectstore import S3Settings
from opentelemetry import trace
from prometheus_client import REGISTRY, CollectorRegistry
from redis.asyncio import Redis

from nectar_edge.adapters.media_files import S3MediaFiles
from nectar_edge.adapters.redis_store import (
    RedisCostGuard,
    RedisDeliveryLog,
    RedisPaymentLog,
    RedisRateLimiter,
    RedisUpdateLog,
    RedisUserDirectory,
)
from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.bot.feed import AiogramFeed
from nectar_edge.deps import Deps, Policy
from nectar_edge.domain.payments import derive_key
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
from nectar_edge.settings import EdgeSettings


def payment_key(settings: EdgeSettings) -> bytes:
    """The invoice-payload key: `EDGE_PAYMENT_SECRET`, else (outside production, see
    `EdgeSettings.check_production_secrets`) one derived from the bot token."""
    if settings.payment_secret is not None and settings.payment_secret.get_secret_value():
        return settings.payment_secret.get_secret_value().encode()
    return derive_key(settings.telegram_bot_token.get_secret_value())


def plan_terms(catalog: PlanCatalog) -> tuple[dict[str, int], dict[str, int]]:
    """What the edge takes from the plan catalog: the Stars price of each plan for sale
    (cheapest first, the order of /buy's buttons) and every plan's daily turn limit."""
    prices = {plan.name: plan.prices.stars for plan in catalog.paid()}
    limits = {name: plan.entitlements.daily_messages for name, plan in catalog.plans.items()}
    return prices, limits


def lease_s(configured: int, settings: EdgeSettings) -> int:
    """A claim's lease: as configured, but never longer than half the ack wait. A replica
    that dies holding a claim then never makes JetStream's redelivery of its message find
    the claim alive (and drop it as a duplicate: a lost turn)."""
    return max(1, min(configured, int(settings.infra.ack_wait_s / 2)))


def policy_from(settings: EdgeSettings, catalog: PlanCatalog | None = None) -> Policy:
    """The handlers' policy: settings, and the plan catalog (`NECTAR_PLANS_FILE` or the
    packaged one) read here, once, outside the domain."""
    prices, limits = plan_terms(catalog or load_plan_catalog())
    return Policy(
        payment_key=payment_key(settings),
        star_prices=prices,
        daily_turn_limits=limits,
        default_character=settings.default_character,
        characters=settings.characters,
        default_language=settings.default_language,
        update_claim_ttl_s=lease_s(settings.update_claim_ttl_s, settings),
        update_dedupe_ttl_s=settings.update_dedupe_ttl_s,
        delivery_claim_ttl_s=lease_s(settings.delivery_claim_ttl_s, settings),
        delivery_record_ttl_s=settings.delivery_record_ttl_s,
        delivery_in_flight_retry_s=settings.delivery_in_flight_retry_s,
        rate_window_s=settings.rate_window_s,
        rate_limits=dict(settings.rate_limits),
        global_daily_turns=settings.global_daily_turns,
        payment_support_text=settings.payment_support_text,
        chat_action_every_s=settings.chat_action_every_s,
        chat_action_max_s=settings.chat_action_max_s,
        chat_action_max_turns=settings.chat_action_max_turns,
    )


def build_deps(settings: EdgeSettings, *, redis: Redis, publisher: Publisher,
               messenger: Messenger | None = None, users: UserDirectory | None = None,
               deliveries: DeliveryLog | None = None, updates: UpdateLog | None = None,
               rates: RateLimiter | None = None, costs: CostGuard | None = None,
               payments: PaymentLog | None = None, feed: UpdateFeed | None = None,
               plans: BillingPlans | None = None, media_files: MediaFiles | None = None,
               tracer: trace.Tracer | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Wire the adapters; every one can be replaced by keyword. Updates are fed to a new
    dispatcher bound to `messenger`'s Bot API session when that is a `TelegramGateway`.
    `plans` (billing's plan events, for cache misses) needs the bus: `create_app` gives
    the runtime's."""
    messenger = messenger or TelegramGateway(settings, registry)
    if feed is None and isinstance(messenger, TelegramGateway):
        feed = AiogramFeed(build_dispatcher(), messenger,
                           tracer or trace.get_tracer("nectar.telegram_edge"))
    return Deps(
        policy=policy_from(settings),
        users=users or RedisUserDirectory(redis),
        deliveries=deliveries or RedisDeliveryLog(redis),
        messenger=messenger,
        publisher=publisher,
        updates=updates or RedisUpdateLog(redis),
        rates=rates or RedisRateLimiter(redis),
        costs=costs or RedisCostGuard(redis),
        payments=payments or RedisPaymentLog(redis),
        feed=feed,
        plans=plans,
        media_files=media_files or S3MediaFiles(S3Settings()),
    )
