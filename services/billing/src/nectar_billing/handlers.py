"""Billing's bus handlers: `verb_noun(event, deps) -> list[Event]`; `HANDLERS` at the bottom.

Billing's events leave only through the outbox (written in the same transaction as the
state change, relayed to NATS by `OutboxRelay`), so handlers return `[]` to the runtime.
Every handler claims `(consumer, event id)` in the same transaction as its effect: a
redelivered event finds the claim and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from nectar_contracts import Event, PaymentReceived, PlanChanged, TurnReceived, UserCreated
from nectar_contracts.billing import PaymentRefunded
from nectar_runtime import Index, On, Poison, consumer_name

from nectar_billing.deps import Deps
from nectar_billing.domain import InvalidAmount, StoreRejected, UserRejected, telegram_user
from nectar_billing.domain.ledger import PlanState, derive_plan_state, refund_entry
from nectar_billing.domain.plans import payment_entry
from nectar_billing.ports import UnitOfWork

PRODUCER = "billing"
#: consumer prefix: durable consumers are `billing-<event>`; also the `consumer` column of
#: `processed_events`. Renaming a durable consumer loses its messages: these names stay.
CONSUMERS = "billing"
ENSURE_USER_CONSUMER = consumer_name(CONSUMERS, TurnReceived)  # billing-turn_received
STARS_CONSUMER = consumer_name(CONSUMERS, PaymentReceived)  # billing-payment_received
REFUND_CONSUMER = consumer_name(CONSUMERS, PaymentRefunded)  # billing-payment_refunded
#: ledger external id of the refund of a charge reported by event (one per charge)
REFUND_ID = "refund:{charge}"

log = logging.getLogger("nectar.billing.handlers")


@contextmanager
def refused_as_poison() -> Iterator[None]:
    """An event that can never be stored (a bad user id, an amount billing cannot process,
    a value the database refuses) is `Poison`: dead-lettered at once with the reason, not
    retried. The surrounding transaction rolls back, so nothing is half-written."""
    try:
        yield
    except (UserRejected, InvalidAmount, StoreRejected) as exc:
        raise Poison(str(exc)) from exc


async def ensure_user(event: TurnReceived, deps: Deps) -> list[Event]:
    """On every `chat.turn_received`: make sure the user exists.

    In one transaction: skip if this event id was already processed; otherwise create the
    user (auth source `telegram`, plan `free`, the turn's language) unless they exist (an
    existing row is never touched), write `billing.user_created` to the outbox when created,
    and record the event as processed.

    Emits (through the outbox): `billing.user_created`, once per user.
    Raises `Poison` for a user id that can never be stored (not positive).
    """
    with refused_as_poison():
        user = telegram_user(event.user_id, event.language)
    async with deps.uow() as uow:
        if not await uow.processed.claim(ENSURE_USER_CONSUMER, event.event_id):
            return []
        with refused_as_poison():
            created = await uow.users.add_if_absent(user)
            if created:
                await uow.outbox.put(event.caused(
                    UserCreated, producer=PRODUCER, auth_source=user.auth_source,
                    plan=user.plan, language=user.language))
        await uow.commit()
    if created:
        log.info("user created", extra={"user_id": user.id, "auth_source": user.auth_source,
                                        "plan": user.plan})
    return []


async def apply_ledger(uow: UnitOfWork, user_id: int, deps: Deps,
                       cause: Event | None = None, index: int = 0,
                       stored: PlanState | None = None) -> PlanState:
    """Derive the user's plan state from their ledger; when it differs from the stored one
    (`stored`, read here unless given), store it and write `billing.plan_changed` to the
    outbox (same transaction)."""
    derived = derive_plan_state(await uow.ledger.entries(user_id), deps.clock())
    if stored is None:
        stored = await uow.plans.get(user_id)
    if derived != stored:
        await uow.plans.put(user_id, derived)
        fields = {"plan": derived.plan, "previous_plan": stored.plan,
                  "expires_at": derived.expires_at}
        await uow.outbox.put(
            cause.caused(PlanChanged, producer=PRODUCER, index=index, user_id=user_id,
                         **fields) if cause is not None
            else PlanChanged.new(producer=PRODUCER, user_id=user_id, **fields))
    return derived


async def record_stars_payment(event: PaymentReceived, deps: Deps) -> list[Event]:
    """On `billing.payment_received` from the edge (Telegram Stars): append the payment to
    the ledger once per charge id and derive the plan.

    One transaction: the (consumer, event id) claim, the user (created if unseen), the
    ledger row (unique on provider + charge id, so a second event for the same charge adds
    nothing), the plan state and `billing.plan_changed` in the outbox. Payments of other
    providers arrive as webhooks and are ignored here.
    """
    if event.provider != "telegram_stars":
        return []
    with refused_as_poison():
        user = telegram_user(event.user_id, None)
        entry = payment_entry(deps.catalog, provider="telegram_stars",
                              external_id=event.external_id, plan=event.plan,
                              amount=event.amount, currency=event.currency,
                              occurred_at=event.occurred_at)
    if entry.plan is None:
        log.warning("payment does not buy a plan: recorded without one",
                    extra={"provider": "telegram_stars", "external_id": event.external_id,
                           "plan": event.plan, "amount": str(event.amount),
                           "currency": event.currency})
    async with deps.uow() as uow:
        if not await uow.processed.claim(STARS_CONSUMER, event.event_id):
            return []
        if await uow.users.add_if_absent(user):
            await uow.outbox.put(event.caused(UserCreated, producer=PRODUCER, index=1,
                                              auth_source="telegram", plan="free"))
        stored = await uow.plans.lock(event.user_id)
        with refused_as_poison():
            appended = await uow.ledger.append(event.user_id, entry)
        if appended:
            await apply_ledger(uow, event.user_id, deps, cause=event, stored=stored)
        else:
            log.info("stars payment already in the ledger",
                     extra={"external_id": event.external_id, "user_id": event.user_id})
        await uow.commit()
    return []


async def record_refund(event: PaymentRefunded, deps: Deps) -> list[Event]:
    """On `billing.payment_refunded` (the edge, for a Telegram Stars refund): append a
    refund entry to the user's ledger once per refunded charge id and derive the plan again
    (a full refund cancels what the payment bought; `billing.plan_changed` via the outbox).

    A charge the ledger does not hold yet is recorded all the same, with a warning: the
    refund entry names it, so should its payment arrive later it counts as refunded (the
    two events travel on different consumers and may arrive in either order).
    Refused with `Poison` (dead-lettered with the reason, nothing written): a user billing
    does not know (never seen, or deleted), a charge that belongs to another user.
    """
    with refused_as_poison():
        entry = refund_entry(provider=event.provider,
                             refund_id=REFUND_ID.format(charge=event.external_id),
                             refers_to=event.external_id, amount=event.amount,
                             currency=event.currency, occurred_at=event.occurred_at)
    async with deps.uow() as uow:
        if not await uow.processed.claim(REFUND_CONSUMER, event.event_id):
            return []
        owner = await uow.ledger.owner_of(event.provider, event.external_id)
        if owner is not None and owner != event.user_id:
            raise Poison(f"refund of {event.provider} charge {event.external_id!r} for user "
                         f"{event.user_id}, but the charge belongs to another user: refused")
        stored = await uow.plans.lock(event.user_id)
        if stored is None:
            raise Poison(f"refund for user {event.user_id}, whom billing does not know "
                         "(never seen, or deleted): not recorded")
        if owner is None:
            log.warning("refund of a charge not in the ledger (yet): recorded; it cancels "
                        "the payment should that arrive", extra={
                            "user_id": event.user_id, "external_id": event.external_id})
        with refused_as_poison():
            appended = await uow.ledger.append(event.user_id, entry)
        if appended:
            await apply_ledger(uow, event.user_id, deps, cause=event, stored=stored)
        else:
            log.info("refund already in the ledger",
                     extra={"external_id": event.external_id, "user_id": event.user_id})
        await uow.commit()
    return []


async def expire_plans(deps: Deps, limit: int = 100) -> int:
    """Periodic (not a bus handler): users whose stored plan has lapsed get their state
    derived again (free, unless a later ledger entry says otherwise) and
    `billing.plan_changed` via the outbox. Returns how many users were looked at."""
    async with deps.uow() as uow:
        due = await uow.plans.lapsed(deps.clock(), limit)
    for user_id in due:
        async with deps.uow() as uow:
            stored = await uow.plans.lock(user_id)
            if stored is not None:
                await apply_ledger(uow, user_id, deps, stored=stored)
                await uow.commit()
    return len(due)


HANDLERS: Index = {
    TurnReceived: On(ensure_user, "Create the user on first contact; `billing.user_created` "
                     "leaves via the outbox", deliver_all=True),
    PaymentReceived: On(record_stars_payment, "Telegram Stars payments from the edge: ledger "
                        "once per charge id, plan derived, `billing.plan_changed` via the "
                        "outbox", deliver_all=True),
    PaymentRefunded: On(record_refund, "Refunds from the edge (Telegram Stars): a refund "
                        "entry once per refunded charge id, plan derived from the ledger, "
                        "`billing.plan_changed` via the outbox", deliver_all=True),
}
