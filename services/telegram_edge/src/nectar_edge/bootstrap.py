"""Composition root of the Telegram edge."""

from __future__ import annotations

from nectar_runtime.objectstore import ObjectStore, S3ObjectStore
from prometheus_client import REGISTRY, CollectorRegistry
from redis.asyncio import Redis

from nectar_edge.adapters.redis_store import (
    RedisCostGuard,
    RedisDeliveryLog,
    RedisPaymentLog,
    RedisRateLimiter,
    RedisUpdateLog,
    RedisUserDirectory,
)
from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.domain.payments import derive_key
from nectar_edge.handlers import Deps, Policy
from nectar_edge.ports import (
    CostGuard,
    DeliveryLog,
    Messenger,
    PaymentLog,
    Publisher,
    RateLimiter,
    UpdateLog,
    UserDirectory,
)
from nectar_edge.settings import EdgeSettings


def payment_key(settings: EdgeSettings) -> bytes:
    """The invoice-payload key: the configured secret, else one derived from the token."""
    if settings.payment_secret is not None and settings.payment_secret.get_secret_value():
        return settings.payment_secret.get_secret_value().encode()
    return derive_key(settings.telegram_bot_token.get_secret_value())


def policy_from(settings: EdgeSettings) -> Policy:
    return Policy(
        default_character=settings.default_character,
        characters=settings.characters,
        default_language=settings.default_language,
        delivery_claim_ttl_s=settings.delivery_claim_ttl_s,
        delivery_record_ttl_s=settings.delivery_record_ttl_s,
        delivery_in_flight_retry_s=settings.delivery_in_flight_retry_s,
        rate_window_s=settings.rate_window_s,
        rate_limits=dict(settings.rate_limits),
        daily_turn_limits=dict(settings.daily_turn_limits),
        global_daily_turns=settings.global_daily_turns,
        star_prices=dict(settings.star_prices),
        payment_key=payment_key(settings),
        payment_support_text=settings.payment_support_text,
        chat_action_every_s=settings.chat_action_every_s,
        chat_action_max_s=settings.chat_action_max_s,
        chat_action_max_turns=settings.chat_action_max_turns,
    )


def build_deps(settings: EdgeSettings, *, redis: Redis, publisher: Publisher,
               messenger: Messenger | None = None, users: UserDirectory | None = None,
               deliveries: DeliveryLog | None = None, updates: UpdateLog | None = None,
               rates: RateLimiter | None = None, costs: CostGuard | None = None,
               payments: PaymentLog | None = None, audio: ObjectStore | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Wire the adapters; every one can be replaced by keyword. Nothing connects here."""
    return Deps(
        policy=policy_from(settings),
        users=users or RedisUserDirectory(redis),
        deliveries=deliveries or RedisDeliveryLog(redis),
        messenger=messenger or TelegramGateway(settings, registry),
        publisher=publisher,
        updates=updates or RedisUpdateLog(redis),
        rates=rates or RedisRateLimiter(redis),
        costs=costs or RedisCostGuard(redis),
        payments=payments or RedisPaymentLog(redis),
        audio=audio or S3ObjectStore(settings.s3, settings.voice_bucket),
    )
