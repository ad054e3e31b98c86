"""In-memory fakes of billing's ports, for unit tests and the port contract tests.

They keep the rules that matter: nothing is visible before `commit()`, leaving without a
commit discards everything, a user is never overwritten, a processed pair is claimed once,
the ledger only grows and is unique on (provider, external id), a recorded notification is
unique on (provider, external id). A unit of work works on a copy of the committed state
and replaces it on commit; concurrent transactions are not modelled (the Postgres-only
tests cover locking).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from nectar_contracts import Event

from nectar_billing.domain import ID_RANGES, BillingError, NewUser, StoreUnavailable
from nectar_billing.domain.errors import UserAlreadyExists
from nectar_billing.domain.ledger import LedgerEntry, PlanState
from nectar_billing.ports import Invoice, PendingWebhook, Publish, WebhookStatus, WebhookView


@dataclass
class OutboxRow:
    event: Event
    published: bool = False


@dataclass
class WebhookRow:
    id: int
    provider: str
    external_id: str
    event_type: str
    body: dict[str, Any]
    status: WebhookStatus = "received"
    user_id: int | None = None
    note: str | None = None
    attempts: int = 0
    #: None: due at once (a fresh recording)
    next_attempt_at: datetime | None = None
    last_error: str | None = None


@dataclass
class AuditRow:
    actor: str
    action: str
    user_id: int | None
    details: dict[str, Any]


@dataclass
class Account:
    """A ledger account: the user it belongs to (None once anonymised) and its entries."""

    user_id: int | None
    entries: list[LedgerEntry] = field(default_factory=list)


@dataclass
class FakeBillingStore:
    """Committed state shared by the fake units of work and the fake outbox store."""

    users: dict[int, NewUser] = field(default_factory=dict)
    plans: dict[int, PlanState] = field(default_factory=dict)
    accounts: list[Account] = field(default_factory=list)
    invoices: dict[tuple[str, str], Invoice] = field(default_factory=dict)
    webhooks: dict[int, WebhookRow] = field(default_factory=dict)
    audit: list[AuditRow] = field(default_factory=list)
    outbox: list[OutboxRow] = field(default_factory=list)
    processed: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    commits: int = 0
    #: next id per sequence (webhook rows, test and oauth users)
    sequences: dict[str, int] = field(default_factory=lambda: {
        "webhooks": 1, "test": ID_RANGES["test"][0], "oauth": ID_RANGES["oauth"][0]})
    #: set to make every storage call raise `StoreUnavailable` (an outage)
    down: bool = False

    def unpublished(self) -> list[Event]:
        return [row.event for row in self.outbox if not row.published]

    def ledger(self) -> list[LedgerEntry]:
        """Every ledger entry, in insertion order."""
        return [e for a in self.accounts for e in a.entries]

    def working_copy(self) -> FakeBillingStore:
        # Outbox rows are shared (the relay flips `published` on committed rows only);
        # everything else is copied so that a rollback leaves the committed state alone.
        twin = copy.deepcopy(replace(self, outbox=[]))
        twin.outbox = list(self.outbox)
        return twin

    def adopt(self, working: FakeBillingStore) -> None:
        for name in ("users", "plans", "accounts", "invoices", "webhooks", "audit", "outbox",
                     "processed", "sequences"):
            setattr(self, name, getattr(working, name))


class _Part:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    @property
    def data(self) -> FakeBillingStore:
        return self.uow.data()


class FakeUserRepository(_Part):
    async def add_if_absent(self, user: NewUser) -> bool:
        if user.id in self.data.users:
            return False
        self.data.users[user.id] = user
        return True

    async def add(self, user: NewUser) -> None:
        if not await self.add_if_absent(user):
            raise UserAlreadyExists(f"a user with id {user.id} already exists; nothing was "
                                    "changed")

    async def allocate(self, auth_source: str, language: str | None = None) -> int:
        user_id = self.data.sequences[auth_source]
        self.data.sequences[auth_source] += 1
        await self.add(NewUser(user_id, auth_source, language=language))  # type: ignore[arg-type]
        return user_id

    async def get(self, user_id: int, *, lock: bool = False) -> NewUser | None:
        return self.data.users.get(user_id)

    async def count(self, auth_source: str) -> int:
        return sum(1 for u in self.data.users.values() if u.auth_source == auth_source)

    async def counts_by_source(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for user in self.data.users.values():
            counts[user.auth_source] = counts.get(user.auth_source, 0) + 1
        return counts

    async def delete_test_users(self) -> list[int]:
        ids = sorted(u.id for u in self.data.users.values() if u.auth_source == "test")
        for user_id in ids:
            await self.delete(user_id)
        return ids

    async def delete(self, user_id: int) -> bool:
        if self.data.users.pop(user_id, None) is None:
            return False
        # the cascades of the schema: subscription and invoices go, the account is detached
        self.data.plans.pop(user_id, None)
        self.data.invoices = {k: v for k, v in self.data.invoices.items()
                              if v.user_id != user_id}
        for account in self.data.accounts:
            if account.user_id == user_id:
                account.user_id = None
        return True


    async def footprint(self, user_id: int) -> dict[str, int]:
        data = self.data
        accounts = [a for a in data.accounts if a.user_id == user_id]
        return {
            "users": int(user_id in data.users),
            "subscriptions": int(user_id in data.plans),
            "invoices": sum(1 for i in data.invoices.values() if i.user_id == user_id),
            "processed_webhooks": sum(1 for w in data.webhooks.values()
                                      if w.user_id == user_id),
            "audit_log": sum(1 for r in data.audit if r.user_id == user_id),
            "payment_accounts": len(accounts),
            "payments": sum(len(a.entries) for a in accounts),
            "outbox": sum(1 for r in data.outbox if r.event.user_id == user_id
                          and r.event.type != "billing.user_deleted"),
        }


class FakeLedger(_Part):
    def _account(self, user_id: int) -> Account:
        for account in self.data.accounts:
            if account.user_id == user_id:
                return account
        account = Account(user_id)
        self.data.accounts.append(account)
        return account

    async def append(self, user_id: int, entry: LedgerEntry) -> bool:
        if any((e.provider, e.external_id) == (entry.provider, entry.external_id)
               for e in self.data.ledger()):
            return False
        self._account(user_id).entries.append(entry)
        return True

    async def entries(self, user_id: int) -> list[LedgerEntry]:
        return [e for a in self.data.accounts if a.user_id == user_id for e in a.entries]

    async def owner_of(self, provider: str, external_id: str) -> int | None:
        for account in self.data.accounts:
            if any((e.provider, e.external_id) == (provider, external_id)
                   for e in account.entries):
                return account.user_id
        return None

    async def users_with_entries(self) -> list[int]:
        return sorted(a.user_id for a in self.data.accounts if a.user_id is not None)

    async def anonymise(self, user_id: int) -> int:
        for account in self.data.accounts:
            if account.user_id == user_id:
                account.user_id = None
                return len(account.entries)
        return 0


class FakePlanStates(_Part):
    async def get(self, user_id: int) -> PlanState:
        user = self.data.users.get(user_id)
        if user is None:
            return PlanState.free()
        return self.data.plans.get(user_id, PlanState(user.plan, None))

    async def lock(self, user_id: int) -> PlanState | None:
        return None if user_id not in self.data.users else await self.get(user_id)

    async def put(self, user_id: int, state: PlanState) -> None:
        if user_id in self.data.users:
            self.data.plans[user_id] = state
            self.data.users[user_id] = replace(self.data.users[user_id], plan=state.plan)

    async def non_free_users(self) -> list[int]:
        return sorted(u.id for u in self.data.users.values() if u.plan != "free")

    async def lapsed(self, now: datetime, limit: int) -> list[int]:
        due = sorted((s.expires_at, user_id) for user_id, s in self.data.plans.items()
                     if s.plan != "free" and s.expires_at is not None and s.expires_at <= now)
        return [user_id for _, user_id in due[:limit]]


class FakeInvoices(_Part):
    async def open(self, invoice: Invoice) -> None:
        key = (invoice.provider, invoice.invoice_ref)
        if key in self.data.invoices or invoice.user_id not in self.data.users:
            raise StoreUnavailable(f"invoice {key} refused (exists, or no such user)")
        self.data.invoices[key] = invoice

    async def get(self, provider: str, invoice_ref: str) -> Invoice | None:
        return self.data.invoices.get((provider, invoice_ref))


class FakeWebhookInbox(_Part):
    async def record(self, provider: str, external_id: str, event_type: str,
                     body: dict[str, Any]) -> bool:
        if any((w.provider, w.external_id) == (provider, external_id)
               for w in self.data.webhooks.values()):
            return False
        webhook_id = self.data.sequences["webhooks"]
        self.data.sequences["webhooks"] += 1
        self.data.webhooks[webhook_id] = WebhookRow(webhook_id, provider, external_id,
                                                    event_type, copy.deepcopy(body))
        return True

    async def claim_pending(self, limit: int, now: datetime, only_id: int | None = None
                            ) -> list[PendingWebhook]:
        due = [w for w in self.data.webhooks.values()
               if w.status == "received" and only_id in (None, w.id)
               and (w.next_attempt_at is None or w.next_attempt_at <= now)]
        due.sort(key=lambda w: (w.attempts, w.next_attempt_at or datetime.min.replace(
            tzinfo=now.tzinfo), w.id))
        return [PendingWebhook(w.id, w.provider, copy.deepcopy(w.body), w.attempts)
                for w in due[:limit]]

    async def defer(self, webhook_id: int, error: str, until: datetime) -> None:
        row = self.data.webhooks[webhook_id]
        row.attempts, row.next_attempt_at, row.last_error = row.attempts + 1, until, error

    async def finish(self, webhook_id: int, status: WebhookStatus, user_id: int | None,
                     note: str | None) -> None:
        row = self.data.webhooks[webhook_id]
        row.status, row.user_id, row.note = status, user_id, note
        if status == "dead":
            row.attempts, row.last_error = row.attempts + 1, note

    async def listing(self, status: str, limit: int) -> list[WebhookView]:
        rows = sorted((w for w in self.data.webhooks.values() if w.status == status),
                      key=lambda w: -w.id)[:limit]
        return [WebhookView(w.id, w.provider, w.external_id, w.event_type, w.status,
                            w.attempts, w.user_id, w.note, w.last_error) for w in rows]

    async def requeue(self, webhook_id: int) -> bool:
        row = self.data.webhooks.get(webhook_id)
        if row is None or row.status != "dead":
            return False
        row.status, row.attempts, row.next_attempt_at, row.note = "received", 0, None, None
        return True

    async def forget_user(self, user_id: int) -> int:
        gone = [k for k, w in self.data.webhooks.items() if w.user_id == user_id]
        for key in gone:
            del self.data.webhooks[key]
        return len(gone)


class FakeAuditLog(_Part):
    async def write(self, actor: str, action: str, user_id: int | None,
                    details: dict[str, Any]) -> None:
        self.data.audit.append(AuditRow(actor, action, user_id, copy.deepcopy(details)))

    async def forget_user(self, user_id: int) -> None:
        for row in self.data.audit:
            if row.user_id == user_id:
                row.user_id = None


class FakeOutbox(_Part):
    written = 0

    async def put(self, event: Event) -> None:
        self.data.outbox.append(OutboxRow(event))
        self.written += 1

    async def forget_user(self, user_id: int) -> int:
        before = len(self.data.outbox)
        self.data.outbox = [r for r in self.data.outbox if r.event.user_id != user_id]
        return before - len(self.data.outbox)


class FakeProcessedEvents(_Part):
    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        key = (consumer, event_id)
        if key in self.data.processed:
            return False
        self.data.processed.add(key)
        return True


class _Guarded:
    """Wraps a fake repository: every call raises `StoreUnavailable` while the store is down."""

    def __init__(self, part: _Part) -> None:
        self._part = part

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._part, name)
        if not callable(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            if self._part.uow.store.down:
                raise StoreUnavailable("fake billing store is down")
            return await attr(*args, **kwargs)
        return call


class FakeUnitOfWork:
    """A transaction over `FakeBillingStore`: works on a copy, applied on `commit()`."""

    users: FakeUserRepository
    ledger: FakeLedger
    plans: FakePlanStates
    invoices: FakeInvoices
    webhooks: FakeWebhookInbox
    audit: FakeAuditLog
    outbox: FakeOutbox
    processed: FakeProcessedEvents

    def __init__(self, store: FakeBillingStore,
                 on_outbox_commit: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.on_outbox_commit = on_outbox_commit
        self._working: FakeBillingStore | None = None
        self.durable = True

    def data(self) -> FakeBillingStore:
        assert self._working is not None, "used outside `async with`"
        return self._working

    async def __aenter__(self) -> Self:
        if self.store.down:
            raise StoreUnavailable("fake billing store is down")
        self._working = self.store.working_copy()
        self._outbox = FakeOutbox(self)
        parts = {"users": FakeUserRepository, "ledger": FakeLedger, "plans": FakePlanStates,
                 "invoices": FakeInvoices, "webhooks": FakeWebhookInbox,
                 "audit": FakeAuditLog, "processed": FakeProcessedEvents}
        for name, cls in parts.items():
            setattr(self, name, _Guarded(cls(self)))
        self.outbox = _Guarded(self._outbox)  # type: ignore[assignment]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self._working = None  # whatever was not committed is dropped, as a rollback would

    async def defer_durability(self) -> None:
        self.durable = False

    async def commit(self) -> None:
        if self.store.down:
            raise StoreUnavailable("fake billing store is down")
        self.store.adopt(self.data())
        self.store.commits += 1
        self._working = self.store.working_copy()
        wrote_outbox, self._outbox.written = self._outbox.written, 0
        if wrote_outbox:
            self.on_outbox_commit()


class FakeOutboxStore:
    """Relays `FakeBillingStore.outbox` in insertion order."""

    def __init__(self, store: FakeBillingStore) -> None:
        self.store = store

    async def relay_batch(self, publish: Publish, limit: int) -> int:
        if self.store.down:
            raise StoreUnavailable("fake billing store is down")
        sent = 0
        for row in [r for r in self.store.outbox if not r.published][:limit]:
            await publish(row.event)
            row.published = True
            sent += 1
        return sent


class FakeDatabase:
    """The database lifecycle of the fakes: counts starts and checks, fails while down."""

    def __init__(self, store: FakeBillingStore) -> None:
        self.store = store
        self.started = self.closed = 0
        self.revision_ok = True

    async def start(self) -> None:
        self.started += 1

    async def close(self) -> None:
        self.closed += 1

    async def check(self) -> None:
        if self.store.down:
            raise StoreUnavailable("fake billing store is down")

    async def migrate(self, revision: str = "head") -> None:
        self.started += 1

    async def require_schema(self) -> None:
        if not self.revision_ok:
            raise BillingError("database schema is not at the newest revision")

