"""`nectar billing rebuild` (plan state derived again from the ledger) and the expiry of
lapsed plans. GDPR erasure (`nectar users delete`) is in test_billing_erasure.py."""

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
from nectar_billing.settings import BillingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

NECTAR = str(Path(sys.executable).parent / "nectar")


def nectar(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_")}
    env["NECTAR_DATA_DIR"] = "/nonexistent/nectar-test-no-stack"  # no stack file: --database-url
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
