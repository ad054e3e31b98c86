"""The billing service end to end: real NATS, Redis and Postgres, the app served in-process."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import nats
import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nectar_billing.app import SERVICE, create_app
from nectar_billing.handlers import ENSURE_USER_CONSUMER
from nectar_billing.settings import BillingSettings
from nectar_contracts import TurnReceived, UserCreated, derived_uuid7, parse_event
from nectar_runtime import InfraSettings, Runtime
from nectar_runtime.testing import serve_app
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration


@dataclass
class Billing:
    url: str
    js: JetStreamContext
    redis: Redis


@asynccontextmanager
async def billing_service(infra, database_url: str, **overrides) -> AsyncIterator[Billing]:
    settings = BillingSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            backoff_base_s=0.1),
        database_url=SecretStr(database_url),
        # a long poll: user_created must leave because the handler wakes the relay
        outbox_poll_s=30, **overrides)
    app, _ = create_app(settings, runtime=Runtime(SERVICE, settings.infra,
                                                  registry=CollectorRegistry()))
    nc = await nats.connect(infra.nats_url)
    redis = Redis.from_url(infra.redis_url)
    try:
        async with serve_app(app) as url:
            yield Billing(url, nc.jetstream(), redis)
    finally:
        await nc.close()
        await redis.aclose()


def turn(user_id: int) -> TurnReceived:
    return TurnReceived.new(producer="telegram_edge", user_id=user_id, chat_id=user_id,
                            character="luna", session="1", text="hi", language="pt",
                            plan="free")


async def publish(js: JetStreamContext, event: TurnReceived, msg_id: str | None = None,
                  traceparent: str | None = None):
    headers = {"Nats-Msg-Id": msg_id or str(event.event_id)}
    if traceparent:
        headers["traceparent"] = traceparent
    return await js.publish(event.subject, event.model_dump_json().encode(), stream="CHAT",
                            headers=headers)


async def settled(billing: Billing, engine: AsyncEngine, timeout: float = 20) -> None:
    """Wait until the consumer has acked everything and the outbox is empty."""
    async with asyncio.timeout(timeout):
        while True:
            info = await billing.js.consumer_info("CHAT", ENSURE_USER_CONSUMER)
            async with engine.connect() as conn:
                unpublished = (await conn.execute(text(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar_one()
            if info.num_pending == 0 and info.num_ack_pending == 0 and unpublished == 0:
                return
            await asyncio.sleep(0.05)


async def user_created_messages(js: JetStreamContext, user_id: int) -> list[Msg]:
    subject = UserCreated.subject_template.format(user_id=user_id)
    info = await js.stream_info("BILLING", subjects_filter=subject)
    count = (info.state.subjects or {}).get(subject, 0)
    if not count:
        return []
    sub = await js.subscribe(subject, stream="BILLING", ordered_consumer=True)
    try:
        return [await sub.next_msg(timeout=5) for _ in range(count)]
    finally:
        await sub.unsubscribe()


async def user_created_on_nats(js: JetStreamContext, user_id: int) -> list[UserCreated]:
    return [parse_event(msg.data, (UserCreated,))  # type: ignore[misc]
            for msg in await user_created_messages(js, user_id)]


async def user_row(engine: AsyncEngine, user_id: int):
    async with engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT auth_source, plan, language FROM users WHERE id = :id"),
            {"id": user_id})).one_or_none()


async def test_turns_create_the_user_once_and_publish_user_created_once(
        infra, database_url: str, engine: AsyncEngine) -> None:
    user_id = random.randint(10**9, 2**52 - 1)
    first, second = turn(user_id), turn(user_id)

    async with billing_service(infra, database_url) as billing:
        async with httpx.AsyncClient(base_url=billing.url) as http:
            ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert "postgres" not in ready.json()["failing"]

        started = time.monotonic()
        trace_id = uuid.uuid4().hex
        await publish(billing.js, first, traceparent=f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
        async with asyncio.timeout(10):
            while not await user_created_on_nats(billing.js, user_id):
                await asyncio.sleep(0.05)
        # the relay was woken by the commit, not by its 30 s poll
        assert time.monotonic() - started < 10

        # the same event id again: JetStream drops it in its duplicate window...
        ack = await publish(billing.js, first)
        assert ack.duplicate
        # ...and a copy that slipped past the window is skipped by the consumer
        await publish(billing.js, first, msg_id=f"replay-{first.event_id}")
        # a new turn of the same user
        await publish(billing.js, second)
        await settled(billing, engine)

        row = await user_row(engine, user_id)
        assert (row.auth_source, row.plan, row.language) == ("telegram", "free", "pt")
        events = await user_created_on_nats(billing.js, user_id)
        assert len(events) == 1
        [created] = events
        assert created.event_id == derived_uuid7(first.event_id, "billing", 0)
        assert (created.causation_id, created.correlation_id) == (first.event_id,
                                                                    first.event_id)
        assert (created.auth_source, created.plan, created.language) == (
            "telegram", "free", "pt")
        # relayed later from the outbox, yet still in the turn's trace
        [msg] = await user_created_messages(billing.js, user_id)
        assert msg.headers["traceparent"].split("-")[1] == trace_id
        assert msg.headers["Nats-Msg-Id"] == str(created.event_id)


async def test_replayed_turn_does_not_resurrect_a_deleted_user(
        infra, database_url: str, engine: AsyncEngine) -> None:
    """Idempotency lives in Postgres with the effect: even when the runtime's Redis keys are
    gone, a turn already handled has no second effect."""
    user_id = random.randint(10**9, 2**52 - 1)
    first = turn(user_id)

    async with billing_service(infra, database_url) as billing:
        await publish(billing.js, first)
        await settled(billing, engine)
        assert await user_row(engine, user_id) is not None

        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})
        async for key in billing.redis.scan_iter(match=f"*{first.event_id}*"):
            await billing.redis.delete(key)
        await publish(billing.js, first, msg_id=f"replay-{first.event_id}")
        await settled(billing, engine)

        assert await user_row(engine, user_id) is None
        assert len(await user_created_on_nats(billing.js, user_id)) == 1
        async with engine.connect() as conn:
            processed = (await conn.execute(text(
                "SELECT count(*) FROM processed_events WHERE event_id = :id"),
                {"id": first.event_id})).scalar_one()
        assert processed == 1


async def test_not_ready_without_database(infra) -> None:
    unreachable = "postgresql+asyncpg://nectar@127.0.0.1:1/nowhere"

    async with (billing_service(infra, unreachable, migrate_on_start=False,
                                connect_timeout_s=0.5) as billing,
                httpx.AsyncClient(base_url=billing.url) as http):
        ready = await http.get("/readyz")

    assert ready.status_code == 503
    assert "postgres" in ready.json()["failing"]

