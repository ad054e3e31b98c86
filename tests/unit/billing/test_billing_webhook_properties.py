"""Property-based tests (Hypothesis) of webhook parsing and recording (issue 11 item 9):
whatever a correctly signed body holds, parsing never crashes with anything but a clear
`MalformedNotification`, the answer is 200 or 400, a 400 writes nothing, and what is recorded
can be stored and processed to a final outcome (never stuck, never half-written)."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

from billing_fakes import CRYPTO_TOKEN, PADDLE_SECRET, fake_deps
from billing_webhook_strategies import (
    JSON_VALUES,
    crypto_bodies,
    crypto_signed,
    paddle_bodies,
    paddle_signed,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from nectar_billing import operations
from nectar_billing.adapters.fakes import FakeBillingStore
from nectar_billing.domain import NewUser
from nectar_billing.domain.ledger import MAX_AMOUNT
from nectar_billing.domain.webhooks import (
    Ignored,
    MalformedNotification,
    ProviderPayment,
    parse_cryptobot,
    parse_paddle,
)
from nectar_billing.inbox import process_pending_webhooks, receive_webhook
from nectar_billing.ports import Invoice

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

def storable(value: object) -> bool:
    return "\x00" not in str(value) and str(value).encode("utf-8", "strict") is not None


def check_parsed(parsed: object) -> None:
    assert isinstance(parsed, (ProviderPayment, Ignored))
    if isinstance(parsed, ProviderPayment):
        assert parsed.amount.is_finite() and Decimal(0) < parsed.amount <= MAX_AMOUNT
        for text in (parsed.external_id, parsed.invoice_ref, parsed.currency,
                     parsed.refers_to or ""):
            assert "\x00" not in text
            text.encode("utf-8")  # no unpaired surrogate
        assert parsed.occurred_at.tzinfo is not None


@SETTINGS
@given(body=crypto_bodies() | st.binary(max_size=300))
def test_crypto_pay_parsing_either_parses_cleanly_or_says_why(body: bytes) -> None:
    try:
        parsed = parse_cryptobot(body)
    except MalformedNotification as exc:
        assert str(exc)  # a reason, for the log line
        return
    check_parsed(parsed)


@SETTINGS
@given(body=paddle_bodies() | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_paddle_parsing_either_parses_cleanly_or_says_why(body: bytes) -> None:
    try:
        parsed = parse_paddle(body)
    except MalformedNotification as exc:
        assert str(exc)
        return
    check_parsed(parsed)


async def _deliver(provider: str, body: bytes) -> None:
    store = FakeBillingStore()
    deps = fake_deps(store)
    user_id = 777_000_001
    store.users[user_id] = NewUser(user_id, "telegram")
    await operations.open_invoice(Invoice("cryptobot", "7", user_id, "premium",
                                          Decimal("9.99"), "USDT"), deps)
    await operations.open_invoice(Invoice("card", "inv-1", user_id, "vip",
                                          Decimal("19.99"), "USD"), deps)
    before = store.commits
    headers = (crypto_signed(body, CRYPTO_TOKEN) if provider == "cryptobot"
               else paddle_signed(body, PADDLE_SECRET))

    answer = await receive_webhook(provider, body, headers, deps, time.time())
    event(answer.outcome)

    assert (answer.status_code, answer.outcome) in {
        (200, "recorded"), (200, "duplicate"), (200, "ignored"), (400, "malformed")}
    if answer.outcome != "recorded":
        assert store.webhooks == {} and store.commits == before  # nothing written
        return
    [row] = store.webhooks.values()
    json.dumps(row.body, allow_nan=False)  # storable as JSONB
    assert all(storable(k) for k in row.body)
    while await process_pending_webhooks(deps) == 50:
        pass
    assert row.id in store.webhooks
    final = store.webhooks[row.id].status
    event(f"processed: {final}")
    assert final in {"credited", "duplicate", "unknown_invoice", "mismatch", "refunded",
                     "unknown_payment"}, (final, store.webhooks[row.id].last_error)


@SETTINGS
@given(body=crypto_bodies())
def test_a_crypto_pay_delivery_is_refused_whole_or_recorded_and_processed(body: bytes
                                                                          ) -> None:
    asyncio.run(_deliver("cryptobot", body))


@SETTINGS
@given(body=paddle_bodies())
def test_a_paddle_delivery_is_refused_whole_or_recorded_and_processed(body: bytes) -> None:
    asyncio.run(_deliver("card", body))
