"""Postgres adapters (SQLAlchemy 2 async + asyncpg) of every port in `nectar_billing.ports`:
the unit of work and its repositories, the outbox relay's store, and the database lifecycle.

Driver errors never leave this module: integrity errors on users become `UserRejected`,
everything else `StoreUnavailable`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from nectar_contracts import Event, parse_event
from opentelemetry import context as otel_context
from opentelemetry import propagate
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from nectar_billing.adapters import migrator
from nectar_billing.adapters.tables import (
    audit_log,
    invoices,
    oauth_id_seq,
    outbox,
    payment_accounts,
    payments,
    processed_events,
    processed_webhooks,
    subscriptions,
    test_id_seq,
    users,
)
from nectar_billing.domain import (
    BillingError,
    NewUser,
    StoreRejected,
    StoreUnavailable,
    UserRejected,
)
from nectar_billing.domain.errors import UserAlreadyExists
from nectar_billing.domain.ledger import LedgerEntry, PlanState
from nectar_billing.ports import (
    Invoice,
    PendingWebhook,
    Publish,
    WebhookStatus,
    WebhookView,
)
from nectar_billing.settings import BillingSettings

log = logging.getLogger("nectar.billing.postgres")

#: key of the advisory lock held by the replica relaying the outbox (keeps global order)
RELAY_LOCK_KEY = 0x6E656374_6F757462  # "nectoutb"


def create_engine(settings: BillingSettings) -> AsyncEngine:
    """The pooled async engine; nothing connects until first use."""
    server_settings = {"application_name": "nectar-billing"}
    return create_async_engine(
        settings.database_url.get_secret_value(),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_s,
        pool_pre_ping=True,
        connect_args={"timeout": settings.connect_timeout_s,
                      "server_settings": server_settings},
    )


@contextlib.asynccontextmanager
async def _storage_errors() -> AsyncIterator[None]:
    """Translate driver errors: a value the database refuses on its own merits (out of
    range, a NUL character, a broken constraint, text that is not UTF-8) becomes
    `StoreRejected` (retrying cannot help); everything else, `StoreUnavailable` (an outage:
    retried for as long as it lasts)."""
    try:
        yield
    except (DataError, IntegrityError, UnicodeEncodeError) as exc:
        raise StoreRejected(f"refused by the database: {type(exc).__name__}: "
                            f"{getattr(exc, 'orig', None) or exc}"[:500]) from exc
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise StoreUnavailable(f"{type(exc).__name__}: {exc}"[:500]) from exc


class SqlUserRepository:
    """Users in Postgres. Creation is `INSERT ... ON CONFLICT (id) DO NOTHING`: it never
    overwrites an existing row (an upsert on users is banned, see the RCA in the seeds)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add_if_absent(self, user: NewUser) -> bool:
        stmt = (insert(users)
                .values(id=user.id, auth_source=user.auth_source, plan=user.plan,
                        language=user.language)
                .on_conflict_do_nothing(index_elements=[users.c.id])
                .returning(users.c.id))
        async with _storage_errors():
            try:
                created = (await self.conn.execute(stmt)).scalar_one_or_none()
            except IntegrityError as exc:  # a CHECK constraint: retrying cannot help
                raise UserRejected(f"user {user.id} rejected by the database: "
                                   f"{exc.orig}") from exc
        return created is not None

    async def get(self, user_id: int, *, lock: bool = False) -> NewUser | None:
        stmt = (select(users.c.id, users.c.auth_source, users.c.plan, users.c.language)
                .where(users.c.id == user_id))
        if lock:
            stmt = stmt.with_for_update()
        async with _storage_errors():
            row = (await self.conn.execute(stmt)).one_or_none()
        if row is None:
            return None
        return NewUser(id=row.id, auth_source=row.auth_source, plan=row.plan,
                       language=row.language)

    async def add(self, user: NewUser) -> None:
        """Plain INSERT: an existing id fails loudly with `UserAlreadyExists`."""
        await self._insert(user.id, user.auth_source, user.language, explicit=user)

    async def allocate(self, auth_source: str, language: str | None = None) -> int:
        """Create an OAuth or test user with the next id of that source's own sequence.

        Plain INSERT of `nextval(...)`: no retry, no `setval`; a collision (only possible
        when someone hand-inserted a row in that range) raises `UserAlreadyExists`.
        """
        seq = {"oauth": oauth_id_seq, "test": test_id_seq}[auth_source]
        return await self._insert(seq.next_value(), auth_source, language)

    async def _insert(self, id_value, auth_source: str, language: str | None,
                      explicit: NewUser | None = None) -> int:
        stmt = (insert(users).values(id=id_value, auth_source=auth_source,
                                     plan=explicit.plan if explicit else "free",
                                     language=language)
                .returning(users.c.id))
        async with _storage_errors():
            try:
                async with self.conn.begin_nested():
                    return (await self.conn.execute(stmt)).scalar_one()
            except IntegrityError as exc:
                if "users_pkey" in str(exc.orig):
                    raise UserAlreadyExists(f"a user with that id already exists; nothing "
                                            f"was changed ({exc.orig})") from exc
                raise UserRejected(f"user rejected by the database: {exc.orig}") from exc

    async def count(self, auth_source: str) -> int:
        async with _storage_errors():
            return (await self.conn.execute(
                select(func.count()).select_from(users)
                .where(users.c.auth_source == auth_source))).scalar_one()

    async def counts_by_source(self) -> dict[str, int]:
        async with _storage_errors():
            rows = (await self.conn.execute(
                select(users.c.auth_source, func.count()).group_by(users.c.auth_source))).all()
        return {source: count for source, count in rows}

    async def delete_test_users(self) -> list[int]:
        """DELETE ... WHERE auth_source = 'test' (the only filter; never an id range)."""
        async with _storage_errors():
            return list((await self.conn.execute(
                delete(users).where(users.c.auth_source == "test")
                .returning(users.c.id))).scalars())

    async def delete(self, user_id: int) -> bool:
        async with _storage_errors():
            return (await self.conn.execute(
                delete(users).where(users.c.id == user_id).returning(users.c.id))
            ).scalar_one_or_none() is not None

    async def footprint(self, user_id: int) -> dict[str, int]:
        uid = str(user_id)
        queries = {
            "users": select(func.count()).where(users.c.id == user_id),
            "subscriptions": select(func.count()).where(subscriptions.c.user_id == user_id),
            "invoices": select(func.count()).where(invoices.c.user_id == user_id),
            "processed_webhooks": select(func.count()).where(
                processed_webhooks.c.user_id == user_id),
            "audit_log": select(func.count()).where(audit_log.c.user_id == user_id),
            "payment_accounts": select(func.count()).where(
                payment_accounts.c.user_id == user_id),
            "payments": select(func.count()).select_from(payments.join(
                payment_accounts, payment_accounts.c.account_id == payments.c.account_id))
            .where(payment_accounts.c.user_id == user_id),
            "outbox": select(func.count()).where(
                outbox.c.payload["user_id"].astext == uid,
                outbox.c.event_type != "billing.user_deleted"),
        }
        async with _storage_errors():
            return {name: (await self.conn.execute(query)).scalar_one()
                    for name, query in queries.items()}


