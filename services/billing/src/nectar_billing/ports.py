"""Ports of the billing service: what handlers, jobs and operator actions need from storage.

A handler opens one `UnitOfWork`: everything it does inside (users, ledger, plan state,
invoices, webhooks, audit, outbox rows, the processed-event mark) commits together or not at
all. That is what makes a consumer idempotent and keeps state and emitted events in step (no
"state then publish" gap).

Error contract of every repository method: a storage failure raises `StoreUnavailable` (an
outage: retry later); a row the database refuses on its own merits raises `UserRejected`
(or its subclass `UserAlreadyExists`). No driver exception leaves an adapter. Each port has
an in-memory fake (`adapters/fakes.py`) and a Postgres adapter (`adapters/postgres.py`);
`tests/integration/billing/test_billing_ports.py` runs the same contract against both.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from nectar_contracts import Event
from nectar_runtime import Managed

from nectar_billing.domain import NewUser
from nectar_billing.domain.ledger import LedgerEntry, PlanState

Publish = Callable[[Event], Awaitable[None]]

#: what became of a recorded provider notification
WebhookStatus = Literal["received", "credited", "duplicate", "unknown_invoice", "mismatch",
                        "refunded", "unknown_payment", "dead"]


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
    #: failed processing attempts so far
    attempts: int = 0


@dataclass(frozen=True)
class WebhookView:
    """A recorded notification as an operator sees it (`nectar billing webhooks`)."""

    id: int
    provider: str
    external_id: str
    event_type: str
    status: str
    attempts: int
    user_id: int | None
    note: str | None
    last_error: str | None


class UserRepository(Protocol):
    """Users by id. Creation never overwrites: there is no upsert on users."""

    async def add_if_absent(self, user: NewUser) -> bool:
        """Create the user unless one with that id exists; True when created.

        An existing row is left exactly as it is (no `ON CONFLICT (id) DO UPDATE`).
        """
        ...

    async def add(self, user: NewUser) -> None:
        """Plain INSERT: an existing id raises `UserAlreadyExists`, nothing is changed."""
        ...

    async def allocate(self, auth_source: str, language: str | None = None) -> int:
        """Create an `oauth` or `test` user with the next id of that source's own range."""
        ...

    async def get(self, user_id: int, *, lock: bool = False) -> NewUser | None:
        """The user with that id, or None; `lock` holds the row until the transaction ends."""
        ...

    async def count(self, auth_source: str) -> int:
        """How many users have this auth source."""
        ...

    async def counts_by_source(self) -> dict[str, int]:
        """Users per auth source (sources without users are absent)."""
        ...

    async def delete_test_users(self) -> list[int]:
        """Delete every user with `auth_source = 'test'` (that filter only, never an id
        range); returns their ids."""
        ...

    async def delete(self, user_id: int) -> bool:
        """Delete the user (their subscription and invoices go with them); False if absent."""
        ...

    async def footprint(self, user_id: int) -> dict[str, int]:
        """Rows about the user, by table (GDPR erasure reports and verifies with it):
        `users`, `subscriptions`, `invoices`, `processed_webhooks`, `audit_log`,
        `payment_accounts` (linked to the user), `payments` (their ledger rows, which
        erasure anonymises), `outbox` (events about them, `user_deleted` excluded: that one
        is the tombstone other services act on)."""
        ...


class Ledger(Protocol):
    """The append-only payments ledger: entries are added and read, never changed."""

    async def append(self, user_id: int, entry: LedgerEntry) -> bool:
        """Append `entry` to the user's account (created on first use); False, and nothing
        written, when an entry with the same (provider, external id) exists."""
        ...

    async def entries(self, user_id: int) -> list[LedgerEntry]:
        """The user's entries in ledger (insertion) order."""
        ...

    async def owner_of(self, provider: str, external_id: str) -> int | None:
        """The user whose account holds the entry (provider, external id); None when there
        is no such entry or its account was anonymised."""
        ...

    async def users_with_entries(self) -> list[int]:
        """Users with a (non-anonymised) account, ascending."""
        ...

    async def anonymise(self, user_id: int) -> int:
        """Detach the user's account from them (GDPR); returns how many entries it holds."""
        ...


