"""Postgres adapters (SQLAlchemy 2 async + asyncpg): unit of work, users, outbox, processed
events, the outbox relay's store, and the database lifecycle.

Driver errors never leave this module: integrity errors on users become `UserRejected`,
everything else `StoreUnavailable`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Self

from nectar_contracts import Event, parse_event
from opentelemetry import context as otel_context
from opentelemetry import propagate
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from nectar_billing.adapters import migrator
from nectar_billing.adapters.tables import outbox, processed_events, users
from nectar_billing.domain import NewUser, StoreUnavailable, UserRejected
from nectar_billing.ports import Publish
from nectar_billing.settings import BillingSettings

log = logging.getLogger("nectar.billing.postgres")

#: key of the advisory lock held by the replica relaying the outbox (keeps global order)
RELAY_LOCK_KEY = 0x6E656374_6F757462  # "nectoutb"


def create_engine(settings: BillingSettings) -> AsyncEngine:
    """The pooled async engine; nothing connects until first use."""
    return create_async_engine(
        settings.database_url.get_secret_value(),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_s,
        pool_pre_ping=True,
        connect_args={"timeout": settings.connect_timeout_s,
                      "server_settings": {"application_name": "nectar-billing"}},
    )


@contextlib.asynccontextmanager
async def _storage_errors() -> AsyncIterator[None]:
    """Translate driver and connection errors into `StoreUnavailable`."""
    try:
        yield
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

    async def get(self, user_id: int) -> NewUser | None:
        async with _storage_errors():
            row = (await self.conn.execute(
                select(users.c.id, users.c.auth_source, users.c.plan, users.c.language)
                .where(users.c.id == user_id))).one_or_none()
        if row is None:
            return None
        return NewUser(id=row.id, auth_source=row.auth_source, plan=row.plan,
                       language=row.language)


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
    """One Postgres transaction over users, outbox and processed events.

    `on_outbox_commit` is called after a commit that wrote outbox rows (wakes the relay).
    """

    users: SqlUserRepository
    outbox: SqlOutbox
    processed: SqlProcessedEvents

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
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        # Closing a connection with an open transaction rolls it back.
        with contextlib.suppress(SQLAlchemyError, OSError):
            await conn.close()

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
    """Lifecycle of the billing database: migrations, readiness, pool disposal."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def migrate(self, revision: str = "head") -> None:
        # Errors are left as they are: a failed migration stops the service's startup and
        # the operator needs the real SQL error.
        before = await migrator.current(self.engine)
        await migrator.upgrade(self.engine, revision)
        after = await migrator.current(self.engine)
        log.info("database schema migrated", extra={"from_revision": list(before),
                                                    "to_revision": list(after)})

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()