def _entry(row) -> LedgerEntry:
    return LedgerEntry(kind=row.kind, provider=row.provider, external_id=row.external_id,
                       plan=row.plan, period_days=row.period_days, amount=row.amount,
                       currency=row.currency, occurred_at=row.occurred_at,
                       refers_to=row.refers_to)


class SqlLedger:
    """The append-only payments ledger (INSERT and SELECT only) and its accounts."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _account(self, user_id: int) -> uuid.UUID:
        """The user's account id, created on first use (one round trip)."""
        async with _storage_errors():
            return (await self.conn.execute(text(
                "WITH created AS (INSERT INTO payment_accounts (account_id, user_id) "
                "VALUES (:new, :user_id) ON CONFLICT (user_id) DO NOTHING "
                "RETURNING account_id) "
                "SELECT account_id FROM created UNION ALL "
                "SELECT account_id FROM payment_accounts WHERE user_id = :user_id LIMIT 1"),
                {"new": uuid.uuid4(), "user_id": user_id})).scalar_one()

    async def append(self, user_id: int, entry: LedgerEntry) -> bool:
        """Append an entry; False (nothing written) when (provider, external id) exists."""
        account = await self._account(user_id)
        stmt = (insert(payments).values(
            account_id=account, kind=entry.kind, provider=entry.provider,
            external_id=entry.external_id, plan=entry.plan, period_days=entry.period_days,
            amount=entry.amount, currency=entry.currency, occurred_at=entry.occurred_at,
            refers_to=entry.refers_to)
            .on_conflict_do_nothing(constraint="payments_provider_external_id")
            .returning(payments.c.seq))
        async with _storage_errors():
            return (await self.conn.execute(stmt)).scalar_one_or_none() is not None

    async def entries(self, user_id: int) -> list[LedgerEntry]:
        async with _storage_errors():
            rows = (await self.conn.execute(
                select(payments).join(payment_accounts,
                                      payment_accounts.c.account_id == payments.c.account_id)
                .where(payment_accounts.c.user_id == user_id)
                .order_by(payments.c.seq))).all()
        return [_entry(r) for r in rows]

    async def owner_of(self, provider: str, external_id: str) -> int | None:
        async with _storage_errors():
            return (await self.conn.execute(
                select(payment_accounts.c.user_id)
                .join(payments, payments.c.account_id == payment_accounts.c.account_id)
                .where(payments.c.provider == provider,
                       payments.c.external_id == external_id))).scalar_one_or_none()

    async def users_with_entries(self) -> list[int]:
        async with _storage_errors():
            return list((await self.conn.execute(
                select(payment_accounts.c.user_id)
                .where(payment_accounts.c.user_id.is_not(None))
                .order_by(payment_accounts.c.user_id))).scalars())

    async def anonymise(self, user_id: int) -> int:
        """Detach the user's account from them; returns how many ledger rows it holds."""
        async with _storage_errors():
            account = (await self.conn.execute(
                update(payment_accounts).where(payment_accounts.c.user_id == user_id)
                .values(user_id=None, anonymised_at=func.now())
                .returning(payment_accounts.c.account_id))).scalar_one_or_none()
            if account is None:
                return 0
            return (await self.conn.execute(
                select(func.count()).select_from(payments)
                .where(payments.c.account_id == account))).scalar_one()


