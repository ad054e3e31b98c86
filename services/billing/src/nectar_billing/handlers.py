"""Billing handlers: `verb_noun(event, deps) -> list[Event]`.

Billing's events leave only through the outbox (written in the same transaction as the
state change, relayed to NATS by `OutboxRelay`), so handlers return `[]` to the runtime.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nectar_contracts import Event, TurnReceived, UserCreated
from nectar_runtime import Poison

from nectar_billing.domain import UserRejected, telegram_user
from nectar_billing.ports import UnitOfWorkFactory

PRODUCER = "billing"
#: durable consumer name; also the `consumer` column of `processed_events`
ENSURE_USER_CONSUMER = "billing-turn_received"

log = logging.getLogger("nectar.billing.handlers")


@dataclass(frozen=True)
class Deps:
    """What billing handlers need."""

    uow: UnitOfWorkFactory


async def ensure_user(event: TurnReceived, deps: Deps) -> list[Event]:
    """On every `chat.turn_received`: make sure the user exists.

    In one transaction: skip if this event id was already processed; otherwise create the
    user (auth source `telegram`, plan `free`, the turn's language) unless they exist (an
    existing row is never touched), write `billing.user_created` to the outbox when created,
    and record the event as processed.

    Emits (through the outbox): `billing.user_created`, once per user.
    Raises `Poison` for a user id that can never be stored (not positive).
    """
    try:
        user = telegram_user(event.user_id, event.language)
    except UserRejected as exc:
        raise Poison(str(exc)) from exc
    async with deps.uow() as uow:
        if not await uow.processed.claim(ENSURE_USER_CONSUMER, event.event_id):
            return []
        try:
            created = await uow.users.add_if_absent(user)
        except UserRejected as exc:
            raise Poison(str(exc)) from exc
        if created:
            await uow.outbox.put(event.caused(
                UserCreated, producer=PRODUCER, auth_source=user.auth_source, plan=user.plan,
                language=user.language))
        await uow.commit()
    if created:
        log.info("user created", extra={"user_id": user.id, "auth_source": user.auth_source,
                                        "plan": user.plan})
    return []


HANDLERS = {TurnReceived: ensure_user}
