"""The RCA "We Deleted 10 Real Users with a Test-Cleanup Script", replayed against the real
schema: each of its three failure modes is shown to be impossible here.

1. A hand-inserted test id shifted the OAuth sequence (`setval(GREATEST(-MIN(id), ...))`).
2. Test seeding upserted (`ON CONFLICT (id) DO UPDATE`) over a real user.
3. Cleanup deleted by id range and took real users with it.
Plus: the payments ledger cannot be updated or deleted, and the operator CLI's guard rails.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from nectar_billing.adapters.postgres import SqlUnitOfWork
from nectar_billing.bootstrap import build_deps
from nectar_billing.deps import Deps
from nectar_billing.domain import OAUTH_IDS, TELEGRAM_IDS, TEST_IDS, NewUser
from nectar_billing.domain.errors import UserAlreadyExists
from nectar_billing.domain.ledger import LedgerEntry
from nectar_billing.operations import CountMismatch, cleanup_test_users, create_test_users
from nectar_billing.settings import BillingSettings
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

NECTAR = str(Path(sys.executable).parent / "nectar")


def deps(engine: AsyncEngine) -> Deps:
    return build_deps(BillingSettings(), engine=engine)


async def allocate(engine: AsyncEngine, source: str) -> int:
    async with SqlUnitOfWork(engine, lambda: None) as uow:
        user_id = await uow.users.allocate(source, "en")
        await uow.commit()
    return user_id


async def sql(engine: AsyncEngine, statement: str, **params):
    async with engine.begin() as conn:
        result = await conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


async def rows(engine: AsyncEngine) -> dict[int, tuple]:
    async with engine.connect() as conn:
        return {r.id: (r.auth_source, r.plan, r.language) for r in await conn.execute(
            text("SELECT id, auth_source, plan, language FROM users"))}


# --- failure mode 1 --------------------------------------------------------------------

async def test_hand_inserted_test_ids_cannot_shift_oauth_allocation(
        migrated: AsyncEngine) -> None:
    first = await allocate(migrated, "oauth")
    assert OAUTH_IDS[0] <= first <= OAUTH_IDS[1]

    # The RCA's hand-inserted QA ids: negative ids are refused outright ...
    with pytest.raises(IntegrityError, match="users_id_"):
        await sql(migrated, "INSERT INTO users (id, auth_source) VALUES (-91111101, 'test')")
    # ... and a test row cannot sit where the next OAuth ids will come from.
    with pytest.raises(IntegrityError, match="users_id_in_source_range"):
        await sql(migrated, "INSERT INTO users (id, auth_source) VALUES (:id, 'test')",
                  id=first + 1)
    # A test row in its own range is fine, and the OAuth sequence does not notice it.
    await sql(migrated, "INSERT INTO users (id, auth_source) VALUES (:id, 'test')",
              id=TEST_IDS[0] + 5)
    # The self-healing step of the RCA cannot even run: the service's role cannot setval.
    with pytest.raises(DBAPIError, match="permission denied"):
        await sql(migrated, "SELECT setval('users_oauth_id_seq', "
                  "GREATEST((SELECT max(id) FROM users), 0))")

    second = await allocate(migrated, "oauth")
    assert second == first + 1
    test_user = await allocate(migrated, "test")
    assert TEST_IDS[0] <= test_user <= TEST_IDS[1]


# --- failure mode 2 --------------------------------------------------------------------

async def test_colliding_test_user_insert_fails_loudly_and_overwrites_nothing(
        migrated: AsyncEngine) -> None:
    # Someone hand-inserts the id the test sequence will hand out next.
    await sql(migrated, "INSERT INTO users (id, auth_source, plan, language) "
              "VALUES (:id, 'test', 'vip', 'es')", id=TEST_IDS[0])
    before = await rows(migrated)

    with pytest.raises(UserAlreadyExists, match="already exists"):
        await create_test_users(3, "qa", deps(migrated))

    assert await rows(migrated) == before  # nothing overwritten, nothing half-created

    # A plain INSERT over a real user fails the same way (no upsert anywhere).
    real = await allocate(migrated, "oauth")
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        with pytest.raises(UserAlreadyExists):
            await uow.users.add(NewUser(real, "oauth", "elite", "de"))
    assert (await rows(migrated))[real] == ("oauth", "free", "en")


# --- failure mode 3 --------------------------------------------------------------------

async def test_cleanup_never_touches_non_test_users_even_when_ids_interleave(
        migrated: AsyncEngine) -> None:
    # Simulate a legacy table where ids of every source interleave: drop the range CHECK
    # in this scratch database, then put test users between real users.
    await sql(migrated, "ALTER TABLE users DROP CONSTRAINT users_id_in_source_range")
    base = random.randint(10**6, 10**9)
    for offset in range(12):
        source = "test" if offset % 2 else ("telegram", "oauth")[offset % 4 // 2]
        await sql(migrated, "INSERT INTO users (id, auth_source) VALUES (:id, :src)",
                  id=base + offset, src=source)
    real_before = {k: v for k, v in (await rows(migrated)).items() if v[0] != "test"}
    assert len(real_before) == 6

    dry = await cleanup_test_users(deps(migrated), apply=False, expect=None, actor="qa")
    assert (dry.count, dry.deleted) == (6, [])
    with pytest.raises(CountMismatch):
        await cleanup_test_users(deps(migrated), apply=True, expect=5, actor="qa")
    assert len(await rows(migrated)) == 12  # a wrong --expect deletes nothing

    done = await cleanup_test_users(deps(migrated), apply=True, expect=6, actor="qa")

    assert sorted(done.deleted) == [base + o for o in range(1, 12, 2)]
    assert await rows(migrated) == real_before
    [[deleted_events]] = await sql(migrated, "SELECT count(*) FROM outbox "
                                   "WHERE event_type = 'billing.user_deleted'")
    assert deleted_events == 6
    [[audit]] = await sql(migrated, "SELECT count(*) FROM audit_log "
                          "WHERE action = 'cleanup_test_users'")
    assert audit == 1


# --- the ledger ------------------------------------------------------------------------

async def test_payments_ledger_refuses_update_delete_and_truncate(
        migrated: AsyncEngine) -> None:
    user = random.randint(*TELEGRAM_IDS)
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        await uow.users.add(NewUser(user, "telegram"))
        from datetime import UTC, datetime
        from decimal import Decimal
        assert await uow.ledger.append(user, LedgerEntry(
            "payment", "telegram_stars", "charge-1", "basic", 30, Decimal(250), "XTR",
            datetime.now(UTC)))
        await uow.commit()

    for statement in ("UPDATE payments SET amount = 0", "DELETE FROM payments",
                      "TRUNCATE payments CASCADE"):
        with pytest.raises(DBAPIError, match="permission denied"):
            await sql(migrated, statement)
    # Even if the owner grants itself the privileges back, the triggers refuse.
    await sql(migrated, "GRANT UPDATE, DELETE ON payments TO CURRENT_USER")
    for statement in ("UPDATE payments SET amount = 0", "DELETE FROM payments"):
        with pytest.raises(DBAPIError, match="append-only"):
            await sql(migrated, statement)
    [[amount]] = await sql(migrated, "SELECT amount FROM payments")
    assert amount == 250


# --- the operator CLI ------------------------------------------------------------------

def nectar(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLING_")}
    env["NECTAR_DATA_DIR"] = "/nonexistent/nectar-test-no-stack"  # no stack file: --database-url
    return subprocess.run([NECTAR, *args, "--database-url", database_url],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


async def test_cli_test_user_lifecycle_is_dry_run_first_and_count_checked(
        migrated: AsyncEngine, database_url: str) -> None:
    async def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(nectar, database_url, *args)

    real = await allocate(migrated, "oauth")
    made = await cli("users", "create-test-users", "--count", "3", "--actor", "qa")
    assert made.returncode == 0, made.stderr
    ids = [int(line) for line in made.stdout.split()]
    assert len(ids) == 3 and all(TEST_IDS[0] <= i <= TEST_IDS[1] for i in ids)

    counts = await cli("users", "counts")
    assert json.loads(counts.stdout) == {"oauth": 1, "test": 3}

    dry = await cli("users", "cleanup-test-users")
    assert dry.returncode == 0 and "would delete 3 test users" in dry.stdout
    no_expect = await cli("users", "cleanup-test-users", "--apply")
    assert no_expect.returncode == 2 and "--expect" in no_expect.stderr
    wrong = await cli("users", "cleanup-test-users", "--apply", "--expect", "30")
    assert wrong.returncode == 2 and "nothing deleted" in wrong.stderr
    assert len(await rows(migrated)) == 4

    done = await cli("users", "cleanup-test-users", "--apply", "--expect", "3")
    assert done.returncode == 0 and "deleted 3 test users" in done.stdout
    assert list(await rows(migrated)) == [real]


async def test_cli_grant_and_revoke_write_ledger_audit_and_plan_changed(
        migrated: AsyncEngine, database_url: str) -> None:
    user = await allocate(migrated, "oauth")

    granted = await asyncio.to_thread(nectar, database_url, "billing", "grant", str(user),
                                      "vip", "--days", "7", "--reason", "support ticket 12",
                                      "--actor", "alice")
    assert granted.returncode == 0, granted.stderr
    assert (await rows(migrated))[user][1] == "vip"
    revoked = await asyncio.to_thread(nectar, database_url, "billing", "revoke", str(user),
                                      "--reason", "ticket closed", "--actor", "alice")
    assert revoked.returncode == 0, revoked.stderr
    assert (await rows(migrated))[user][1] == "free"

    audit = await sql(migrated, "SELECT actor, action, user_id, details->>'reason' "
                      "FROM audit_log ORDER BY id")
    assert [tuple(a) for a in audit] == [("alice", "grant_plan", user, "support ticket 12"),
                                         ("alice", "revoke_plan", user, "ticket closed")]
    kinds = await sql(migrated, "SELECT kind, plan, period_days FROM payments ORDER BY seq")
    assert [tuple(k) for k in kinds] == [("grant", "vip", 7), ("revoke", None, None)]
    changes = await sql(migrated, "SELECT payload->>'plan', payload->>'previous_plan' "
                        "FROM outbox WHERE event_type = 'billing.plan_changed' ORDER BY seq")
    assert [tuple(c) for c in changes] == [("vip", "free"), ("free", "vip")]

    unknown = await asyncio.to_thread(nectar, database_url, "billing", "grant", "12345",
                                      "vip", "--reason", "x")
    assert unknown.returncode == 2 and "no user 12345" in unknown.stderr
