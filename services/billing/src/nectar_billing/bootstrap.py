"""Composition root of the billing service: `build_deps(settings) -> Deps`.

Every adapter can be overridden by keyword (the fakes in `nectar_billing.adapters.fakes` for
unit tests, an existing engine for integration tests). Nothing connects here: the engine's
pool opens its first connection on first use, in the runtime's startup (`Deps.database`, a
`Managed` adapter). The plan catalog is read here (`NECTAR_PLANS_FILE`, else the one in
`nectar_contracts`), never by the domain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from nectar_contracts.plans import PlanCatalog, load_plan_catalog
from prometheus_client import REGISTRY, CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from nectar_billing.adapters.postgres import (
    SqlDatabase,
    SqlOutboxStore,
    SqlUnitOfWork,
    create_engine,
)
from nectar_billing.deps import Deps, Wakeup, WebhookRetry, WebhookSecrets, utcnow
from nectar_billing.metrics import BillingMetrics
from nectar_billing.ports import Database, OutboxStore, UnitOfWorkFactory
from nectar_billing.settings import BillingSettings


def build_deps(settings: BillingSettings, *, engine: AsyncEngine | None = None,
               uow: UnitOfWorkFactory | None = None, database: Database | None = None,
               outbox: OutboxStore | None = None, outbox_committed: Wakeup | None = None,
               catalog: PlanCatalog | None = None,
               clock: Callable[[], datetime] = utcnow,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Billing's dependencies. Without `uow`/`database`/`outbox`, the Postgres adapters on
    `engine` (default: a new pooled engine on `BILLING_DATABASE_URL`)."""
    wakeup = outbox_committed or Wakeup()
    if uow is None or database is None or outbox is None:
        engine = engine or create_engine(settings)
        bound = engine
        uow = uow or (lambda: SqlUnitOfWork(bound, on_outbox_commit=wakeup))
        database = database or SqlDatabase(engine, migrate_on_start=settings.migrate_on_start)
        outbox = outbox or SqlOutboxStore(engine)
    return Deps(
        uow=uow, database=database, outbox=outbox, outbox_committed=wakeup,
        catalog=catalog or load_plan_catalog(),
        secrets=WebhookSecrets(
            cryptobot_app_token=settings.cryptobot_app_token.get_secret_value(),
            paddle_secret=settings.paddle_webhook_secret.get_secret_value(),
            paddle_max_skew_s=settings.paddle_max_skew_s),
        webhook_retry=WebhookRetry(max_attempts=settings.webhook_max_attempts,
                                   base_s=settings.webhook_retry_base_s,
                                   max_s=settings.webhook_retry_max_s),
        metrics=BillingMetrics.for_registry(registry),
        clock=clock)


@asynccontextmanager
async def operator_deps(settings: BillingSettings, **overrides) -> AsyncIterator[Deps]:
    """`build_deps` for one operator action: refuses a database that is not at the newest
    schema, and closes the pool afterwards. Outbox rows it writes are relayed by the
    running service."""
    overrides.setdefault("registry", CollectorRegistry())
    deps = build_deps(settings, **overrides)
    try:
        await deps.database.require_schema()
        yield deps
    finally:
        await deps.database.close()
