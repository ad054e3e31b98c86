"""Migrations and constraints of the billing schema on a real Postgres."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from nectar_billing.adapters import migrator
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

#: the newest revision this code ships
HEAD = migrator.head_revision()

TABLES_0001 = {"users", "outbox", "processed_events"}
TABLES = TABLES_0001 | {"subscriptions", "payment_accounts", "payments", "invoices",
                        "processed_webhooks", "audit_log"}


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        return {r[0] for r in rows} - {"alembic_version"}


async def indexes(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
        return {r[0]: r[1] for r in rows}


async def test_upgrade_downgrade_upgrade(engine: AsyncEngine) -> None:
    assert await tables(engine) == set()
    assert await migrator.current(engine) == ()

    await migrator.upgrade(engine)
    assert await tables(engine) == TABLES
    assert await migrator.current(engine) == (HEAD,)
    idx = await indexes(engine)
    assert "(auth_source)" in idx["users_auth_source_idx"]
    assert "WHERE (published_at IS NULL)" in idx["outbox_unpublished_idx"]

    await migrator.downgrade(engine, "0001")
    assert await tables(engine) == TABLES_0001
    assert await migrator.current(engine) == ("0001",)

    await migrator.downgrade(engine, "base")
    assert await tables(engine) == set()
    assert await migrator.current(engine) == ()

    await migrator.upgrade(engine)
    assert await tables(engine) == TABLES
    assert await migrator.current(engine) == (HEAD,)


async def test_refund_outcomes_survive_a_downgrade_as_duplicates(
        migrated: AsyncEngine) -> None:
    async with migrated.begin() as conn:
        await conn.execute(text(
            "INSERT INTO processed_webhooks (provider, external_id, event_type, status) "
            "VALUES ('card', 'adj_1', 'adjustment.updated', 'refunded'), "
            "('card', 'adj_2', 'adjustment.updated', 'unknown_payment')"))

    await migrator.downgrade(migrated, "0002")
    async with migrated.connect() as conn:
        statuses = (await conn.execute(text(
            "SELECT status FROM processed_webhooks ORDER BY id"))).scalars().all()
    assert statuses == ["duplicate", "duplicate"]
    await migrator.upgrade(migrated)
    assert await migrator.current(migrated) == (HEAD,)


async def test_replicas_migrating_at_once_do_not_race(engine: AsyncEngine) -> None:
    await asyncio.gather(*(migrator.upgrade(engine) for _ in range(3)))

    assert await migrator.current(engine) == (HEAD,)
    assert await tables(engine) == TABLES


async def insert_user(engine: AsyncEngine, values: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"INSERT INTO users (id, auth_source, plan) VALUES {values}"))


@pytest.mark.parametrize(("values", "violation"), [
    ("(101, NULL, 'free')", "not-null"),
    ("(0, 'telegram', 'free')", "users_id_(positive|in_source_range)"),
    ("(-91111101, 'test', 'free')", "users_id_(positive|in_source_range)"),
    ("(102, 'google', 'free')", "users_auth_source_valid"),
    ("(103, 'telegram', 'gold')", "users_plan_valid"),
])
async def test_invalid_user_rows_are_refused(migrated: AsyncEngine, values: str,
                                             violation: str) -> None:
    with pytest.raises(IntegrityError, match=violation):
        await insert_user(migrated, values)

    async with migrated.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM users"))).scalar_one() == 0


async def test_user_defaults(migrated: AsyncEngine) -> None:
    async with migrated.begin() as conn:
        await conn.execute(text("INSERT INTO users (id, auth_source) VALUES (7, 'telegram')"))
        row = (await conn.execute(text(
            "SELECT plan, language, created_at, updated_at FROM users WHERE id = 7"))).one()

    assert row.plan == "free"
    assert row.language is None
    assert row.created_at is not None and row.created_at.tzinfo is not None
    assert row.updated_at is not None


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_")}
    return subprocess.run([sys.executable, "-m", "nectar_billing", "--database-url",
                           database_url, *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


async def test_operator_cli(engine: AsyncEngine, database_url: str) -> None:
    async def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(run_cli, database_url, *args)

    current = await cli("current")
    assert current.returncode == 0 and "base (not migrated)" in current.stdout

    migrate = await cli("migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert f"at revision: {HEAD}" in migrate.stdout
    assert await tables(engine) == TABLES

    dry = await cli("downgrade", "base")
    assert dry.returncode == 2
    assert "dry run" in dry.stdout and "0001" in dry.stdout and HEAD in dry.stdout
    assert await tables(engine) == TABLES  # nothing dropped without --yes

    down = await cli("downgrade", "base", "--yes")
    assert down.returncode == 0, down.stderr
    assert await tables(engine) == set()
