"""Billing's pure domain: id ranges, the plan catalogue, plan state derived from the ledger,
and webhook signature verification / parsing (signatures computed here independently)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from nectar_billing.domain import (
    ID_RANGES,
    OAUTH_IDS,
    TELEGRAM_IDS,
    TEST_IDS,
    InvalidSignature,
    NewUser,
    UserRejected,
    auth_source_of,
)
from nectar_billing.domain.ledger import LedgerEntry, PlanState, derive_plan_state
from nectar_billing.domain.webhooks import (
    Ignored,
    MalformedNotification,
    ProviderPayment,
    parse_cryptobot,
    parse_paddle,
    verify_cryptobot,
    verify_paddle,
)
from nectar_contracts.plans import PlanCatalogError, load_plan_catalog, parse_plan_catalog

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_id_ranges_are_disjoint_json_safe_and_above_telegram() -> None:
    ranges = sorted(ID_RANGES.values())
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))
    assert TELEGRAM_IDS[1] == 2**52 - 1  # Telegram: "at most 52 significant bits"
    assert TEST_IDS[1] < 2**53  # every id survives a JSON double
    assert auth_source_of(91111101) == "telegram"
    assert auth_source_of(OAUTH_IDS[0]) == "oauth"
    assert auth_source_of(TEST_IDS[0] + 1) == "test"
    assert auth_source_of(-91111101) is None


@pytest.mark.parametrize(("user_id", "source"), [
    (OAUTH_IDS[0], "test"), (TEST_IDS[0], "oauth"), (TEST_IDS[0], "telegram"),
    (5, "test"), (5, "oauth"), (2**53, "test"),
])
def test_user_id_must_lie_in_its_sources_range(user_id: int, source: str) -> None:
    with pytest.raises(UserRejected, match="outside"):
        NewUser(user_id, source)  # type: ignore[arg-type]


def test_packaged_catalogue_has_every_plan_with_prices_and_entitlements() -> None:
    catalog = load_plan_catalog()
    assert list(catalog.plans) == ["free", "basic", "premium", "vip", "elite"]
    assert catalog.price("premium", "XTR") == 500
    assert catalog.price("premium", "USDT") == Decimal("9.99")
    assert catalog.price("premium", "USD") == Decimal("9.99")
    stars = [catalog[p].stars for p in catalog.plans]
    assert stars == sorted(stars)  # dearer plans cost more
    messages = [catalog[p].entitlements.daily_messages for p in catalog.plans]
    assert messages == sorted(messages)
    assert catalog["free"].entitlements.content_ceiling == "romantic"
    with pytest.raises(PlanCatalogError):
        catalog.price("vip", "EUR")


def test_catalogue_rejects_missing_plans_and_bad_values() -> None:
    data = {"plans": {name: {"period_days": 30, "prices": {"stars": 1, "crypto": "1",
                                                           "card": "1"},
                             "entitlements": {"daily_messages": 1, "images": 1, "voice_chars": 1,
                                              "context_tokens": 1,
                                              "content_ceiling": "sfw"}}
                      for name in ("free", "basic", "premium", "vip", "elite")}}
    assert parse_plan_catalog(data)["vip"].stars == 1
    with pytest.raises(PlanCatalogError, match="exactly"):
        parse_plan_catalog({"plans": {"free": data["plans"]["free"]}})
    data["plans"]["vip"]["entitlements"]["content_ceiling"] = "anything"
    with pytest.raises(PlanCatalogError, match="content_ceiling"):
        parse_plan_catalog(data)


def pay(ext: str, plan: str | None, at: datetime, days: int | None = 30,
        kind: str = "payment", refers_to: str | None = None) -> LedgerEntry:
    return LedgerEntry(kind=kind, provider="telegram_stars", external_id=ext,  # type: ignore[arg-type]
                       plan=plan, period_days=days, amount=Decimal(1), currency="XTR",
                       occurred_at=at, refers_to=refers_to)


def test_plan_state_from_the_ledger() -> None:
    now = T0 + timedelta(days=10)
    assert derive_plan_state([], now) == PlanState.free()
    one = [pay("a", "basic", T0)]
    assert derive_plan_state(one, now) == PlanState("basic", T0 + timedelta(days=30))
    # renewal of the active plan extends from its expiry, not from the payment
    two = one + [pay("b", "basic", T0 + timedelta(days=5))]
    assert derive_plan_state(two, now) == PlanState("basic", T0 + timedelta(days=60))
    # a switch to another plan starts it at the payment
    up = one + [pay("c", "vip", T0 + timedelta(days=5))]
    assert derive_plan_state(up, now) == PlanState("vip", T0 + timedelta(days=35))
    # expiry
    assert derive_plan_state(one, T0 + timedelta(days=31)) == PlanState.free()
    # refund: the refunded payment counts as if it never happened
    refunded = two + [pay("r", None, T0 + timedelta(days=6), None, "refund", "b")]
    assert derive_plan_state(refunded, now) == PlanState("basic", T0 + timedelta(days=30))
    # revoke ends the plan; an open-ended grant never lapses
    revoked = one + [pay("x", None, T0 + timedelta(days=1), None, "revoke")]
    assert derive_plan_state(revoked, now) == PlanState.free()
    granted = [pay("g", "elite", T0, None, "grant")]
    assert derive_plan_state(granted, T0 + timedelta(days=999)) == PlanState("elite", None)
    # a payment that bought no plan (underpaid) changes nothing
    assert derive_plan_state([pay("u", None, T0)], now) == PlanState.free()


def crypto_sig(body: bytes, token: str) -> str:
    return hmac.new(hashlib.sha256(token.encode()).digest(), body, hashlib.sha256).hexdigest()


def test_cryptobot_signature() -> None:
    body = b'{"update_type":"invoice_paid"}'
    verify_cryptobot(body, crypto_sig(body, "tok"), "tok")
    verify_cryptobot(body, crypto_sig(body, "tok").upper(), "tok")
    for sig in (None, "", crypto_sig(body, "other"), crypto_sig(body + b" ", "tok")):
        with pytest.raises(InvalidSignature):
            verify_cryptobot(body, sig, "tok")


def paddle_header(body: bytes, ts: int, secret: str) -> str:
    h1 = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return f"ts={ts};h1={h1}"


def test_paddle_signature_and_replay_window() -> None:
    body, now = b'{"event_type":"transaction.completed"}', 1_800_000_000
    verify_paddle(body, paddle_header(body, now - 3, "s"), "s", now=now, max_skew_s=5)
    # during secret rotation Paddle sends two h1 values
    both = paddle_header(body, now, "old") + ";h1=" + paddle_header(body, now, "s").split(
        "h1=")[1]
    verify_paddle(body, both, "s", now=now, max_skew_s=5)
    with pytest.raises(InvalidSignature, match="replayed"):
        verify_paddle(body, paddle_header(body, now - 60, "s"), "s", now=now, max_skew_s=5)
    for header in (None, "h1=abc", "ts=x;h1=abc", paddle_header(body, now, "wrong"),
                   paddle_header(body + b"x", now, "s")):
        with pytest.raises(InvalidSignature):
            verify_paddle(body, header, "s", now=now, max_skew_s=5)


def test_parse_provider_payments() -> None:
    crypto = json.dumps({"update_type": "invoice_paid", "payload": {
        "invoice_id": 7, "asset": "USDT", "amount": "9.99", "status": "paid",
        "paid_at": "2026-11-22T09:59:58.000Z"}}).encode()
    payment = parse_cryptobot(crypto)
    assert isinstance(payment, ProviderPayment)
    assert (payment.external_id, payment.invoice_ref, payment.amount, payment.currency) == (
        "7", "7", Decimal("9.99"), "USDT")
    assert payment.occurred_at.tzinfo is not None
    assert isinstance(parse_cryptobot(b'{"update_type":"something_else"}'), Ignored)

    paddle = json.dumps({"event_type": "transaction.completed",
                         "occurred_at": "2026-11-22T10:00:00Z",
                         "data": {"id": "txn_1", "currency_code": "usd",
                                  "custom_data": {"nectar_invoice": "inv"},
                                  "details": {"totals": {"total": "1999"}}}}).encode()
    card = parse_paddle(paddle)
    assert isinstance(card, ProviderPayment) and card.kind == "payment"
    assert (card.external_id, card.invoice_ref, card.amount, card.currency) == (
        "txn_1", "inv", Decimal("19.99"), "USD")
    for bad in (b"not json", b"[]", b'{"update_type":"invoice_paid","payload":{}}'):
        with pytest.raises(MalformedNotification):
            parse_cryptobot(bad)


def paddle_event(event_type: str, data: dict) -> bytes:
    return json.dumps({"event_id": "evt_1", "event_type": event_type,
                       "occurred_at": "2026-11-22T10:00:00Z", "data": data}).encode()


@pytest.mark.parametrize("custom_data", [None, {}, {"nectar_invoice": None},
                                         {"other_app": "x"}])
def test_paddle_sale_nectar_did_not_start_is_ignored_not_malformed(custom_data) -> None:
    body = paddle_event("transaction.completed", {
        "id": "txn_x", "currency_code": "USD", "custom_data": custom_data,
        "details": {"totals": {"total": "999"}}})

    ignored = parse_paddle(body)

    assert isinstance(ignored, Ignored) and "did not start" in ignored.reason


def adjustment(action: str = "refund", status: str = "approved", total: str = "999") -> dict:
    return {"id": "adj_1", "action": action, "status": status, "transaction_id": "txn_1",
            "currency_code": "USD", "type": "full", "totals": {"total": total}}


def test_paddle_refunds_count_once_approved() -> None:
    for event_type in ("adjustment.created", "adjustment.updated"):
        refund = parse_paddle(paddle_event(event_type, adjustment()))
        assert isinstance(refund, ProviderPayment)
        assert (refund.kind, refund.external_id, refund.refers_to, refund.amount,
                refund.currency) == ("refund", "adj_1", "txn_1", Decimal("9.99"), "USD")
    chargeback = parse_paddle(paddle_event("adjustment.created", adjustment("chargeback")))
    assert isinstance(chargeback, ProviderPayment) and chargeback.kind == "refund"
    for action, status in (("refund", "pending_approval"), ("refund", "rejected"),
                           ("credit", "approved")):
        assert isinstance(parse_paddle(paddle_event("adjustment.updated",
                                                    adjustment(action, status))), Ignored)
    with pytest.raises(MalformedNotification):
        parse_paddle(paddle_event("adjustment.updated", {"id": "adj_2", "action": "refund",
                                                         "status": "approved"}))


def test_partial_refunds_keep_the_plan_until_they_cover_the_payment() -> None:
    now = T0 + timedelta(days=10)
    paid = [pay("p", "vip", T0)]  # amount 1 XTR
    half = LedgerEntry("refund", "telegram_stars", "r1", None, None, Decimal("0.5"), "XTR",
                       T0 + timedelta(days=1), refers_to="p")
    rest = LedgerEntry("refund", "telegram_stars", "r2", None, None, Decimal("0.5"), "XTR",
                       T0 + timedelta(days=2), refers_to="p")
    other_currency = LedgerEntry("refund", "telegram_stars", "r3", None, None, Decimal(5),
                                 "USD", T0 + timedelta(days=2), refers_to="p")

    assert derive_plan_state(paid + [half], now).plan == "vip"
    assert derive_plan_state(paid + [other_currency], now).plan == "vip"
    assert derive_plan_state(paid + [half, rest], now) == PlanState.free()
    # a refund recorded before its payment still cancels it
    early = LedgerEntry("refund", "telegram_stars", "r0", None, None, Decimal(1), "XTR",
                        T0 - timedelta(days=1), refers_to="p")
    assert derive_plan_state([early, *paid], now) == PlanState.free()
