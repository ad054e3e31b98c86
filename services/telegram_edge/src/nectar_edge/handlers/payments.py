"""Telegram Stars: /buy and its buttons, invoices, pre-checkout queries, successful
payments, /paysupport and operator refunds."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from nectar_contracts import Event, PaymentReceived, PaymentRefunded, keyed_uuid7

from nectar_edge.deps import PRODUCER, Deps
from nectar_edge.domain.errors import MessageRejected
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.messages import Button, IncomingMessage, InvoicePart, Keyboard
from nectar_edge.domain.payments import (
    InvalidPayload,
    check_checkout,
    sign_payload,
    verify_payload,
)
from nectar_edge.handlers.common import answer, language_of, resolve_conversation
from nectar_edge.handlers.sending import answer_key, send_once

log = logging.getLogger("nectar.telegram_edge.handlers")


def plan_keyboard(prices: Mapping[str, int], language: str) -> Keyboard:
    """One button per plan for sale (`buy:<plan>`), with its price in Stars."""
    return tuple((Button(translate("plan_button", language, plan=plan.title(),
                                   stars=str(price)), f"buy:{plan}"),)
                 for plan, price in prices.items())


async def offer_plans(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/buy` (or the upsell button): the user's plan and the plans for sale as buttons.
    Emits nothing."""
    language = language_of(message, deps)
    conv = await resolve_conversation(message, deps)
    await answer(message, translate("buy_intro", language, plan=conv.plan.title()), deps,
                 plan_keyboard(deps.policy.star_prices, language), purpose="buy_intro")
    return []


async def send_invoice(message: IncomingMessage, plan: str, deps: Deps) -> list[Event]:
    """On a `buy:<plan>` button: an invoice in Stars whose payload is signed and bound to
    (user, plan, price). An unknown plan gets the plan list again. Emits nothing."""
    language = language_of(message, deps)
    price = deps.policy.star_prices.get(plan)
    if price is None:
        return await offer_plans(message, deps)
    payload = sign_payload(deps.policy.payment_key, message.user_id, plan, price)
    invoice = InvoicePart(translate("invoice_title", language, plan=plan.title()),
                          translate("invoice_description", language, plan=plan.title()),
                          payload, price)
    await send_once(answer_key(message.bot_id, message.update_id, message.chat_id,
                               f"invoice:{plan}"), message.user_id, message.chat_id,
                    [invoice], deps)
    return []


@dataclass(frozen=True)
class PreCheckout:
    """A pre-checkout query: the user pressed Pay on an invoice."""

    query_id: str
    user_id: int
    currency: str
    total_amount: int
    payload: str
    language_code: str | None


async def answer_pre_checkout(query: PreCheckout, deps: Deps) -> list[Event]:
    """On a pre-checkout query: approve it when the payload is ours, bound to this user,
    in Stars, for its amount, and the plan is still sold at that price; refuse it with a
    reason in the user's language otherwise. Telegram cancels the payment after 10 s, so
    this reads nothing but the policy; a query Telegram no longer knows (answered too late)
    is logged and dropped: no money moved. Emits nothing (no money moved yet)."""
    verdict = check_checkout(deps.policy.payment_key, query.payload, query.user_id,
                             query.currency, query.total_amount, dict(deps.policy.star_prices))
    language = (await deps.users.language(query.user_id)
                or normalize_language(query.language_code, deps.policy.default_language))
    try:
        await deps.messenger.answer_pre_checkout(
            query.query_id, verdict.ok, "" if verdict.ok else translate(verdict.error_key,
                                                                        language))
    except MessageRejected as exc:  # expired or unknown: Telegram cancelled the payment
        log.warning("pre-checkout query could not be answered", extra={
            "user_id": query.user_id, "error": str(exc)})
        return []
    if not verdict.ok:
        log.warning("pre-checkout refused", extra={"user_id": query.user_id,
                                                   "reason": verdict.error_key})
    return []


@dataclass(frozen=True)
class StarsPayment:
    """A `successful_payment` service message."""

    message: IncomingMessage
    currency: str
    total_amount: int
    payload: str
    charge_id: str


