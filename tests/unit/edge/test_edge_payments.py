"""Telegram Stars: signed invoice payloads, pre-checkout checks, one payment per charge,
operator refunds."""

from __future__ import annotations

import pytest
from edge_fakes import World, incoming
from nectar_contracts import PaymentReceived
from nectar_edge import handlers
from nectar_edge.domain.errors import MessageRejected
from nectar_edge.domain.payments import (
    InvalidPayload,
    check_checkout,
    sign_payload,
    verify_payload,
)
from nectar_edge.handlers.payments import PreCheckout, StarsPayment

KEY = b"k" * 32
PRICES = {"basic": 250, "vip": 1000}


def test_a_payload_round_trips_and_fits_telegrams_limit() -> None:
    payload = sign_payload(KEY, 9_999_999_999, "premium", 2500)
    terms = verify_payload(KEY, payload)
    assert (terms.user_id, terms.plan, terms.amount) == (9_999_999_999, "premium", 2500)
    assert len(payload.encode()) <= 128


@pytest.mark.parametrize("tamper", [
    lambda p: p.replace(".1000.", ".1.", 1),         # cheaper
    lambda p: p.replace("v1.42.", "v1.43.", 1),      # another user
    lambda p: p.replace(".vip.", ".elite.", 1),      # another plan
    lambda p: p[:-2] + ("AA" if not p.endswith("AA") else "BB"),
    lambda p: "garbage",
])
def test_a_tampered_payload_is_refused(tamper) -> None:
    payload = sign_payload(KEY, 42, "vip", 1000)
    with pytest.raises(InvalidPayload):
        verify_payload(KEY, tamper(payload))
    with pytest.raises(InvalidPayload):
        verify_payload(b"another key", payload)


def test_checkout_rules() -> None:
    payload = sign_payload(KEY, 42, "vip", 1000)
    assert check_checkout(KEY, payload, 42, "XTR", 1000, PRICES).ok
    assert check_checkout(KEY, payload, 43, "XTR", 1000, PRICES).error_key == "pay_invalid"
    assert check_checkout(KEY, payload, 42, "USD", 1000, PRICES).error_key == "pay_invalid"
    assert check_checkout(KEY, payload, 42, "XTR", 999, PRICES).error_key == "pay_invalid"
    assert check_checkout(KEY, payload, 42, "XTR", 1000,
                          {"vip": 1200}).error_key == "pay_price_changed"


async def test_buy_offers_the_plans_and_a_button_sends_a_bound_invoice() -> None:
    world = World()
    await handlers.offer_plans(incoming(31, "/buy"), world.deps)
    [keyboard] = world.messenger.keyboards(31)
    assert [row[0].data for row in keyboard] == [f"buy:{p}" for p in world.policy.star_prices]
    assert "250" in keyboard[0][0].text

    await handlers.send_invoice(incoming(31, "buy:vip"), "vip", world.deps)
    [invoice] = [s for s in world.messenger.sent if s.kind == "invoice"]
    assert invoice.payload["amount"] == 1000
    terms = verify_payload(world.policy.payment_key, invoice.payload["payload"])
    assert (terms.user_id, terms.plan, terms.amount) == (31, "vip", 1000)


async def test_pre_checkout_is_approved_or_refused_in_the_users_language() -> None:
    world = World()
    good = sign_payload(world.policy.payment_key, 32, "basic", 250)
    await handlers.answer_pre_checkout(PreCheckout("q1", 32, "XTR", 250, good, "en"),
                                       world.deps)
    await handlers.answer_pre_checkout(PreCheckout("q2", 33, "XTR", 250, good, "ru"),
                                       world.deps)
    assert world.messenger.pre_checkouts == [
        ("q1", True, ""), ("q2", False, "Этот счёт больше не действует. Открой /buy ещё раз.")]


async def test_a_successful_payment_is_one_payment_event_per_charge() -> None:
    world = World()
    payload = sign_payload(world.policy.payment_key, 34, "vip", 1000)
    payment = StarsPayment(incoming(34, None, update_id=5), "XTR", 1000, payload, "charge-34")
    again = StarsPayment(incoming(34, None, update_id=6), "XTR", 1000, payload, "charge-34")

    await handlers.record_payment(payment, world.deps)
    await handlers.record_payment(again, world.deps)

    [event] = world.publisher.events
    assert isinstance(event, PaymentReceived)
    assert (event.provider, event.external_id, event.plan) == ("telegram_stars", "charge-34",
                                                               "vip")
    assert (event.amount, event.currency, event.user_id) == (1000, "XTR", 34)
    assert len(world.messenger.texts(34)) == 1 and "Vip" in world.messenger.texts(34)[0]


async def test_a_payment_whose_publish_failed_is_published_on_redelivery() -> None:
    class Flaky:
        def __init__(self) -> None:
            self.events: list = []
            self.fail = True

        async def publish_all(self, events) -> None:
            if self.fail:
                self.fail = False
                raise ConnectionError("NATS down")
            self.events.extend(events)

    world = World()
    world.publisher = Flaky()  # type: ignore[assignment]
    payload = sign_payload(world.policy.payment_key, 35, "basic", 250)
    payment = StarsPayment(incoming(35, None), "XTR", 250, payload, "charge-35")
    with pytest.raises(ConnectionError):
        await handlers.record_payment(payment, world.deps)
    await handlers.record_payment(payment, world.deps)
    assert len(world.publisher.events) == 1


async def test_a_foreign_payload_is_not_recorded() -> None:
    world = World()
    payment = StarsPayment(incoming(36, None), "XTR", 250, "v1.36.basic.250.x.bad", "c-36")
    assert await handlers.record_payment(payment, world.deps) == []
    assert world.publisher.events == [] and world.payments.charges == set()


async def test_refund_counts_an_already_refunded_charge_as_done() -> None:
    world = World()
    world.messenger.charges["c-37"] = False
    assert await handlers.refund_stars(37, "c-37", world.deps) == "refunded"
    assert await handlers.refund_stars(37, "c-37", world.deps) == "already_refunded"
    with pytest.raises(MessageRejected):
        await handlers.refund_stars(37, "nope", world.deps)
