"""Ports of the billing service: what handlers and the outbox relay need from storage.

A handler opens one `UnitOfWork`: everything it does inside (users, outbox rows, the
processed-event mark) commits together or not at all. That is what makes a consumer
idempotent and keeps state and emitted events in step (no "state then publish" gap).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from nectar_contracts import Event

from nectar_billing.domain import NewUser

Publish = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True)
class Invoice:
    """An invoice we opened with a provider (Crypto Pay invoice id, Paddle custom data)."""

    provider: str
    invoice_ref: str
    user_id: int
    plan: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PendingWebhook:
    """A recorded, verified notification waiting to be processed."""

    id: int
    provider: str
    body: dict[str, Any]


class UserRepository(Protocol):
    """Users by id. Creation never overwrites: there is no upsert on users."""

    async def add_if_absent(self, user: NewUser) -> bool:
        """Create the user unless one with that id exists; True when created.

        An existing row is left exactly as it is (no `ON CONFLICT (id) DO UPDATE`).
        """
        ...

    async def get(self, user_id: int) -> NewUser | None:
        """The user with that id, or None."""
        ...


class Outbox(Protocol):
    """Events to publish once the surrounding transaction commits."""

    async def put(self, event: Event) -> None: ...


class ProcessedEvents(Protocol):
    """Which `(consumer, event_id)` pairs already had their effect."""

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        """Record the pair; False when it was already recorded (the event is a duplicate).

        Recorded in the same transaction as the effect: a rollback forgets the claim too.
        """
        ...


class UnitOfWork(Protocol):
    """One transaction over users, outbox and processed events.

    Leaving the `async with` block without `commit()` rolls everything back.
    """

    users: UserRepository
    outbox: Outbox
    processed: ProcessedEvents

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]

# The ledger, plan-state, invoice, webhook-inbox and audit repositories that handlers use
# beyond `UnitOfWork` (`uow.ledger`, `uow.plans`, `uow.invoices`, `uow.webhooks`,
# `uow.audit`, plus `users.add/allocate/count/delete*` and `defer_durability()`) exist only
# on `SqlUnitOfWork` (adapters/postgres.py) for now: there are no in-memory fakes of them, so
# the handlers that use them are tested against Postgres (tests/integration/billing).


class OutboxStore(Protocol):
    """The relay's view of the outbox."""

    async def relay_batch(self, publish: Publish, limit: int) -> int:
        """Publish up to `limit` unpublished events in insertion order, mark them published.

        Returns how many were published. Events published before a failure stay marked;
        the failure is raised after that.
        """
        ...


class Database(Protocol):
    """Lifecycle of the billing database."""

    async def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to `revision` (serialised across replicas)."""
        ...

    async def ping(self) -> None:
        """Raise when the database does not answer."""
        ...

    async def close(self) -> None: ...
