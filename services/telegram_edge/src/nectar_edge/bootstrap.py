"""Composition root of the Telegram edge."""

from __future__ import annotations

from redis.asyncio import Redis

from nectar_edge.adapters.redis_store import (
    RedisDeliveryLog,
    RedisUpdateLog,
    RedisUserDirectory,
)
from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.handlers import Deps, Policy
from nectar_edge.ports import DeliveryLog, Messenger, Publisher, UpdateLog, UserDirectory
from nectar_edge.settings import EdgeSettings


def policy_from(settings: EdgeSettings) -> Policy:
    return Policy(
        default_character=settings.default_character,
        characters=settings.characters,
        default_language=settings.default_language,
        delivery_claim_ttl_s=settings.delivery_claim_ttl_s,
        delivery_record_ttl_s=settings.delivery_record_ttl_s,
        delivery_in_flight_retry_s=settings.delivery_in_flight_retry_s,
    )


def build_deps(settings: EdgeSettings, *, redis: Redis, publisher: Publisher,
               messenger: Messenger | None = None, users: UserDirectory | None = None,
               deliveries: DeliveryLog | None = None,
               updates: UpdateLog | None = None) -> Deps:
    """Wire the adapters; every one can be replaced by keyword. Nothing connects here."""
    return Deps(
        policy=policy_from(settings),
        users=users or RedisUserDirectory(redis),
        deliveries=deliveries or RedisDeliveryLog(redis),
        messenger=messenger or TelegramGateway(settings),
        publisher=publisher,
        updates=updates or RedisUpdateLog(redis),
    )