class PlanStates(Protocol):
    """The stored plan state of each user: a projection of the ledger."""

    async def get(self, user_id: int) -> PlanState:
        """The stored state (free for a user without one, or without a row)."""
        ...

    async def lock(self, user_id: int) -> PlanState | None:
        """Lock the user's row and return their stored state; None when there is no user."""
        ...

    async def put(self, user_id: int, state: PlanState) -> None:
        """Store the state (the caller holds the user's lock)."""
        ...

    async def non_free_users(self) -> list[int]:
        """Users whose stored plan is not free."""
        ...

    async def lapsed(self, now: datetime, limit: int) -> list[int]:
        """Up to `limit` users whose stored paid plan expired at or before `now`."""
        ...


class Invoices(Protocol):
    """Invoices we opened with a provider; a payment for an unknown invoice credits nothing."""

    async def open(self, invoice: Invoice) -> None: ...

    async def get(self, provider: str, invoice_ref: str) -> Invoice | None: ...


class WebhookInbox(Protocol):
    """Verified provider notifications, recorded before they are processed."""

    async def record(self, provider: str, external_id: str, event_type: str,
                     body: dict[str, Any]) -> bool:
        """Record a notification; False (nothing written) for a repeated delivery."""
        ...

    async def claim_pending(self, limit: int, now: datetime, only_id: int | None = None
                            ) -> list[PendingWebhook]:
        """Lock up to `limit` notifications still `received` and due at `now` (or only
        `only_id`), fewest failed attempts first, then oldest: a row that keeps failing
        never holds back a fresh one. Rows another transaction holds are skipped."""
        ...

    async def defer(self, webhook_id: int, error: str, until: datetime) -> None:
        """Count a failed attempt: keep the notification `received`, not due before `until`,
        with `error` as its last error."""
        ...

    async def finish(self, webhook_id: int, status: WebhookStatus, user_id: int | None,
                     note: str | None) -> None:
        """Record what became of the notification."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete the notifications attributed to the user (GDPR); returns how many."""
        ...

    async def listing(self, status: str, limit: int) -> list[WebhookView]:
        """Up to `limit` notifications with `status`, newest first."""
        ...

    async def requeue(self, webhook_id: int) -> bool:
        """Put a `dead` notification back to `received`, due at once with no attempts
        counted (after its cause is fixed); False when there is no such dead row."""
        ...


class AuditLog(Protocol):
    """Operator actions, with who did them and why."""

    async def write(self, actor: str, action: str, user_id: int | None,
                    details: dict[str, Any]) -> None: ...

    async def forget_user(self, user_id: int) -> None:
        """Keep the user's audit rows but drop the user id from them (GDPR)."""
        ...


class Outbox(Protocol):
    """Events to publish once the surrounding transaction commits."""

    async def put(self, event: Event) -> None: ...

    async def forget_user(self, user_id: int) -> int:
        """Delete the events about the user, published or not (GDPR: an unpublished
        `plan_changed` relayed after the erasure would recreate caches of the user);
        returns how many."""
        ...


class ProcessedEvents(Protocol):
    """Which `(consumer, event_id)` pairs already had their effect."""

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        """Record the pair; False when it was already recorded (the event is a duplicate).

        Recorded in the same transaction as the effect: a rollback forgets the claim too.
        """
        ...


class UnitOfWork(Protocol):
    """One transaction over every billing repository.

    Leaving the `async with` block without `commit()` rolls everything back.
    """

    users: UserRepository
    ledger: Ledger
    plans: PlanStates
    invoices: Invoices
    webhooks: WebhookInbox
    audit: AuditLog
    outbox: Outbox
    processed: ProcessedEvents

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None: ...

    async def defer_durability(self) -> None:
        """Let this transaction's commit return before it is durable (only for work that is
        safely redone after a crash)."""
        ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class OutboxStore(Protocol):
    """The relay's view of the outbox."""

    async def relay_batch(self, publish: Publish, limit: int) -> int:
        """Publish up to `limit` unpublished events in insertion order, mark them published.

        Returns how many were published. Events published before a failure stay marked;
        the failure is raised after that.
        """
        ...


class Database(Managed, Protocol):
    """The billing database as a `Managed` adapter: `start` migrates to the newest schema
    when the service is configured to, `check` is `SELECT 1`, `close` releases the pool."""

    async def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to `revision` (serialised across replicas)."""
        ...

    async def require_schema(self) -> None:
        """Raise `BillingError` unless the schema is at the newest revision this code knows
        (operator actions refuse to run against an older or newer schema)."""
        ...
