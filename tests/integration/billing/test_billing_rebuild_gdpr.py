"""`nectar billing rebuild` (plan state derived again from the ledger) and GDPR deletion
(`nectar users delete`): rows removed, ledger rows kept but anonymised, user_deleted out."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.bootstrap import build_deps
from nectar_billing.domain import TELEGRAM_IDS, NewUser
from nectar_billing.domain.ledger import LedgerEntry
from nectar_billing.handlers import apply_ledger, expire_plans
from nectar_billing.operations import grant_plan
from nectar_billing.ports import Invoice
from nectar_billing.settings import BillingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

NECTAR = str(Path(sys.executable).parent / "nectar")


def nectar(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_")}
    return subprocess.run([NECTAR, *args, "--database-url", database_url],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


async def q(engine: AsyncEngine, statement: str, **params):
    async with engine.begin() as conn:
        result = await conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


async def user_with_unapplied_payment(engine: AsyncEngine, plan: str, days_ago: int) -> int:
    """A user whose ledger holds a payment the stored plan state does not reflect."""
    user_id = random.randint(*TELEGRAM_IDS)
    async with SqlUnitOfWork(engine, lambda: None) as uow:
        await uow.users.add(NewUser(user_id, "telegram"))
        await uow.ledger.append(user_id, LedgerEntry(
            "payment", "telegram_stars", f"c-{uuid.uuid4().hex}", plan, 30, Decimal(1000),
            "XTR", datetime.now(UTC) - timedelta(days=days_ago)))
        await uow.commit()
    return user_id


async def test_rebuild_reports_differences_and_fixes_them_with_apply(
        migrated: AsyncEngine, database_url: str) -> None:
    paid = await user_with_unapplied_payment(migrated, "vip", days_ago=1)
    lapsed = await user_with_unapplied_payment(migrated, "basic", days_ago=40)
    tampered = random.randint(*TELEGRAM_IDS)
    await q(migrated, "INSERT INTO users (id, auth_source, plan) VALUES (:id, 'telegram', "
            "'elite')", id=tampered)  # a plan with nothing in the ledger behind it

    report = await asyncio.to_thread(nectar, database_url, "billing", "rebuild")
    assert report.returncode == 1, report.stderr
    diffs = {d["user_id"]: d for d in map(json.loads, report.stdout.splitlines())}
    assert set(diffs) == {paid, tampered}  # the lapsed payment derives free = stored free
    assert diffs[paid]["stored"].startswith("free") and diffs[paid]["derived"].startswith("vip")
    assert diffs[tampered]["derived"].startswith("free")
    assert [r[0] for r in await q(migrated, "SELECT plan FROM users WHERE id = :id",
                                  id=paid)] == ["free"]  # a report changes nothing

    fixed = await asyncio.to_thread(nectar, database_url, "billing", "rebuild", "--apply")
    assert fixed.returncode == 0, fixed.stderr
    plans = dict(await q(migrated, "SELECT id, plan FROM users"))
    assert (plans[paid], plans[lapsed], plans[tampered]) == ("vip", "free", "free")
    changes = await q(migrated, "SELECT payload->>'user_id', payload->>'plan' FROM outbox "
                      "WHERE event_type = 'billing.plan_changed'")
    assert sorted(changes) == sorted([(str(paid), "vip"), (str(tampered), "free")])

    clean = await asyncio.to_thread(nectar, database_url, "billing", "rebuild")
    assert clean.returncode == 0 and clean.stdout == ""


async def test_gdpr_delete_removes_rows_keeps_anonymised_ledger_and_emits_user_deleted(
        migrated: AsyncEngine, database_url: str) -> None:
    deps = build_deps(BillingSettings(), engine=migrated)
    user_id = await user_with_unapplied_payment(migrated, "premium", days_ago=2)
    other = await user_with_unapplied_payment(migrated, "basic", days_ago=2)
    await grant_plan(user_id, "vip", 5, "ops", "goodwill", deps)
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        await uow.invoices.open(Invoice("cryptobot", "9", user_id, "vip", Decimal(1), "USDT"))
        await uow.webhooks.record("cryptobot", "9", "invoice_paid", {"x": 1})
        await uow.commit()
    await q(migrated, "UPDATE processed_webhooks SET user_id = :id", id=user_id)
    await q(migrated, "UPDATE outbox SET published_at = now()")
    ledger_before = await q(migrated, "SELECT seq, amount FROM payments ORDER BY seq")

    dry = await asyncio.to_thread(nectar, database_url, "users", "delete", str(user_id),
                                  "--reason", "user request")
    assert dry.returncode == 0 and "dry run" in dry.stdout
    assert await q(migrated, "SELECT id FROM users WHERE id = :id", id=user_id)

    done = await asyncio.to_thread(nectar, database_url, "users", "delete", str(user_id),
                                   "--reason", "user request", "--yes")
    assert done.returncode == 0, done.stderr
    assert "2 ledger rows anonymised" in done.stdout

    for table, column in (("users", "id"), ("subscriptions", "user_id"),
                          ("invoices", "user_id"), ("processed_webhooks", "user_id"),
                          ("payment_accounts", "user_id"), ("audit_log", "user_id")):
        assert await q(migrated, f"SELECT 1 FROM {table} WHERE {column} = :id",
                       id=user_id) == [], table
    assert await q(migrated, "SELECT seq, amount FROM payments ORDER BY seq") == ledger_before
    [[anonymous]] = await q(migrated, "SELECT count(*) FROM payment_accounts "
                            "WHERE user_id IS NULL AND anonymised_at IS NOT NULL")
    assert anonymous == 1
    events = await q(migrated, "SELECT event_type, payload->>'reason' FROM outbox "
                     "WHERE payload->>'user_id' = :id", id=str(user_id))
    assert events == [("billing.user_deleted", "user request")]  # published history purged
    assert await q(migrated, "SELECT id FROM users WHERE id = :id", id=other)  # untouched

    again = await asyncio.to_thread(nectar, database_url, "users", "delete", str(user_id),
                                    "--reason", "x", "--yes")
    assert again.returncode == 2 and f"no user {user_id}" in again.stderr


async def test_lapsed_plans_expire_to_free_with_plan_changed(migrated: AsyncEngine) -> None:
    now = datetime.now(UTC)
    deps = build_deps(BillingSettings(), engine=migrated, clock=lambda: now)
    later = replace(deps, clock=lambda: now + timedelta(days=31))
    user_id = await user_with_unapplied_payment(migrated, "premium", days_ago=0)
    renewed = await user_with_unapplied_payment(migrated, "basic", days_ago=0)
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        await uow.ledger.append(renewed, LedgerEntry(
            "payment", "cryptobot", "renewal-1", "basic", 30, Decimal("4.99"), "USDT", now))
        await uow.commit()
    for uid in (user_id, renewed):
        async with SqlUnitOfWork(migrated, lambda: None) as uow:
            await apply_ledger(uow, uid, deps)
            await uow.commit()

    assert await expire_plans(deps) == 0  # nothing has lapsed yet
    assert await expire_plans(later) == 1  # the renewed plan runs 60 days

    plans = dict(await q(migrated, "SELECT id, plan FROM users"))
    assert (plans[user_id], plans[renewed]) == ("free", "basic")
    changes = await q(migrated, "SELECT payload->>'plan', payload->>'previous_plan' FROM "
                      "outbox WHERE payload->>'user_id' = :id ORDER BY seq", id=str(user_id))
    assert changes == [("premium", "free"), ("free", "premium")]
