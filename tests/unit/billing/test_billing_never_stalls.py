"""Billing never stalls (issue 11): bodies and amounts it cannot process are refused before
anything is recorded; a recorded notification that keeps failing is retried with backoff and
given up (`dead`, an alert) without holding back the ones behind it; an outage is no attempt.
Against the in-memory fakes of every port."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from billing_fakes import CRYPTO_TOKEN, PADDLE_SECRET, fake_deps
from nectar_billing import operations
from nectar_billing.adapters.fakes import FakeBillingStore, FakeUnitOfWork, WebhookRow
from nectar_billing.deps import Deps
from nectar_billing.domain import TELEGRAM_IDS, NewUser, StoreUnavailable
from nectar_billing.handlers import record_refund, record_stars_payment
from nectar_billing.inbox import process_pending_webhooks, receive_webhook
from nectar_billing.ports import Invoice
from nectar_contracts import PaymentReceived
from nectar_contracts.billing import PaymentRefunded
from nectar_runtime import Poison

NOW = datetime(2026, 12, 2, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store() -> FakeBillingStore:
    return FakeBillingStore()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deps(store: FakeBillingStore, clock: Clock) -> Deps:
    return fake_deps(store, clock=clock)


def crypto_raw(amount_json: str, asset: str = '"USDT"', invoice_id: int = 41) -> bytes:
    """A Crypto Pay `invoice_paid` body with the amount spliced in as raw JSON."""
    return (b'{"update_id": 1, "update_type": "invoice_paid", "request_date": '
            b'"2026-12-01T00:00:00Z", "payload": {"invoice_id": ' + str(invoice_id).encode()
            + b', "asset": ' + asset.encode() + b', "amount": ' + amount_json.encode()
            + b', "status": "paid", "paid_at": "2026-12-01T00:00:00Z"}}')


def crypto_signed(body: bytes) -> dict[str, str]:
    key = hashlib.sha256(CRYPTO_TOKEN.encode()).digest()
    return {"crypto-pay-api-signature": hmac.new(key, body, hashlib.sha256).hexdigest()}


def paddle_raw(total_json: str, currency: str = '"USD"') -> bytes:
    return (b'{"event_id": "evt_1", "event_type": "transaction.completed", "occurred_at": '
            b'"2026-12-01T00:00:00Z", "data": {"id": "txn_1", "currency_code": '
            + currency.encode() + b', "custom_data": {"nectar_invoice": "inv-1"}, '
            b'"details": {"totals": {"total": ' + total_json.encode() + b'}}}}')


def paddle_signed(body: bytes) -> dict[str, str]:
    ts = int(time.time())
    h1 = hmac.new(PADDLE_SECRET.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"paddle-signature": f"ts={ts};h1={h1}"}


POISON_AMOUNTS = ['"NaN"', "NaN", '"Infinity"', "Infinity", "-Infinity", '"-Infinity"',
                  '"1e15"', "1e15", '"1e30"', "1e30", "1e999", "-1e999", '"0"', '"-5"',
                  '"twelve"', "null", "[]", "{}"]
POISON_ASSETS = ['"US\\u0000DT"', '"\\ud800"', '"USDT\\u0000"']


@pytest.mark.parametrize("amount", POISON_AMOUNTS)
async def test_unprocessable_crypto_amounts_are_refused_before_anything_is_recorded(
        store: FakeBillingStore, deps: Deps, amount: str) -> None:
    body = crypto_raw(amount)

    answer = await receive_webhook("cryptobot", body, crypto_signed(body), deps, time.time())

    assert (answer.status_code, answer.outcome) == (400, "malformed")
    assert store.webhooks == {} and store.commits == 0


@pytest.mark.parametrize("asset", POISON_ASSETS)
async def test_strings_the_database_cannot_store_are_refused(store: FakeBillingStore,
                                                             deps: Deps, asset: str) -> None:
    body = crypto_raw('"9.99"', asset=asset)

    answer = await receive_webhook("cryptobot", body, crypto_signed(body), deps, time.time())

    assert answer.status_code == 400 and store.webhooks == {}


@pytest.mark.parametrize("total", ['"NaN"', "1e999", '"1e30"', "1e17", '"-1999"', '"x"'])
async def test_unprocessable_card_totals_are_refused(store: FakeBillingStore, deps: Deps,
                                                     total: str) -> None:
    body = paddle_raw(total)

    answer = await receive_webhook("card", body, paddle_signed(body), deps, time.time())

    assert answer.status_code == 400 and store.webhooks == {}


async def test_a_nul_in_any_key_or_a_deep_body_is_refused(store: FakeBillingStore,
                                                          deps: Deps) -> None:
    nul_key = crypto_raw('"9.99"').replace(b'"request_date"', b'"request\\u0000date"')
    deep = b'{"update_type": "invoice_paid", "x": ' + b"[" * 500 + b"]" * 500 + b"}"
    for body in (nul_key, deep):
        answer = await receive_webhook("cryptobot", body, crypto_signed(body), deps,
                                       time.time())
        assert answer.status_code == 400
    assert store.webhooks == {}


def a_user(store: FakeBillingStore) -> int:
    user_id = random.randint(*TELEGRAM_IDS)
    store.users[user_id] = NewUser(user_id, "telegram")
    return user_id


def legacy_row(store: FakeBillingStore, body: dict, provider: str = "cryptobot") -> int:
    """A row recorded by a version that did not validate amounts (stuck in `received`)."""
    row_id = store.sequences["webhooks"]
    store.sequences["webhooks"] += 1
    store.webhooks[row_id] = WebhookRow(row_id, provider, f"legacy-{row_id}", "invoice_paid",
                                        body)
    return row_id


class FlakyInvoices(FakeUnitOfWork):
    """Looking up the invoices named `flaky-*` fails (a bug, a broken row): not an outage."""

    async def __aenter__(self):
        await super().__aenter__()
        real = self.invoices.get

        async def get(provider: str, ref: str):
            if ref.startswith("9"):
                raise RuntimeError(f"cannot read invoice {ref}")
            return await real(provider, ref)

        self.invoices.get = get  # type: ignore[method-assign]
        return self


async def test_sixty_poisoned_rows_then_a_valid_payment_it_is_credited_at_once(
        store: FakeBillingStore, clock: Clock) -> None:
    deps = fake_deps(store, clock=clock, uow=lambda: FlakyInvoices(store))
    for i in range(50):  # stuck since before the fix: amounts billing cannot process
        legacy_row(store, {"update_type": "invoice_paid", "payload": {
            "invoice_id": 1000 + i, "asset": "USDT", "amount": ["NaN", "Infinity", "1e15",
                                                                "1e30"][i % 4],
            "status": "paid", "paid_at": "2026-12-01T00:00:00Z"}})
    for i in range(10):  # readable, but their processing keeps failing
        legacy_row(store, json.loads(crypto_raw('"9.99"', invoice_id=9000 + i)))
    user_id = a_user(store)
    await operations.open_invoice(Invoice("cryptobot", "41", user_id, "premium",
                                          Decimal("9.99"), "USDT"), deps)
    valid = crypto_raw('"9.99"')
    assert (await receive_webhook("cryptobot", valid, crypto_signed(valid), deps,
                                  time.time())).outcome == "recorded"

    # one processor run: sweeps until no full batch is left (as WebhookProcessor does)
    while await process_pending_webhooks(deps, limit=50) == 50:
        pass

    assert store.users[user_id].plan == "premium"  # credited at once
    statuses = [w.status for w in sorted(store.webhooks.values(), key=lambda w: w.id)]
    assert statuses[:50] == ["dead"] * 50  # unreadable: given up at once
    assert statuses[50:60] == ["received"] * 10  # failing: deferred with backoff
    assert statuses[60] == "credited"
    flaky = [w for w in store.webhooks.values() if w.status == "received"]
    assert all(w.attempts == 1 and w.next_attempt_at > clock.now for w in flaky)
    assert deps.metrics.webhooks_dead.labels("cryptobot")._value.get() == 50


async def test_a_row_that_keeps_failing_goes_dead_after_its_last_attempt(
        store: FakeBillingStore, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    deps = fake_deps(store, clock=clock, uow=lambda: FlakyInvoices(store))
    deps = replace(deps, webhook_retry=replace(deps.webhook_retry, max_attempts=3,
                                               base_s=10))
    row = legacy_row(store, json.loads(crypto_raw('"9.99"', invoice_id=9999)))

    delays = []
    for _ in range(3):
        assert await process_pending_webhooks(deps) == 1
        assert await process_pending_webhooks(deps) == 0  # not due again yet
        if store.webhooks[row].status == "received":
            delays.append((store.webhooks[row].next_attempt_at - clock.now).total_seconds())
            clock.now = store.webhooks[row].next_attempt_at

    assert delays == [10, 20]  # exponential backoff
    webhook = store.webhooks[row]
    assert (webhook.status, webhook.attempts) == ("dead", 3)
    assert "cannot read invoice 9999" in (webhook.last_error or "")
    assert deps.metrics.webhooks_dead.labels("cryptobot")._value.get() == 1
    assert any(r.levelname == "ERROR" and "given up" in r.getMessage() for r in caplog.records)


async def test_an_outage_is_not_an_attempt(store: FakeBillingStore, deps: Deps) -> None:
    row = legacy_row(store, json.loads(crypto_raw('"9.99"')))

    class DownAfterClaim(FakeUnitOfWork):
        async def commit(self) -> None:
            raise StoreUnavailable("connection lost")

    down = replace(deps, uow=lambda: DownAfterClaim(store))
    with pytest.raises(StoreUnavailable):
        await process_pending_webhooks(down)

    assert (store.webhooks[row].status, store.webhooks[row].attempts) == ("received", 0)


@pytest.mark.parametrize("amount", ["1e15", "1e30", "0", "-3"])
async def test_stars_events_with_amounts_billing_cannot_process_are_poison(
        store: FakeBillingStore, deps: Deps, amount: str) -> None:
    user_id = random.randint(*TELEGRAM_IDS)
    paid = PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                               provider="telegram_stars", external_id="c1",
                               amount=Decimal(amount), currency="XTR", plan="vip")
    refund = PaymentRefunded.new(producer="telegram_edge", user_id=user_id,
                                 provider="telegram_stars", external_id="c1",
                                 amount=Decimal(amount), currency="XTR")

    for handler, event in ((record_stars_payment, paid), (record_refund, refund)):
        with pytest.raises(Poison, match="amount"):
            await handler(event, deps)

    assert store.ledger() == [] and store.processed == set() and store.users == {}


def test_the_database_being_down_is_an_outage_the_runtime_retries() -> None:
    from nectar_billing.domain import StoreRejected
    from nectar_runtime import Unavailable, outage_of

    down = StoreUnavailable("connection refused")

    assert isinstance(down, Unavailable) and outage_of(down) == "postgres"
    assert outage_of(StoreRejected("numeric field overflow")) is None


async def test_a_value_the_database_refuses_is_poison_not_an_outage(
        store: FakeBillingStore, deps: Deps) -> None:
    from nectar_billing.domain import StoreRejected
    from nectar_billing.handlers import ensure_user
    from nectar_contracts import TurnReceived

    class Refusing(FakeUnitOfWork):
        async def __aenter__(self):
            await super().__aenter__()

            async def refuse(user):
                raise StoreRejected("invalid byte sequence for encoding UTF8: 0x00")

            self.users.add_if_absent = refuse  # type: ignore[method-assign]
            return self

    turn = TurnReceived.new(producer="telegram_edge", user_id=4242, chat_id=4242,
                            character="luna", session="1", text="hi", language="e\x00n",
                            plan="free")

    with pytest.raises(Poison, match="0x00"):
        await ensure_user(turn, replace(deps, uow=lambda: Refusing(store)))
    assert store.processed == set() and store.users == {}


async def test_operators_see_dead_webhooks_and_can_requeue_one(store: FakeBillingStore,
                                                               deps: Deps) -> None:
    row = legacy_row(store, {"update_type": "invoice_paid", "payload": {
        "invoice_id": 5, "asset": "USDT", "amount": "NaN", "status": "paid"}})
    await process_pending_webhooks(deps)

    [dead] = await operations.list_webhooks("dead", 10, deps)
    assert (dead.id, dead.attempts) == (row, 1) and "not a finite" in (dead.last_error or "")

    await operations.requeue_webhook(row, "ops", "amount fixed upstream", deps)
    assert (store.webhooks[row].status, store.webhooks[row].attempts) == ("received", 0)
    assert store.audit[-1].action == "requeue_webhook"
    with pytest.raises(Exception, match="no dead webhook"):
        await operations.requeue_webhook(row, "ops", "again", deps)
