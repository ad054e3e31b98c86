"""The edge's adapters against the real thing: Redis stores and the Bot API emulator."""

from __future__ import annotations

import pytest
from nectar_edge.adapters.redis_store import (
    RedisDeliveryLog,
    RedisUpdateLog,
    RedisUserDirectory,
)
from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.domain.delivery import DeliveryRecord, pending
from nectar_edge.domain.errors import RecipientUnavailable, TokenRejected
from nectar_edge.settings import EdgeSettings
from nectar_runtime import InfraSettings
from pydantic import SecretStr

pytestmark = pytest.mark.integration


async def test_delivery_log_claims_once_and_takes_over_partial_records(redis, user_id) -> None:
    log = RedisDeliveryLog(redis)
    key = f"test-{user_id}"
    first = await log.claim(key, "a", 60)
    second = await log.claim(key, "b", 60)
    assert first == pending("a") and second == pending("a")
    assert 0 < await redis.ttl(f"edge:delivery:{key}") <= 60

    await log.save(key, DeliveryRecord("partial", (11, 12)), 600)
    taken = await log.claim(key, "b", 60)
    assert taken == pending("b", (11, 12))

    await log.drop(key, "a")  # not a's claim any more: no effect
    assert await log.claim(key, "c", 60) == pending("b", (11, 12))
    await log.save(key, DeliveryRecord("sent", (11, 12, 13)), 600)
    assert await redis.get(f"edge:delivery:{key}") == "sent:11,12,13"
    assert await log.claim(key, "d", 60) == DeliveryRecord("sent", (11, 12, 13))


async def test_delivery_log_drop_removes_only_the_owners_claim(redis, user_id) -> None:
    log = RedisDeliveryLog(redis)
    key = f"drop-{user_id}"
    await log.claim(key, "owner", 60)
    await log.drop(key, "intruder")
    assert await redis.exists(f"edge:delivery:{key}") == 1
    await log.drop(key, "owner")
    assert await redis.exists(f"edge:delivery:{key}") == 0


async def test_update_log_dedupes_with_a_ttl_and_can_release(redis, user_id) -> None:
    log = RedisUpdateLog(redis)
    key = f"edge:update:42:{user_id}"
    assert await log.claim(42, user_id, 30) is True
    assert await log.claim(42, user_id, 30) is False
    assert 0 < await redis.ttl(key) <= 30
    await log.release(42, user_id)
    assert await log.claim(42, user_id, 30) is True
    await log.complete(42, user_id, 86400)
    assert await redis.get(key) == "done" and 30 < await redis.ttl(key) <= 86400
    assert await log.claim(42, user_id, 30) is False


async def test_user_directory_plan_cache_keeps_the_newest(redis, user_id) -> None:
    users = RedisUserDirectory(redis)
    assert await users.plan(user_id) is None
    assert await users.cache_plan(user_id, "premium", 2_000) is True
    assert await users.cache_plan(user_id, "free", 1_000) is False
    assert await users.plan(user_id) == "premium"
    await users.set_voice(user_id, True)
    assert await users.voice_enabled(user_id) is True
    await users.mark_inactive(user_id, "blocked")
    assert await users.is_inactive(user_id) is True
    await users.mark_active(user_id)
    assert await users.is_inactive(user_id) is False


def _settings(telegram, token: str) -> EdgeSettings:
    return EdgeSettings(infra=InfraSettings(), telegram_bot_token=SecretStr(token),
                        telegram_api_base=telegram.url)


async def test_a_rejected_token_fails_startup_with_a_clear_error(telegram) -> None:
    gateway = TelegramGateway(_settings(telegram, "123456:short"))  # emulator: 401
    with pytest.raises(TokenRejected, match="EDGE_TELEGRAM_BOT_TOKEN"):
        await gateway.start()
    assert not gateway.started
    with pytest.raises(ConnectionError):
        await gateway.check()


async def test_chat_not_found_is_recipient_unavailable(telegram, token) -> None:
    gateway = TelegramGateway(_settings(telegram, token))
    await gateway.start()
    try:
        await gateway.check()
        with pytest.raises(RecipientUnavailable, match="chat not found"):
            await gateway.send_text(987_654_321, "anyone there?")
    finally:
        await gateway.close()


async def test_a_lapsed_lease_keeps_the_ids_it_recorded(redis, user_id) -> None:
    """A replica that dies mid-reply: its lease runs out, what it recorded stays."""
    import asyncio

    log = RedisDeliveryLog(redis)
    key = f"lapse-{user_id}"
    assert await log.claim(key, "dead", 0.3) == pending("dead")
    await log.progress(key, "dead", (41, 42), 0.3, 600)
    assert await log.claim(key, "next", 0.3) == pending("dead", (41, 42)), "still alive"
    assert 500 < await redis.ttl(f"edge:delivery:{key}") <= 600, "ids outlive the lease"
    await asyncio.sleep(0.5)

    taken = await log.claim(key, "next", 30)
    assert taken == pending("next", (41, 42))
    await log.drop(key, "next")
    assert await redis.get(f"edge:delivery:{key}") == "partial:41,42", "dropped, ids kept"


async def test_billing_plans_are_read_back_from_the_billing_stream(infra, js, user_id) -> None:
    from datetime import UTC, datetime, timedelta

    import nats
    from nectar_contracts import PlanChanged, UserCreated
    from nectar_edge.adapters.billing_log import JetStreamBillingPlans
    from nectar_runtime.bus import ensure_streams

    await ensure_streams(infra.nats_url)  # what every service does at start
    # as the edge's own NATS user: its generated permissions must allow the read-back
    url, password = infra.nats_user("telegram_edge")
    violations: list[str] = []

    async def on_error(exc: Exception) -> None:
        violations.append(str(exc))

    nc = await nats.connect(url, user="telegram_edge", password=password,
                            inbox_prefix="_INBOX.telegram_edge", error_cb=on_error,
                            allow_reconnect=False)
    plans = JetStreamBillingPlans(lambda: nc)
    try:
        assert await plans.latest_plan(user_id) is None
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        created = UserCreated.new(producer="billing", user_id=user_id, auth_source="test",
                                  plan="free").model_copy(update={"occurred_at": t0})
        upgraded = PlanChanged.new(producer="billing", user_id=user_id, plan="vip",
                                   previous_plan="free").model_copy(
            update={"occurred_at": t0 + timedelta(days=1)})
        for event in (upgraded, created):  # the older one last: time decides, not order
            await js.publish(event.subject, event.model_dump_json().encode(),
                             stream=event.stream, headers={"Nats-Msg-Id": str(event.event_id)})
        assert await plans.latest_plan(user_id) == ("vip", int(upgraded.occurred_at.timestamp()
                                                               * 1000))
        assert violations == []
    finally:
        await nc.close()