class SqlPlanStates:
    """Stored plan state: `subscriptions` plus the `users.plan` mirror."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, user_id: int) -> PlanState:
        async with _storage_errors():
            row = (await self.conn.execute(
                select(users.c.plan, subscriptions.c.expires_at)
                .select_from(users.outerjoin(subscriptions,
                                             subscriptions.c.user_id == users.c.id))
                .where(users.c.id == user_id))).one_or_none()
        return PlanState.free() if row is None else PlanState(row.plan, row.expires_at)

    async def non_free_users(self) -> list[int]:
        async with _storage_errors():
            return list((await self.conn.execute(
                select(users.c.id).where(users.c.plan != "free"))).scalars())

    async def lapsed(self, now: datetime, limit: int) -> list[int]:
        """Users whose stored paid plan expired at or before `now`."""
        async with _storage_errors():
            return list((await self.conn.execute(
                select(subscriptions.c.user_id)
                .where(subscriptions.c.plan != "free", subscriptions.c.expires_at <= now)
                .order_by(subscriptions.c.expires_at).limit(limit))).scalars())

    async def lock(self, user_id: int) -> PlanState | None:
        """Lock the user's row and return their stored plan state (None: no such user)."""
        async with _storage_errors():
            row = (await self.conn.execute(
                select(users.c.plan, subscriptions.c.expires_at)
                .select_from(users.outerjoin(subscriptions,
                                             subscriptions.c.user_id == users.c.id))
                .where(users.c.id == user_id)
                .with_for_update(of=users.c.id))).one_or_none()
        return None if row is None else PlanState(row.plan, row.expires_at)

    async def put(self, user_id: int, state: PlanState) -> None:
        """Store the state (the caller holds the user's row lock); one round trip."""
        async with _storage_errors():
            await self.conn.execute(text(
                "WITH u AS (UPDATE users SET plan = :plan, updated_at = now() "
                "WHERE id = :user_id), "
                "s AS (UPDATE subscriptions SET plan = :plan, expires_at = :expires_at, "
                "updated_at = now() WHERE user_id = :user_id RETURNING user_id) "
                "INSERT INTO subscriptions (user_id, plan, expires_at) "
                "SELECT :user_id, :plan, :expires_at WHERE NOT EXISTS (SELECT 1 FROM s)"),
                {"user_id": user_id, "plan": state.plan, "expires_at": state.expires_at})


