"""A Telegram Stars purchase end to end with the real billing service: the user pays in
the Bot API emulator, the edge publishes `billing.payment_received`, billing appends it to
its Postgres ledger and publishes `billing.plan_changed`, the edge's plan cache follows and
the user's next turn carries the new plan. (Billing's tables are its own business: the
test looks only at events and at what the user's next turn carries.)"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from nectar_billing.app import SERVICE as BILLING
from nectar_billing.app import create_app as create_billing
from nectar_billing.settings import BillingSettings
from nectar_runtime import InfraSettings, Runtime
from nectar_runtime.testing import serve_app
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from test_edge_service import stored, wait_for

pytestmark = pytest.mark.integration


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def billing_db(infra) -> AsyncIterator[str]:
    name = f"test_{uuid.uuid4().hex}"
    admin = await asyncpg.connect(_plain(infra.postgres_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(infra.postgres_url).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(_plain(infra.postgres_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def test_a_stars_purchase_changes_the_plan_through_billing(
        infra, billing_db, edge_service, http, js, redis, user_id) -> None:
    settings = BillingSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            backoff_base_s=0.1),
        database_url=SecretStr(billing_db), outbox_poll_s=0.2)
    billing_app, _ = create_billing(settings, runtime=Runtime(
        BILLING, settings.infra, registry=CollectorRegistry()))
    async with serve_app(billing_app), edge_service() as edge:
        await edge.user_says(http, user_id, "/buy")
        await edge.press(http, user_id, "buy:premium")
        resp = await http.post(
            f"{edge.telegram}/_emulator/bots/{edge.token}/users/{user_id}/pre_checkout_query",
            params={"wait": 10}, json={})
        resp.raise_for_status()
        [payment] = await stored(js, f"nectar.billing.{user_id}.payment_received")
        [changed] = await stored(js, f"nectar.billing.{user_id}.plan_changed", timeout=20)
        assert await wait_for(lambda: _plan_is(redis, user_id, "premium"), timeout=15)
        await edge.user_says(http, user_id, "am I premium now?")
        [turn] = await stored(js, f"nectar.chat.{user_id}.turn_received")
    assert json.loads(payment.data)["plan"] == "premium"
    plan_changed = json.loads(changed.data)
    assert (plan_changed["previous_plan"], plan_changed["plan"]) == ("free", "premium")
    assert json.loads(turn.data)["plan"] == "premium"


async def _plan_is(redis, user_id: int, plan: str) -> bool:
    return await redis.get(f"edge:plan:{user_id}") == plan
