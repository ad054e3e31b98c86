"""Billing's handlers, webhook inbox and operator actions against the in-memory fakes of
every port (the same contract the Postgres adapters pass in tests/integration/billing)."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from billing_fakes import CRYPTO_TOKEN, PADDLE_SECRET, fake_deps
from nectar_billing import operations
from nectar_billing.adapters.fakes import FakeBillingStore
from nectar_billing.deps import Deps
from nectar_billing.domain import TELEGRAM_IDS, BillingError, NewUser, UnknownUser
from nectar_billing.domain.ledger import PlanState
from nectar_billing.domain.plans import UnknownPlan
from nectar_billing.handlers import (
    REFUND_CONSUMER,
    STARS_CONSUMER,
    expire_plans,
    record_refund,
    record_stars_payment,
)
from nectar_billing.inbox import process_pending_webhooks, receive_webhook
from nectar_billing.ports import Invoice
from nectar_contracts import PaymentReceived, PlanChanged, UserCreated, UserDeleted
from nectar_contracts.billing import PaymentRefunded
from nectar_runtime import Poison

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def store() -> FakeBillingStore:
    return FakeBillingStore()


@pytest.fixture
def deps(store: FakeBillingStore) -> Deps:
    return fake_deps(store, clock=lambda: NOW)


def a_user() -> int:
    return random.randint(*TELEGRAM_IDS)


def stars(user_id: int, charge: str, plan: str = "vip", amount: int = 1000) -> PaymentReceived:
    return PaymentReceived.new(producer="telegram_edge", user_id=user_id,
                               provider="telegram_stars", external_id=charge,
                               amount=Decimal(amount), currency="XTR", plan=plan)


async def test_stars_payment_credits_once_per_charge_and_creates_the_user(
        store: FakeBillingStore, deps: Deps) -> None:
    user_id, charge = a_user(), f"ch-{uuid.uuid4().hex}"
    first, again = stars(user_id, charge), stars(user_id, charge)

    await record_stars_payment(first, deps)
    await record_stars_payment(first, deps)  # a redelivery
    await record_stars_payment(again, deps)  # another event for the same charge

    assert len(store.ledger()) == 1
    assert store.users[user_id].plan == "vip"
    created, changed = store.unpublished()
    assert isinstance(created, UserCreated) and isinstance(changed, PlanChanged)
    assert (changed.plan, changed.previous_plan, changed.causation_id) == (
        "vip", "free", first.event_id)
    assert {(STARS_CONSUMER, first.event_id), (STARS_CONSUMER, again.event_id)} <= \
        store.processed


async def test_underpaid_stars_payment_is_recorded_without_a_plan(
        store: FakeBillingStore, deps: Deps) -> None:
    user_id = a_user()

    await record_stars_payment(stars(user_id, "cheap", amount=10), deps)

    [entry] = store.ledger()
    assert (entry.plan, entry.amount) == (None, Decimal(10))  # the money is on record
    assert store.users[user_id].plan == "free"


def crypto_delivery(invoice_id: int, amount: str = "9.99") -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"update_id": 1, "update_type": "invoice_paid",
                       "request_date": "2026-12-01T00:00:00Z",
                       "payload": {"invoice_id": invoice_id, "asset": "USDT",
                                   "amount": amount, "status": "paid",
                                   "paid_at": "2026-12-01T00:00:00Z"}}).encode()
    key = hashlib.sha256(CRYPTO_TOKEN.encode()).digest()
    return body, {"crypto-pay-api-signature": hmac.new(key, body, hashlib.sha256).hexdigest()}


def paddle_delivery(body: dict) -> tuple[bytes, dict[str, str]]:
    raw, ts = json.dumps(body).encode(), int(time.time())
    h1 = hmac.new(PADDLE_SECRET.encode(), f"{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    return raw, {"paddle-signature": f"ts={ts};h1={h1}"}


async def open_invoice(deps: Deps, store: FakeBillingStore, provider: str, ref: str,
                       plan: str = "premium", amount: str = "9.99",
                       currency: str = "USDT") -> int:
    user_id = a_user()
    store.users[user_id] = NewUser(user_id, "telegram")
    await operations.open_invoice(Invoice(provider, ref, user_id, plan, Decimal(amount),
                                          currency), deps)
    return user_id


async def test_webhook_is_recorded_then_credited_once(store: FakeBillingStore,
                                                      deps: Deps) -> None:
    user_id = await open_invoice(deps, store, "cryptobot", "41")
    body, headers = crypto_delivery(41)

    answers = [await receive_webhook("cryptobot", body, headers, deps, time.time())
               for _ in range(2)]
    assert [a.outcome for a in answers] == ["recorded", "duplicate"]
    assert store.ledger() == []  # recorded, not processed yet

    assert await process_pending_webhooks(deps) == 1
    assert await process_pending_webhooks(deps) == 0

    assert [w.status for w in store.webhooks.values()] == ["credited"]
    assert store.users[user_id].plan == "premium"
    assert len(store.ledger()) == 1


async def test_webhook_outcomes_without_effect(store: FakeBillingStore, deps: Deps) -> None:
    await open_invoice(deps, store, "cryptobot", "7")
    short, short_headers = crypto_delivery(7, amount="1.00")
    unknown, unknown_headers = crypto_delivery(8)
    _, bad_headers = crypto_delivery(99)

    assert (await receive_webhook("cryptobot", short, bad_headers, deps, time.time())
            ).status_code == 401
    for body, headers in ((short, short_headers), (unknown, unknown_headers)):
        assert (await receive_webhook("cryptobot", body, headers, deps, time.time())
                ).outcome == "recorded"
    await process_pending_webhooks(deps)

    assert sorted(w.status for w in store.webhooks.values()) == ["mismatch",
                                                                 "unknown_invoice"]
    assert store.ledger() == [] and store.outbox == []


async def test_grant_revoke_and_rebuild(store: FakeBillingStore, deps: Deps) -> None:
    user_id = a_user()
    store.users[user_id] = NewUser(user_id, "telegram")

    granted = await operations.grant_plan(user_id, "elite", 3, "ops", "goodwill", deps)
    assert granted == PlanState("elite", NOW + timedelta(days=3))
    with pytest.raises(UnknownPlan):
        await operations.grant_plan(user_id, "gold", 3, "ops", "x", deps)
    with pytest.raises(BillingError, match="revoke"):
        await operations.grant_plan(user_id, "free", 3, "ops", "x", deps)
    with pytest.raises(UnknownUser):
        await operations.grant_plan(a_user(), "vip", 3, "ops", "x", deps)

    assert await operations.rebuild_plans(deps, apply=False) == []
    store.users[user_id] = replace(store.users[user_id], plan="vip")  # tampered by hand
    store.plans[user_id] = PlanState("vip", None)
    [diff] = await operations.rebuild_plans(deps, apply=True, actor="ops")
    assert (diff.stored.plan, diff.derived.plan) == ("vip", "elite")
    assert store.users[user_id].plan == "elite"

    assert (await operations.revoke_plan(user_id, "ops", "abuse", deps)).plan == "free"
    assert [r.action for r in store.audit] == ["grant_plan", "rebuild_plan", "revoke_plan"]
    later = replace(deps, clock=lambda: NOW + timedelta(days=4))
    assert await expire_plans(later) == 0  # revoked already: nothing has lapsed


async def test_delete_user_keeps_anonymised_ledger(store: FakeBillingStore,
                                                   deps: Deps) -> None:
    user_id = a_user()
    await record_stars_payment(stars(user_id, "c-1"), deps)

    done = await operations.delete_user(user_id, "user request", "ops", deps)

    assert done.anonymised_ledger_rows == 1
    assert user_id not in store.users and user_id not in store.plans
    assert len(store.ledger()) == 1 and store.accounts[0].user_id is None
    assert isinstance(store.unpublished()[-1], UserDeleted)
    with pytest.raises(UnknownUser):
        await operations.delete_user(user_id, "again", "ops", deps)


async def test_test_user_cleanup_is_by_auth_source_and_counted(
        store: FakeBillingStore, deps: Deps) -> None:
    real = a_user()
    store.users[real] = NewUser(real, "telegram")
    ids = await operations.create_test_users(3, "qa", deps)

    with pytest.raises(operations.CountMismatch):
        await operations.cleanup_test_users(deps, apply=True, expect=2, actor="qa")
    assert set(ids) <= set(store.users)
    done = await operations.cleanup_test_users(deps, apply=True, expect=3, actor="qa")

    assert sorted(done.deleted) == sorted(ids)
    assert list(store.users) == [real]
    assert await operations.user_counts(deps) == {"telegram": 1}


# --- refunds (issue 10: refunds end to end) -----------------------------------------------

def stars_refund(user_id: int, charge: str, amount: int = 1000) -> PaymentRefunded:
    return PaymentRefunded.new(producer="telegram_edge", user_id=user_id,
                               provider="telegram_stars", external_id=charge,
                               amount=Decimal(amount), currency="XTR", language="de")


async def test_stars_refund_ends_the_plan_once_with_plan_changed(store: FakeBillingStore,
                                                                 deps: Deps) -> None:
    user_id, charge = a_user(), "ch-refund-1"
    await record_stars_payment(stars(user_id, charge), deps)
    refund = stars_refund(user_id, charge)

    await record_refund(refund, deps)
    await record_refund(refund, deps)  # a redelivery
    await record_refund(stars_refund(user_id, charge), deps)  # the same refund reported again

    refunds = [e for e in store.ledger() if e.kind == "refund"]
    assert [(e.external_id, e.refers_to) for e in refunds] == [(f"refund:{charge}", charge)]
    assert store.users[user_id].plan == "free"
    changed = [e for e in store.unpublished() if isinstance(e, PlanChanged)]
    assert [(c.plan, c.previous_plan) for c in changed] == [("vip", "free"), ("free", "vip")]
    assert changed[-1].causation_id == refund.event_id
    assert (REFUND_CONSUMER, refund.event_id) in store.processed


async def test_refund_arriving_before_its_payment_still_cancels_it(store: FakeBillingStore,
                                                                   deps: Deps) -> None:
    user_id, charge = a_user(), "ch-early"
    store.users[user_id] = NewUser(user_id, "telegram")

    await record_refund(stars_refund(user_id, charge), deps)
    await record_stars_payment(stars(user_id, charge), deps)

    assert len(store.ledger()) == 2  # both recorded: money in, money out
    assert store.users[user_id].plan == "free"
    assert not any(isinstance(e, PlanChanged) for e in store.unpublished())


async def test_refund_refused_with_a_reason_writes_nothing(store: FakeBillingStore,
                                                           deps: Deps) -> None:
    payer, other, stranger = a_user(), a_user(), a_user()
    store.users[other] = NewUser(other, "telegram")
    await record_stars_payment(stars(payer, "ch-payer"), deps)
    before = (len(store.ledger()), len(store.outbox), set(store.processed))

    with pytest.raises(Poison, match="belongs to another user"):
        await record_refund(stars_refund(other, "ch-payer"), deps)
    with pytest.raises(Poison, match="does not know"):
        await record_refund(stars_refund(stranger, "ch-unknown"), deps)

    assert (len(store.ledger()), len(store.outbox), set(store.processed)) == before
    assert stranger not in store.users  # a refund never creates a user
    assert store.users[payer].plan == "vip"


def paddle_refund_delivery(event_type: str, status: str, txn: str,
                           adjustment_id: str = "adj_01", total: str = "1999"
                           ) -> tuple[bytes, dict[str, str]]:
    return paddle_delivery({"event_id": f"evt_{uuid.uuid4().hex}", "event_type": event_type,
                            "occurred_at": "2026-12-01T00:00:00Z",
                            "data": {"id": adjustment_id, "action": "refund",
                                     "status": status, "transaction_id": txn,
                                     "currency_code": "USD", "type": "full",
                                     "totals": {"total": total}}})


async def test_paddle_refund_is_credited_back_once_approved(store: FakeBillingStore,
                                                            deps: Deps) -> None:
    user_id = await open_invoice(deps, store, "card", "inv-9", plan="vip", amount="19.99",
                                 currency="USD")
    paid, paid_headers = paddle_delivery({
        "event_id": "evt_p", "event_type": "transaction.completed",
        "occurred_at": "2026-12-01T00:00:00Z",
        "data": {"id": "txn_9", "currency_code": "USD", "custom_data": {
            "nectar_invoice": "inv-9"}, "details": {"totals": {"total": "1999"}}}})
    assert (await receive_webhook("card", paid, paid_headers, deps, time.time())
            ).outcome == "recorded"
    await process_pending_webhooks(deps)
    assert store.users[user_id].plan == "vip"

    pending = paddle_refund_delivery("adjustment.created", "pending_approval", "txn_9")
    approved = paddle_refund_delivery("adjustment.updated", "approved", "txn_9")
    answers = [await receive_webhook("card", body, headers, deps, time.time())
               for body, headers in (pending, approved, approved)]
    await process_pending_webhooks(deps)

    assert [a.outcome for a in answers] == ["ignored", "recorded", "duplicate"]
    assert sorted(w.status for w in store.webhooks.values()) == ["credited", "refunded"]
    assert store.users[user_id].plan == "free"
    [refund] = [e for e in store.ledger() if e.kind == "refund"]
    assert (refund.external_id, refund.refers_to, refund.amount) == (
        "adj_01", "txn_9", Decimal("19.99"))


async def test_paddle_refund_of_a_payment_nectar_never_saw_has_no_effect(
        store: FakeBillingStore, deps: Deps) -> None:
    body, headers = paddle_refund_delivery("adjustment.updated", "approved", "txn_foreign")

    answer = await receive_webhook("card", body, headers, deps, time.time())
    await process_pending_webhooks(deps)

    assert answer.outcome == "recorded"
    [webhook] = store.webhooks.values()
    assert (webhook.status, webhook.user_id) == ("unknown_payment", None)
    assert "no such payment" in (webhook.note or "")
    assert store.ledger() == [] and store.outbox == []


async def test_paddle_sale_nectar_did_not_start_is_answered_200_and_ignored(
        store: FakeBillingStore, deps: Deps) -> None:
    body, headers = paddle_delivery({
        "event_id": "evt_foreign", "event_type": "transaction.completed",
        "occurred_at": "2026-12-01T00:00:00Z",
        "data": {"id": "txn_dashboard", "currency_code": "USD", "custom_data": None,
                 "details": {"totals": {"total": "500"}}}})

    answer = await receive_webhook("card", body, headers, deps, time.time())

    assert (answer.status_code, answer.outcome) == (200, "ignored")
    assert store.webhooks == {}