class SqlInvoices:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def open(self, invoice: Invoice) -> None:
        async with _storage_errors():
            await self.conn.execute(insert(invoices).values(
                provider=invoice.provider, invoice_ref=invoice.invoice_ref,
                user_id=invoice.user_id, plan=invoice.plan, amount=invoice.amount,
                currency=invoice.currency))

    async def get(self, provider: str, invoice_ref: str) -> Invoice | None:
        async with _storage_errors():
            row = (await self.conn.execute(select(invoices).where(
                invoices.c.provider == provider,
                invoices.c.invoice_ref == invoice_ref))).one_or_none()
        return None if row is None else Invoice(
            provider=row.provider, invoice_ref=row.invoice_ref, user_id=row.user_id,
            plan=row.plan, amount=row.amount, currency=row.currency)


class SqlWebhookInbox:
    """Verified provider notifications, recorded before they are processed."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record(self, provider: str, external_id: str, event_type: str,
                     body: dict[str, Any]) -> bool:
        """True when new; False for a repeated delivery (nothing written)."""
        stmt = (insert(processed_webhooks).values(
            provider=provider, external_id=external_id, event_type=event_type, body=body)
            .on_conflict_do_nothing(constraint="processed_webhooks_provider_ext")
            .returning(processed_webhooks.c.id))
        async with _storage_errors():
            return (await self.conn.execute(stmt)).scalar_one_or_none() is not None

    async def claim_pending(self, limit: int, now: datetime, only_id: int | None = None
                            ) -> list[PendingWebhook]:
        """Lock up to `limit` due notifications, fewest attempts first, then oldest,
        skipping those another replica holds."""
        w = processed_webhooks.c
        stmt = (select(w.id, w.provider, w.body, w.attempts)
                .where(w.status == "received",
                       or_(w.next_attempt_at.is_(None), w.next_attempt_at <= now))
                .order_by(w.attempts, w.next_attempt_at.asc().nulls_first(), w.id)
                .limit(limit)
                .with_for_update(skip_locked=True))
        if only_id is not None:
            stmt = stmt.where(w.id == only_id)
        async with _storage_errors():
            rows = (await self.conn.execute(stmt)).all()
        return [PendingWebhook(id=r.id, provider=r.provider, body=r.body, attempts=r.attempts)
                for r in rows]

    async def defer(self, webhook_id: int, error: str, until: datetime) -> None:
        async with _storage_errors():
            await self.conn.execute(
                update(processed_webhooks).where(processed_webhooks.c.id == webhook_id)
                .values(attempts=processed_webhooks.c.attempts + 1, next_attempt_at=until,
                        last_error=error[:2000]))

    async def finish(self, webhook_id: int, status: WebhookStatus, user_id: int | None,
                     note: str | None) -> None:
        values: dict[str, Any] = {"status": status, "user_id": user_id, "note": note,
                                  "processed_at": func.now()}
        if status == "dead":
            values.update(attempts=processed_webhooks.c.attempts + 1, last_error=note)
        async with _storage_errors():
            await self.conn.execute(
                update(processed_webhooks).where(processed_webhooks.c.id == webhook_id)
                .values(**values))

    async def forget_user(self, user_id: int) -> int:
        async with _storage_errors():
            return len((await self.conn.execute(
                delete(processed_webhooks).where(processed_webhooks.c.user_id == user_id)
                .returning(processed_webhooks.c.id))).all())

    async def listing(self, status: str, limit: int) -> list[WebhookView]:
        w = processed_webhooks.c
        async with _storage_errors():
            rows = (await self.conn.execute(
                select(w.id, w.provider, w.external_id, w.event_type, w.status, w.attempts,
                       w.user_id, w.note, w.last_error)
                .where(w.status == status).order_by(w.id.desc()).limit(limit))).all()
        return [WebhookView(*row) for row in rows]

    async def requeue(self, webhook_id: int) -> bool:
        w = processed_webhooks.c
        async with _storage_errors():
            return (await self.conn.execute(
                update(processed_webhooks).where(w.id == webhook_id, w.status == "dead")
                .values(status="received", attempts=0, next_attempt_at=None, note=None,
                        processed_at=None).returning(w.id))).scalar_one_or_none() is not None


class SqlAudit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def write(self, actor: str, action: str, user_id: int | None,
                    details: dict[str, Any]) -> None:
        async with _storage_errors():
            await self.conn.execute(insert(audit_log).values(
                actor=actor, action=action, user_id=user_id, details=details))

    async def forget_user(self, user_id: int) -> None:
        async with _storage_errors():
            await self.conn.execute(update(audit_log).where(audit_log.c.user_id == user_id)
                                    .values(user_id=None))


class SqlOutbox:
    """Outbox rows written inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.written = 0

    async def put(self, event: Event) -> None:
        # The relay publishes later, from another task: keep the writer's trace context so
        # the event stays in the trace of the turn that caused it.
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        async with _storage_errors():
            await self.conn.execute(insert(outbox).values(
                event_id=event.event_id, subject=event.subject, stream=event.stream,
                event_type=event.type, payload=event.model_dump(mode="json"),
                trace_context=carrier or None))
        self.written += 1

    async def forget_user(self, user_id: int) -> int:
        """Delete outbox rows about the user, published or not (GDPR erasure)."""
        async with _storage_errors():
            return len((await self.conn.execute(
                delete(outbox).where(outbox.c.payload["user_id"].astext == str(user_id))
                .returning(outbox.c.event_id))).all())


