"""Billing never stalls (issue 11), against the app served in-process on real NATS, Redis and
Postgres: 60 poisoned webhook deliveries (and 60 rows stuck from before the fix) followed by
a valid payment, which is credited at once; a Stars event billing cannot process is
dead-lettered with its reason and the next payment is credited."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from nectar_billing.handlers import STARS_CONSUMER
from nectar_contracts import DeadLettered, PaymentReceived, dead_letter_subject, parse_event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from test_billing_webhooks import (
    billing_http,
    cryptobot_body,
    cryptobot_headers,
    new_user,
    one,
    open_invoice,
    paddle_body,
    paddle_headers,
)

pytestmark = pytest.mark.integration


def poisoned_deliveries() -> list[tuple[str, bytes]]:
    """60 correctly signed deliveries billing cannot process, over both providers."""
    out: list[tuple[str, bytes]] = []
    amounts = ['"NaN"', "NaN", '"Infinity"', "Infinity", '"1e15"', "1e15", '"1e30"', "1e30",
               "1e999", '"-1"']
    for i, amount in enumerate(amounts * 3):
        body = cryptobot_body(50_000 + i).replace(b'"amount": "9.99"',
                                                  b'"amount": ' + amount.encode())
        out.append(("cryptobot", body))
    for i in range(15):
        body = cryptobot_body(60_000 + i).replace(b'"asset": "USDT"',
                                                  b'"asset": "US\\u0000DT"')
        out.append(("cryptobot", body))
    totals = ['"NaN"', "1e999", '"1e30"', "1e17", '"abc"']
    for i, total in enumerate(totals * 3):
        body = paddle_body(f"txn_poison_{i}", "inv-x").replace(b'"total": "999"',
                                                               b'"total": ' + total.encode())
        out.append(("card", body))
    assert len(out) == 60
    return out


def headers_for(provider: str, body: bytes) -> dict[str, str]:
    return cryptobot_headers(body) if provider == "cryptobot" else paddle_headers(body)


async def stuck_rows(engine: AsyncEngine, count: int) -> None:
    """Rows recorded by the version before the fix, stuck in `received` forever."""
    async with engine.begin() as conn:
        for i in range(count):
            body = json.loads(cryptobot_body(70_000 + i))
            body["payload"]["amount"] = ["NaN", "Infinity", "1e15", "1e30"][i % 4]
            await conn.execute(text(
                "INSERT INTO processed_webhooks (provider, external_id, event_type, body) "
                "VALUES ('cryptobot', :ext, 'invoice_paid', CAST(:body AS jsonb))"),
                {"ext": str(70_000 + i), "body": json.dumps(body)})


async def test_sixty_poisoned_deliveries_then_a_valid_payment_is_credited_at_once(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = await new_user(migrated)
    await open_invoice(migrated, "cryptobot", "4242", user_id)
    await stuck_rows(migrated, 60)
    valid = cryptobot_body(4242)

    async with billing_http(infra, database_url) as (http, _):
        answers = [await http.post(f"/webhooks/{provider}", content=body,
                                   headers=headers_for(provider, body))
                   for provider, body in poisoned_deliveries()]
        recorded_before = await one(migrated, "SELECT count(*) FROM processed_webhooks")
        started = time.monotonic()
        credited = await http.post("/webhooks/cryptobot", content=valid,
                                   headers=cryptobot_headers(valid))
        async with asyncio.timeout(15):  # the sweep interval is 30 s: only a wake-up counts
            while await one(migrated, "SELECT plan FROM users WHERE id = :id",
                            id=user_id) != "premium":
                await asyncio.sleep(0.05)
        took = time.monotonic() - started
        metrics = (await http.get("/metrics")).text

    assert [a.status_code for a in answers] == [400] * 60
    assert {a.json()["outcome"] for a in answers} == {"malformed"}
    assert recorded_before == 60  # only the rows stuck from before: nothing new recorded
    assert credited.status_code == 200 and took < 15
    statuses = dict(await _statuses(migrated))
    assert statuses == {"dead": 60, "credited": 1}
    assert 'nectar_billing_webhooks_dead_total{provider="cryptobot"} 60.0' in metrics
    reasons = await one(migrated, "SELECT count(*) FROM processed_webhooks "
                        "WHERE status = 'dead' AND last_error LIKE '%MalformedNotification%'")
    assert reasons == 60
    # what an operator sees when the alert fires
    listed = await asyncio.to_thread(subprocess.run, [
        str(Path(sys.executable).parent / "nectar"), "billing", "webhooks", "--limit", "500",
        "--database-url", database_url], capture_output=True, text=True, timeout=120,
        env={**os.environ, "NECTAR_DATA_DIR": "/nonexistent/nectar-test-no-stack"})
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 60 and all(r["status"] == "dead" and r["last_error"] for r in rows)


async def _statuses(engine: AsyncEngine):
    async with engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT status, count(*) FROM processed_webhooks GROUP BY status"))).all()


async def test_a_stars_event_billing_cannot_process_is_dead_lettered_not_retried(
        infra, database_url: str, migrated: AsyncEngine) -> None:
    user_id = random.randint(10**9, 2**40)
    poisoned = PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                                   provider="telegram_stars", external_id="c-poison",
                                   amount=Decimal("1e15"), currency="XTR", plan="vip")
    valid = PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                                provider="telegram_stars", external_id=f"c-{uuid.uuid4()}",
                                amount=Decimal(1000), currency="XTR", plan="vip")

    async with billing_http(infra, database_url) as (_, js):
        dlq = await js.subscribe(dead_letter_subject(STARS_CONSUMER), stream="DLQ",
                                 ordered_consumer=True)
        for event in (poisoned, valid):
            await js.publish(event.subject, event.model_dump_json().encode(),
                             stream="BILLING", headers={"Nats-Msg-Id": str(event.event_id)})
        async with asyncio.timeout(20):
            while await one(migrated, "SELECT count(*) FROM users WHERE id = :id AND "
                            "plan = 'vip'", id=user_id) == 0:
                await asyncio.sleep(0.05)
            while True:
                letter = parse_event((await dlq.next_msg(timeout=10)).data, (DeadLettered,))
                if letter.original_headers.get("Nats-Msg-Id") == str(poisoned.event_id) or \
                        str(poisoned.event_id) in letter.original_payload:
                    break
        await dlq.unsubscribe()

    assert letter.error_type == "poison" and "beyond any price" in letter.reason
    assert await one(migrated, "SELECT count(*) FROM payments") == 1
