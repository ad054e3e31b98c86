"""Property-based test (Hypothesis) of webhook recording against the real Postgres (issue 11
item 9): whatever a correctly signed body holds, the answer is 200 or 400, never a 5xx the
provider would retry forever; a 400 writes nothing; a recorded body is stored as JSONB and
processed to a final outcome. Fewer examples than the unit properties: each one is a real
round trip."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest
from billing_webhook_strategies import (
    crypto_bodies,
    crypto_signed,
    paddle_bodies,
    paddle_signed,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nectar_billing.adapters import migrator
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.bootstrap import build_deps
from nectar_billing.domain import NewUser
from nectar_billing.inbox import process_pending_webhooks, receive_webhook
from nectar_billing.ports import Invoice
from nectar_billing.settings import BillingSettings
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.integration

USER = 777_000_002
CRYPTO_TOKEN = "12345:AApropertytoken"
PADDLE_SECRET = "pdl_ntfset_01property_secret"


async def _prepare(url: str) -> None:
    engine = create_async_engine(url)
    try:
        await migrator.upgrade(engine)
        async with SqlUnitOfWork(engine, lambda: None) as uow:
            await uow.users.add(NewUser(USER, "telegram"))
            await uow.invoices.open(Invoice("cryptobot", "7", USER, "premium",
                                            Decimal("9.99"), "USDT"))
            await uow.invoices.open(Invoice("card", "inv-1", USER, "vip", Decimal("19.99"),
                                            "USD"))
            await uow.commit()
    finally:
        await engine.dispose()


async def _deliver(url: str, provider: str, body: bytes) -> None:
    engine = create_async_engine(url)
    settings = BillingSettings(
        database_url=SecretStr(url),
        cryptobot_app_token=SecretStr(CRYPTO_TOKEN),
        paddle_webhook_secret=SecretStr(PADDLE_SECRET))
    deps = build_deps(settings, engine=engine, registry=CollectorRegistry())

    async def rows() -> int:
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT count(*) FROM processed_webhooks"))
                    ).scalar_one()

    try:
        before = await rows()
        headers = (crypto_signed(body, CRYPTO_TOKEN) if provider == "cryptobot"
                   else paddle_signed(body, PADDLE_SECRET))
        answer = await receive_webhook(provider, body, headers, deps, time.time())
        assert answer.status_code in (200, 400), answer
        if answer.outcome != "recorded":
            assert await rows() == before
            return
        while await process_pending_webhooks(deps) == 50:
            pass
        async with engine.connect() as conn:
            stuck = (await conn.execute(text(
                "SELECT status, last_error FROM processed_webhooks "
                "WHERE status IN ('received', 'dead')"))).all()
        assert stuck == []
    finally:
        await engine.dispose()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(provider_body=st.one_of(crypto_bodies().map(lambda b: ("cryptobot", b)),
                               paddle_bodies().map(lambda b: ("card", b))))
def test_postgres_records_a_whole_delivery_or_nothing(database_url: str,
                                                      provider_body) -> None:
    asyncio.run(_prepare_once(database_url))
    asyncio.run(_deliver(database_url, *provider_body))


_prepared: set[str] = set()


async def _prepare_once(url: str) -> None:
    if url not in _prepared:
        await _prepare(url)
        _prepared.add(url)