class SqlProcessedEvents:
    """`(consumer, event_id)` pairs; the primary key makes a concurrent duplicate wait for
    the first transaction and then see the pair, so only one of them has an effect."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        stmt = (insert(processed_events).values(consumer=consumer, event_id=event_id)
                .on_conflict_do_nothing().returning(processed_events.c.event_id))
        async with _storage_errors():
            return (await self.conn.execute(stmt)).scalar_one_or_none() is not None


class SqlUnitOfWork:
    """One Postgres transaction over every billing repository.

    `on_outbox_commit` is called after a commit that wrote outbox rows (wakes the relay).
    """

    users: SqlUserRepository
    outbox: SqlOutbox
    processed: SqlProcessedEvents
    ledger: SqlLedger
    plans: SqlPlanStates
    invoices: SqlInvoices
    webhooks: SqlWebhookInbox
    audit: SqlAudit

    def __init__(self, engine: AsyncEngine, on_outbox_commit: Callable[[], None]) -> None:
        self.engine = engine
        self.on_outbox_commit = on_outbox_commit
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        async with _storage_errors():
            conn = await self.engine.connect()
            try:
                await conn.begin()
            except BaseException:
                await conn.close()
                raise
        self._conn = conn
        self.users = SqlUserRepository(conn)
        self.outbox = SqlOutbox(conn)
        self.processed = SqlProcessedEvents(conn)
        self.ledger = SqlLedger(conn)
        self.plans = SqlPlanStates(conn)
        self.invoices = SqlInvoices(conn)
        self.webhooks = SqlWebhookInbox(conn)
        self.audit = SqlAudit(conn)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        # Closing a connection with an open transaction rolls it back.
        with contextlib.suppress(SQLAlchemyError, OSError):
            await conn.close()

    async def defer_durability(self) -> None:
        """Let this transaction's commit return before its WAL is flushed (only for work
        that is safely redone after a crash)."""
        assert self._conn is not None
        async with _storage_errors():
            await self._conn.execute(text("SET LOCAL synchronous_commit = off"))

    async def commit(self) -> None:
        assert self._conn is not None, "commit() outside `async with`"
        async with _storage_errors():
            await self._conn.commit()
        if self.outbox.written:
            self.on_outbox_commit()


class SqlOutboxStore:
    """The relay's side of the outbox table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def relay_batch(self, publish: Publish, limit: int) -> int:
        """Lock up to `limit` unpublished rows (oldest first), publish, mark them published.

        One replica relays at a time (transaction-scoped advisory lock) so events leave in
        `seq` order; `FOR UPDATE SKIP LOCKED` additionally keeps two relays off the same
        rows. A crash after publishing and before the commit re-publishes the same event
        ids: JetStream drops them inside its duplicate window (`Nats-Msg-Id` = event id) and
        consumers skip them by event id after it.
        """
        published: list[uuid.UUID] = []
        failure: Exception | None = None
        async with _storage_errors(), self.engine.begin() as conn:
            if not (await conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                       {"key": RELAY_LOCK_KEY})).scalar_one():
                return 0
            rows = (await conn.execute(
                select(outbox.c.event_id, outbox.c.payload, outbox.c.trace_context)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(limit)
                .with_for_update(skip_locked=True))).all()
            for row in rows:
                token = otel_context.attach(propagate.extract(row.trace_context or {}))
                try:
                    await publish(parse_event(json.dumps(row.payload).encode()))
                except Exception as exc:  # noqa: BLE001 (keep what went out, raise below)
                    failure = exc
                    break
                finally:
                    otel_context.detach(token)
                published.append(row.event_id)
            if published:
                await conn.execute(update(outbox)
                                   .where(outbox.c.event_id.in_(published))
                                   .values(published_at=func.now()))
        if failure is not None:
            raise failure
        return len(published)


