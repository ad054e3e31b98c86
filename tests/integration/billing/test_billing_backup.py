"""Backup/restore rehearsal: dump a billing database with data, restore it into a scratch
database, and check that every table's row count and the ledger totals match, and that the
restored ledger is still append-only. Runs `nectar db backup` / `nectar db restore`."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from billing_db import drop_database
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.backup import ledger_summary
from nectar_billing.bootstrap import build_deps
from nectar_billing.domain import TELEGRAM_IDS, NewUser
from nectar_billing.domain.ledger import LedgerEntry
from nectar_billing.operations import create_test_users, grant_plan
from nectar_billing.settings import BillingSettings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# five `nectar` processes (each imports SQLAlchemy) plus pg_dump/pg_restore: on a loaded
# shared machine this takes longer than the suite's default 120 s
pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

NECTAR = str(Path(sys.executable).parent / "nectar")


def nectar(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_")}
    env["NECTAR_DATA_DIR"] = "/nonexistent/nectar-test-no-stack"  # no stack file: --database-url
    return subprocess.run([NECTAR, "db", *args, "--database-url", database_url],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
async def scratch_name(infra) -> AsyncIterator[str]:
    name = f"restore_{uuid.uuid4().hex}"
    yield name
    await drop_database(infra.postgres_url, name)


async def fill(engine: AsyncEngine) -> None:
    deps = build_deps(BillingSettings(), engine=engine)
    now = datetime.now(UTC)
    for i in range(20):
        user_id = random.randint(*TELEGRAM_IDS)
        async with SqlUnitOfWork(engine, lambda: None) as uow:
            await uow.users.add(NewUser(user_id, "telegram", language="en"))
            await uow.ledger.append(user_id, LedgerEntry(
                "payment", "telegram_stars", f"charge-{uuid.uuid4().hex}", "basic", 30,
                Decimal(250 + i), "XTR", now - timedelta(days=i)))
            if i % 3 == 0:
                await uow.ledger.append(user_id, LedgerEntry(
                    "payment", "cryptobot", str(random.randint(1, 10**9)), "premium", 30,
                    Decimal("9.99"), "USDT", now))
            await uow.commit()
        if i % 5 == 0:
            await grant_plan(user_id, "elite", 3, "ops", "rehearsal", deps)
    await create_test_users(4, "qa", deps)


async def test_backup_restore_rehearsal(migrated: AsyncEngine, database_url: str,
                                        scratch_name: str, tmp_path: Path) -> None:
    await fill(migrated)
    before = await ledger_summary(migrated)
    assert before["rows"]["payments"] == 20 + 7 + 4  # stars + crypto + grants
    dump = tmp_path / "billing.dump"

    backed_up = await asyncio.to_thread(nectar, database_url, "backup", "--out", str(dump))
    assert backed_up.returncode == 0, backed_up.stderr
    assert dump.stat().st_size > 0
    again = await asyncio.to_thread(nectar, database_url, "backup", "--out", str(dump))
    assert again.returncode == 2 and "not overwriting" in again.stderr

    restored = await asyncio.to_thread(nectar, database_url, "restore", str(dump),
                                       "--into", scratch_name)
    assert restored.returncode == 0, restored.stderr
    # a restore never lands on an existing database, the live one included
    twice = await asyncio.to_thread(nectar, database_url, "restore", str(dump),
                                    "--into", scratch_name)
    assert twice.returncode == 2 and "already exists" in twice.stderr
    live = make_url(database_url).database
    assert (await asyncio.to_thread(nectar, database_url, "restore", str(dump), "--into",
                                    live)).returncode == 2

    copy = create_async_engine(make_url(database_url).set(database=scratch_name))
    try:
        after = await ledger_summary(copy)
        assert after == before
        assert Decimal(after["ledger_totals"]["XTR"]) == sum(Decimal(250 + i)
                                                             for i in range(20))
        with pytest.raises(DBAPIError, match="permission denied|append-only"):
            async with copy.begin() as conn:
                await conn.execute(text("DELETE FROM payments"))
    finally:
        await copy.dispose()
