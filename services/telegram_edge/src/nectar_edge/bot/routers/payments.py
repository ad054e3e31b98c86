"""Telegram Stars: /buy, the plan buttons (`buy:<plan>`, `upsell`), pre-checkout queries,
`successful_payment` and `refunded_payment` messages."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery, Update

from nectar_edge.bot.commands import command
from nectar_edge.bot.convert import from_callback, incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import payments
from nectar_edge.handlers.payments import PreCheckout, StarsPayment, StarsRefund


def build_router() -> Router:
    router = Router(name="payments")
    _offers(router)
    _money(router)
    return router


def _offers(router: Router) -> None:
    """/buy, the upsell button and the plan buttons (an invoice each)."""

    @router.message(command("buy"))
    async def on_buy(message: Message, event_update: Update, bot: Bot, deps: Deps,
                     user_context: UserContext | None = None) -> None:
        events = await payments.offer_plans(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    @router.callback_query(F.data == "upsell")
    async def on_upsell_button(query: CallbackQuery, event_update: Update, bot: Bot,
                               deps: Deps, user_context: UserContext | None = None) -> None:
        events = await payments.offer_plans(
            from_callback(query, event_update, bot, user_context), deps)
        await publish(events, deps)

    @router.callback_query(F.data.startswith("buy:"))
    async def on_buy_button(query: CallbackQuery, event_update: Update, bot: Bot,
                            deps: Deps, user_context: UserContext | None = None) -> None:
        events = await payments.send_invoice(
            from_callback(query, event_update, bot, user_context),
            (query.data or "").split(":", 1)[1], deps)
        await publish(events, deps)


def _money(router: Router) -> None:
    """What Telegram sends about money: pre-checkout queries, successful and refunded
    payments."""

    @router.pre_checkout_query()
    async def on_pre_checkout(query: PreCheckoutQuery, deps: Deps) -> None:
        events = await payments.answer_pre_checkout(PreCheckout(
            query_id=query.id, user_id=query.from_user.id, currency=query.currency,
            total_amount=query.total_amount, payload=query.invoice_payload,
            language_code=query.from_user.language_code), deps)
        await publish(events, deps)

    @router.message(F.successful_payment)
    async def on_successful_payment(message: Message, event_update: Update, bot: Bot,
                                    deps: Deps,
                                    user_context: UserContext | None = None) -> None:
        paid = message.successful_payment
        assert paid is not None
        events = await payments.record_payment(StarsPayment(
            message=incoming(message, event_update, bot, user_context),
            currency=paid.currency, total_amount=paid.total_amount,
            payload=paid.invoice_payload, charge_id=paid.telegram_payment_charge_id), deps)
        await publish(events, deps)

    @router.message(F.refunded_payment)
    async def on_refunded_payment(message: Message, event_update: Update, bot: Bot,
                                  deps: Deps,
                                  user_context: UserContext | None = None) -> None:
        refunded = message.refunded_payment
        assert refunded is not None
        events = await payments.record_refund(StarsRefund(
            message=incoming(message, event_update, bot, user_context),
            currency=refunded.currency, total_amount=refunded.total_amount,
            payload=refunded.invoice_payload,
            charge_id=refunded.telegram_payment_charge_id), deps)
        await publish(events, deps)