class SqlDatabase:
    """The billing database as a `Managed` adapter: `start` migrates to the newest schema
    (when `migrate_on_start`), `check` runs `SELECT 1`, `close` disposes the pool.

    `migration_engine` (the login user, not the app role) runs migrations; it defaults to
    `engine` for callers that manage roles themselves.
    """

    def __init__(self, engine: AsyncEngine, migration_engine: AsyncEngine | None = None, *,
                 migrate_on_start: bool = True) -> None:
        self.engine = engine
        self.migration_engine = migration_engine or engine
        self.migrate_on_start = migrate_on_start

    async def start(self) -> None:
        if self.migrate_on_start:
            await self.migrate("head")
        else:
            log.info("schema migration on start disabled (BILLING_MIGRATE_ON_START=false)")

    async def check(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def require_schema(self) -> None:
        async with _storage_errors():
            at = await migrator.current(self.engine)
        head = migrator.head_revision()
        if at != (head,):
            raise BillingError(
                f"database schema is at {', '.join(at) or 'base'}, this code needs {head}: "
                "run `python -m nectar_billing migrate` first")

    async def migrate(self, revision: str = "head") -> None:
        # Errors are left as they are: a failed migration stops the service's startup and
        # the operator needs the real SQL error.
        before = await migrator.current(self.migration_engine)
        await migrator.upgrade(self.migration_engine, revision)
        after = await migrator.current(self.migration_engine)
        log.info("database schema migrated", extra={"from_revision": list(before),
                                                    "to_revision": list(after)})

    async def close(self) -> None:
        await self.engine.dispose()
        if self.migration_engine is not self.engine:
            await self.migration_engine.dispose()