async def record_payment(payment: StarsPayment, deps: Deps) -> list[Event]:
    """On `successful_payment`: emit `billing.payment_received` (provider telegram_stars,
    external id = telegram_payment_charge_id) exactly once per charge: the charge is
    recorded in Redis (SET NX) and the event id is derived from the charge id, so even a
    second publish is dropped by JetStream. Thanks the user. A payload that is not ours
    cannot happen after a checked pre-checkout; it is logged and dropped (Poison would
    stall the update forever)."""
    message = payment.message
    try:
        terms = verify_payload(deps.policy.payment_key, payment.payload)
    except InvalidPayload:
        log.error("successful_payment with a foreign payload; not recorded",
                  extra={"user_id": message.user_id, "charge_id": payment.charge_id})
        return []
    if not await deps.payments.record(payment.charge_id):
        log.info("payment already recorded", extra={"charge_id": payment.charge_id})
        return []
    event_id = keyed_uuid7(f"telegram-stars|{payment.charge_id}", message.sent_at)
    event = PaymentReceived(
        event_id=event_id, correlation_id=event_id, producer=PRODUCER,
        user_id=message.user_id, provider="telegram_stars", external_id=payment.charge_id,
        amount=Decimal(payment.total_amount), currency=payment.currency,
        plan=terms.plan)  # type: ignore[arg-type]
    try:
        await deps.publisher.publish_all([event])
    except BaseException:
        await deps.payments.forget(payment.charge_id)
        raise
    await answer(message, translate("pay_thanks", language_of(message, deps),
                                    plan=terms.plan.title()), deps, purpose="pay_thanks")
    return []


@dataclass(frozen=True)
class StarsRefund:
    """A `refunded_payment` service message: Stars went back to the user (refunded by us
    with refundStarPayment, e.g. `nectar telegram refund`, or by Telegram)."""

    message: IncomingMessage
    currency: str
    total_amount: int
    payload: str
    charge_id: str


async def record_refund(refund: StarsRefund, deps: Deps) -> list[Event]:
    """On `refunded_payment`: emit `billing.payment_refunded` (provider telegram_stars,
    external id = the refunded charge's telegram_payment_charge_id, the one its
    `billing.payment_received` carried) once per charge (Redis `SET NX refund:<charge>`,
    forgotten again when the publish fails; the event id is derived from the charge), and
    tell the user in their language. Billing records the refund in the ledger and derives
    the plan again (`billing.plan_changed` updates the plan cache)."""
    message = refund.message
    key = f"refund:{refund.charge_id}"
    try:
        verify_payload(deps.policy.payment_key, refund.payload)
    except InvalidPayload:  # money went back all the same: billing decides what it means
        log.warning("refunded_payment with a foreign payload",
                    extra={"user_id": message.user_id, "charge_id": refund.charge_id})
    if not await deps.payments.record(key):
        log.info("refund already recorded", extra={"charge_id": refund.charge_id})
        return []
    language = language_of(message, deps)
    event_id = keyed_uuid7(f"telegram-stars-refund|{refund.charge_id}", message.sent_at)
    event = PaymentRefunded(
        event_id=event_id, correlation_id=event_id, producer=PRODUCER,
        user_id=message.user_id, provider="telegram_stars", external_id=refund.charge_id,
        amount=Decimal(refund.total_amount), currency=refund.currency, language=language)
    try:
        await deps.publisher.publish_all([event])
    except BaseException:
        await deps.payments.forget(key)
        raise
    await answer(message, translate("refund_done", language, stars=str(refund.total_amount)),
                 deps, purpose="refund_done")
    return []


async def show_payment_support(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/paysupport` (Telegram requires it of bots that take payments): how refunds and
    payment problems are handled, plus the operator's contact if configured."""
    text = translate("paysupport", language_of(message, deps))
    if deps.policy.payment_support_text:
        text = f"{text}\n{deps.policy.payment_support_text}"
    await answer(message, text, deps, purpose="paysupport")
    return []


async def refund_stars(user_id: int, charge_id: str, deps: Deps) -> str:
    """Operator refund of a Stars charge with refundStarPayment: `refunded` now, or
    `already_refunded` (CHARGE_ALREADY_REFUNDED counts as done). Raises `MessageRejected`
    for a charge Telegram does not know."""
    return "refunded" if await deps.messenger.refund_stars(user_id, charge_id) \
        else "already_refunded"
