"""Provider webhooks and Stars payments end to end: the billing app served in-process on
real NATS, Redis and Postgres; deliveries signed here the way each provider signs them.

For each provider: a valid delivery credits once and changes the plan (with
`billing.plan_changed` through the outbox), a repeated delivery credits nothing more, a bad
or stale signature is 401 with no side effect, an unknown invoice is 200 with no effect.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import nats
import pytest
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.app import SERVICE, create_app
from nectar_billing.domain import TELEGRAM_IDS, NewUser
from nectar_billing.handlers import REFUND_CONSUMER, STARS_CONSUMER
from nectar_billing.ports import Invoice
from nectar_billing.settings import BillingSettings
from nectar_contracts import PaymentReceived, PlanChanged, parse_event
from nectar_contracts.billing import PaymentRefunded
from nectar_runtime import InfraSettings, Runtime
from nectar_runtime.testing import serve_app
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

CRYPTO_TOKEN = "12345:AAtesttokenfortheintegrationtests"
PADDLE_SECRET = "pdl_ntfset_01test_secret"


@asynccontextmanager
async def billing_http(infra, database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient,
                                                                        object]]:
    settings = BillingSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            backoff_base_s=0.1),
        database_url=SecretStr(database_url), outbox_poll_s=30, webhook_poll_s=30,
        cryptobot_app_token=SecretStr(CRYPTO_TOKEN),
        paddle_webhook_secret=SecretStr(PADDLE_SECRET))
    app, _ = create_app(settings, runtime=Runtime(SERVICE, settings.infra,
                                                  registry=CollectorRegistry()))
    nc = await nats.connect(infra.nats_url)
    try:
        async with serve_app(app) as url, httpx.AsyncClient(base_url=url) as http:
            yield http, nc.jetstream()
    finally:
        await nc.close()


def cryptobot_body(invoice_id: int, amount: str = "9.99", asset: str = "USDT") -> bytes:
    return json.dumps({
        "update_id": random.randint(1, 10**9), "update_type": "invoice_paid",
        "request_date": "2026-11-22T10:00:00.000Z",
        "payload": {"invoice_id": invoice_id, "hash": "IVabc", "currency_type": "crypto",
                    "asset": asset, "amount": amount, "status": "paid",
                    "paid_at": "2026-11-22T09:59:58.000Z", "payload": "nectar"}}).encode()


def cryptobot_headers(body: bytes, token: str = CRYPTO_TOKEN) -> dict[str, str]:
    key = hashlib.sha256(token.encode()).digest()
    return {"crypto-pay-api-signature": hmac.new(key, body, hashlib.sha256).hexdigest(),
            "content-type": "application/json"}


def paddle_body(txn: str, invoice_ref: str, total_minor: str = "999") -> bytes:
    return json.dumps({
        "event_id": f"evt_{uuid.uuid4().hex}", "event_type": "transaction.completed",
        "occurred_at": "2026-11-22T10:00:00.000000Z", "notification_id": "ntf_1",
        "data": {"id": txn, "status": "completed", "currency_code": "USD",
                 "custom_data": {"nectar_invoice": invoice_ref},
                 "details": {"totals": {"total": total_minor}}}}).encode()


def paddle_headers(body: bytes, ts: int | None = None, secret: str = PADDLE_SECRET
                   ) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    h1 = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"paddle-signature": f"ts={ts};h1={h1}", "content-type": "application/json"}


async def new_user(engine: AsyncEngine) -> int:
    user_id = random.randint(*TELEGRAM_IDS)
    async with SqlUnitOfWork(engine, lambda: None) as uow:
        await uow.users.add(NewUser(user_id, "telegram"))
        await uow.commit()
    return user_id


async def open_invoice(engine: AsyncEngine, provider: str, ref: str, user_id: int,
                       plan: str = "premium", amount: str = "9.99",
                       currency: str = "USDT") -> None:
    async with SqlUnitOfWork(engine, lambda: None) as uow:
        await uow.invoices.open(Invoice(provider, ref, user_id, plan, Decimal(amount),
                                        currency))
        await uow.commit()


async def one(engine: AsyncEngine, statement: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(statement), params)).scalar_one()


async def processed(engine: AsyncEngine, timeout: float = 15) -> None:
    """Wait until no recorded webhook is left unprocessed and the outbox is relayed."""
    async with asyncio.timeout(timeout):
        while await one(engine, "SELECT count(*) FROM processed_webhooks "
                        "WHERE status = 'received'") or await one(
                engine, "SELECT count(*) FROM outbox WHERE published_at IS NULL"):
            await asyncio.sleep(0.05)


async def plan_changes_on_nats(js, user_id: int) -> list[PlanChanged]:
    subject = PlanChanged.subject_template.format(user_id=user_id)
    info = await js.stream_info("BILLING", subjects_filter=subject)
    count = (info.state.subjects or {}).get(subject, 0)
    if not count:
        return []
    sub = await js.subscribe(subject, stream="BILLING", ordered_consumer=True)
    try:
        return [parse_event((await sub.next_msg(timeout=5)).data, (PlanChanged,))
                for _ in range(count)]
    finally:
        await sub.unsubscribe()


async def ledger_rows(engine: AsyncEngine) -> int:
    return await one(engine, "SELECT count(*) FROM payments")


async def test_cryptobot_valid_delivery_three_times_credits_once(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    invoice_id = random.randint(1, 10**9)
    await open_invoice(migrated, "cryptobot", str(invoice_id), user_id)
    body = cryptobot_body(invoice_id)

    async with billing_http(infra, database_url) as (http, js):
        answers = [await http.post("/webhooks/cryptobot", content=body,
                                   headers=cryptobot_headers(body)) for _ in range(3)]
        await processed(migrated)
        changes = await plan_changes_on_nats(js, user_id)

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["recorded", "duplicate", "duplicate"]
    assert await ledger_rows(migrated) == 1
    assert await one(migrated, "SELECT plan FROM users WHERE id = :id", id=user_id) == "premium"
    assert await one(migrated, "SELECT status FROM processed_webhooks") == "credited"
    [change] = changes
    assert (change.plan, change.previous_plan) == ("premium", "free")
    assert change.expires_at is not None


async def test_cryptobot_bad_signature_is_401_and_records_nothing(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    await open_invoice(migrated, "cryptobot", "77", user_id)
    body = cryptobot_body(77)
    tampered = body.replace(b'"9.99"', b'"99.99"')

    async with billing_http(infra, database_url) as (http, _):
        wrong_key = await http.post("/webhooks/cryptobot", content=body,
                                    headers=cryptobot_headers(body, token="other:token"))
        wrong_body = await http.post("/webhooks/cryptobot", content=tampered,
                                     headers=cryptobot_headers(body))
        missing = await http.post("/webhooks/cryptobot", content=body)

    assert [r.status_code for r in (wrong_key, wrong_body, missing)] == [401, 401, 401]
    assert await one(migrated, "SELECT count(*) FROM processed_webhooks") == 0
    assert await ledger_rows(migrated) == 0
    assert await one(migrated, "SELECT plan FROM users WHERE id = :id", id=user_id) == "free"


async def test_unknown_invoice_is_200_logged_and_has_no_effect(
        infra, database_url: str, migrated: AsyncEngine,
        caplog: pytest.LogCaptureFixture) -> None:
    body = cryptobot_body(424242)
    async with billing_http(infra, database_url) as (http, _):
        answer = await http.post("/webhooks/cryptobot", content=body,
                                 headers=cryptobot_headers(body))
        await processed(migrated)

    assert answer.status_code == 200
    assert await one(migrated, "SELECT status FROM processed_webhooks") == "unknown_invoice"
    assert await ledger_rows(migrated) == 0
    assert await one(migrated, "SELECT count(*) FROM outbox") == 0
    assert any("unknown invoice" in r.getMessage() for r in caplog.records)


async def test_underpaid_invoice_credits_nothing(infra, database_url: str,
                                                 migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    await open_invoice(migrated, "cryptobot", "5", user_id)
    body = cryptobot_body(5, amount="1.00")
    async with billing_http(infra, database_url) as (http, _):
        answer = await http.post("/webhooks/cryptobot", content=body,
                                 headers=cryptobot_headers(body))
        await processed(migrated)

    assert answer.status_code == 200
    assert await one(migrated, "SELECT status FROM processed_webhooks") == "mismatch"
    assert await ledger_rows(migrated) == 0


async def test_card_valid_replayed_and_duplicated_deliveries(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    await open_invoice(migrated, "card", "inv-1", user_id, plan="vip", amount="19.99",
                       currency="USD")
    body = paddle_body("txn_01abc", "inv-1", total_minor="1999")

    async with billing_http(infra, database_url) as (http, js):
        first = await http.post("/webhooks/card", content=body, headers=paddle_headers(body))
        again = await http.post("/webhooks/card", content=body, headers=paddle_headers(body))
        # the same signed delivery captured and replayed ten minutes later
        stale = paddle_headers(body, ts=int(time.time()) - 600)
        replayed = await http.post("/webhooks/card", content=body, headers=stale)
        forged = await http.post("/webhooks/card", content=body,
                                 headers=paddle_headers(body, secret="not-the-secret"))
        await processed(migrated)
        changes = await plan_changes_on_nats(js, user_id)

    assert (first.status_code, first.json()["outcome"]) == (200, "recorded")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (replayed.status_code, forged.status_code) == (401, 401)
    assert await ledger_rows(migrated) == 1
    assert await one(migrated, "SELECT amount FROM payments") == Decimal("19.99")
    assert [(c.plan, c.previous_plan) for c in changes] == [("vip", "free")]


async def test_card_unknown_invoice_and_non_payment_events(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    unknown = paddle_body("txn_02", "no-such-invoice")
    other = json.dumps({"event_type": "customer.updated", "data": {}}).encode()
    async with billing_http(infra, database_url) as (http, _):
        a = await http.post("/webhooks/card", content=unknown, headers=paddle_headers(unknown))
        b = await http.post("/webhooks/card", content=other, headers=paddle_headers(other))
        await processed(migrated)

    assert (a.status_code, b.status_code) == (200, 200)
    assert b.json()["outcome"] == "ignored"
    assert await one(migrated, "SELECT status FROM processed_webhooks") == "unknown_invoice"
    assert await ledger_rows(migrated) == 0


async def test_stars_payment_event_three_times_credits_once(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = random.randint(*TELEGRAM_IDS)  # first seen through its payment
    charge = f"stars-{uuid.uuid4().hex}"
    events = [PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                                  provider="telegram_stars", external_id=charge,
                                  amount=Decimal(1000), currency="XTR", plan="vip")
              for _ in range(3)]  # three distinct deliveries of one charge

    async with billing_http(infra, database_url) as (_, js):
        for event in events:
            await js.publish(event.subject, event.model_dump_json().encode(),
                             stream="BILLING", headers={"Nats-Msg-Id": str(event.event_id)})
        async with asyncio.timeout(20):
            while True:
                info = await js.consumer_info("BILLING", STARS_CONSUMER)
                if info.num_pending == 0 and info.num_ack_pending == 0 and await one(
                        migrated, "SELECT count(*) FROM processed_events "
                        "WHERE consumer = :c", c=STARS_CONSUMER) == 3:
                    break
                await asyncio.sleep(0.05)
        await processed(migrated)
        changes = await plan_changes_on_nats(js, user_id)

    assert await ledger_rows(migrated) == 1
    assert await one(migrated, "SELECT plan FROM users WHERE id = :id", id=user_id) == "vip"
    [change] = changes
    assert change.causation_id == events[0].event_id
    expires = await one(migrated, "SELECT expires_at FROM subscriptions WHERE user_id = :id",
                        id=user_id)
    assert 29 <= (expires - datetime.now(UTC)).days <= 30


async def wait_consumed(js, migrated: AsyncEngine, consumer: str, count: int) -> None:
    async with asyncio.timeout(30):
        while True:
            info = await js.consumer_info("BILLING", consumer)
            if info.num_pending == 0 and info.num_ack_pending == 0 and await one(
                    migrated, "SELECT count(*) FROM processed_events WHERE consumer = :c",
                    c=consumer) == count:
                return
            await asyncio.sleep(0.05)


async def test_stars_refund_event_ends_the_plan_with_plan_changed(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = random.randint(*TELEGRAM_IDS)
    charge = f"stars-{uuid.uuid4().hex}"
    paid = PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                               provider="telegram_stars", external_id=charge,
                               amount=Decimal(1000), currency="XTR", plan="vip")
    refunds = [PaymentRefunded.new(producer="telegram_edge", user_id=user_id,
                                   provider="telegram_stars", external_id=charge,
                                   amount=Decimal(1000), currency="XTR", language="es")
               for _ in range(2)]  # `nectar telegram refund` and Telegram's own update

    async with billing_http(infra, database_url) as (_, js):
        await js.publish(paid.subject, paid.model_dump_json().encode(), stream="BILLING",
                         headers={"Nats-Msg-Id": str(paid.event_id)})
        await wait_consumed(js, migrated, STARS_CONSUMER, 1)
        for event in refunds:
            await js.publish(event.subject, event.model_dump_json().encode(),
                             stream="BILLING", headers={"Nats-Msg-Id": str(event.event_id)})
        await wait_consumed(js, migrated, REFUND_CONSUMER, 2)
        await processed(migrated)
        changes = await plan_changes_on_nats(js, user_id)

    ledger = await one(migrated, "SELECT array_agg(kind || ':' || external_id ORDER BY seq) "
                       "FROM payments")
    assert ledger == [f"payment:{charge}", f"refund:refund:{charge}"]
    assert await one(migrated, "SELECT plan FROM users WHERE id = :id", id=user_id) == "free"
    assert [(c.plan, c.previous_plan) for c in changes] == [("vip", "free"), ("free", "vip")]
    assert changes[-1].causation_id == refunds[0].event_id


async def test_card_refund_and_sales_nectar_did_not_start(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    await open_invoice(migrated, "card", "inv-r", user_id, plan="vip", amount="19.99",
                       currency="USD")
    paid = paddle_body("txn_r1", "inv-r", total_minor="1999")
    foreign = json.loads(paddle_body("txn_dashboard", "x"))
    foreign["data"]["custom_data"] = None  # a sale made in Paddle's dashboard
    foreign_body = json.dumps(foreign).encode()
    refund = json.dumps({
        "event_id": f"evt_{uuid.uuid4().hex}", "event_type": "adjustment.updated",
        "occurred_at": "2026-11-23T10:00:00.000000Z", "notification_id": "ntf_2",
        "data": {"id": "adj_01r", "action": "refund", "status": "approved", "type": "full",
                 "transaction_id": "txn_r1", "currency_code": "USD",
                 "totals": {"total": "1999"}}}).encode()

    async with billing_http(infra, database_url) as (http, js):
        credited = await http.post("/webhooks/card", content=paid, headers=paddle_headers(paid))
        ignored = await http.post("/webhooks/card", content=foreign_body,
                                  headers=paddle_headers(foreign_body))
        await processed(migrated)
        refunded = await http.post("/webhooks/card", content=refund,
                                   headers=paddle_headers(refund))
        await processed(migrated)
        changes = await plan_changes_on_nats(js, user_id)

    assert (ignored.status_code, ignored.json()["outcome"]) == (200, "ignored")
    assert (credited.json()["outcome"], refunded.json()["outcome"]) == ("recorded", "recorded")
    assert await one(migrated, "SELECT array_agg(status ORDER BY id) FROM processed_webhooks"
                     ) == ["credited", "refunded"]
    assert await one(migrated, "SELECT plan FROM users WHERE id = :id", id=user_id) == "free"
    assert [(c.plan, c.previous_plan) for c in changes] == [("vip", "free"), ("free", "vip")]
