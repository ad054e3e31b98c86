"""Operator actions behind `nectar users ...` and `nectar billing ...`, run in-process.

Each action opens its own engine on `BILLING_DATABASE_URL` (or the URL given), runs one
handler from `nectar_billing.handlers` and closes the engine. Events the actions produce
(`billing.user_created`, `billing.user_deleted`, `billing.plan_changed`) are written to the
outbox in the action's transaction; the running service's relay publishes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr
from sqlalchemy import func, select, text

from nectar_billing import handlers
from nectar_billing.adapters import migrator
from nectar_billing.adapters.postgres import SqlUnitOfWork, create_engine
from nectar_billing.adapters.tables import payments, users
from nectar_billing.domain.plans import load_catalog
from nectar_billing.ports import Invoice
from nectar_billing.settings import BillingSettings


def settings_for(database_url: str | None = None) -> BillingSettings:
    settings = BillingSettings()
    if database_url:
        settings = settings.model_copy(update={"database_url": SecretStr(database_url)})
    return settings


@asynccontextmanager
async def billing_deps(database_url: str | None = None) -> AsyncIterator[handlers.Deps]:
    """Handler dependencies on a fresh engine; refuses a database not at the newest schema."""
    settings = settings_for(database_url)
    engine = create_engine(settings)
    try:
        at, head = await migrator.current(engine), migrator.head_revision()
        if at != (head,):
            raise handlers.BillingError(
                f"database schema is at {', '.join(at) or 'base'}, this code needs {head}: "
                "run `python -m nectar_billing migrate` first")
        yield handlers.Deps(uow=lambda: SqlUnitOfWork(engine, lambda: None),
                            catalog=load_catalog(settings.plans_file))
    finally:
        await engine.dispose()


async def create_test_users(count: int, actor: str, database_url: str | None = None
                            ) -> list[int]:
    async with billing_deps(database_url) as deps:
        return await handlers.create_test_users(count, actor, deps)


async def cleanup_test_users(apply: bool, expect: int | None, actor: str,
                             database_url: str | None = None) -> handlers.CleanupResult:
    async with billing_deps(database_url) as deps:
        return await handlers.cleanup_test_users(deps, apply=apply, expect=expect, actor=actor)


async def grant_plan(user_id: int, plan: str, days: int | None, actor: str, reason: str,
                     database_url: str | None = None):
    async with billing_deps(database_url) as deps:
        return await handlers.grant_plan(user_id, plan, days, actor, reason, deps)


async def revoke_plan(user_id: int, actor: str, reason: str, database_url: str | None = None):
    async with billing_deps(database_url) as deps:
        return await handlers.revoke_plan(user_id, actor, reason, deps)


async def rebuild_plans(apply: bool, actor: str, database_url: str | None = None
                        ) -> list[handlers.PlanDifference]:
    async with billing_deps(database_url) as deps:
        return await handlers.rebuild_plans(deps, apply=apply, actor=actor)


async def delete_user(user_id: int, reason: str, actor: str, database_url: str | None = None
                      ) -> handlers.Deletion:
    async with billing_deps(database_url) as deps:
        return await handlers.delete_user(user_id, reason, actor, deps)


async def open_invoice(invoice: Invoice, database_url: str | None = None) -> None:
    """Register an invoice opened with a provider (so its payment webhook can credit)."""
    async with billing_deps(database_url) as deps, deps.uow() as uow:
        await uow.invoices.open(invoice)
        await uow.commit()


async def user_counts(database_url: str | None = None) -> dict[str, int]:
    async with billing_deps(database_url) as deps, deps.uow() as uow:
        rows = (await uow.users.conn.execute(
            select(users.c.auth_source, func.count()).group_by(users.c.auth_source))).all()
    return {r[0]: r[1] for r in rows}


async def ledger_summary(engine) -> dict[str, object]:
    """Row counts of every billing table and ledger totals per currency (for rehearsals)."""
    async with engine.connect() as conn:
        tables = [r[0] for r in await conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))]
        counts = {t: (await conn.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one()
                  for t in tables}
        totals = {r[0]: str(r[1]) for r in await conn.execute(
            select(payments.c.currency, func.sum(payments.c.amount))
            .group_by(payments.c.currency).order_by(payments.c.currency))}
    return {"rows": counts, "ledger_totals": totals}
