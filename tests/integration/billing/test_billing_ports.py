"""Contract tests of billing's ports (every repository of the unit of work, and the relay's
outbox store), run against the in-memory fakes and against Postgres (which keeps the fakes
honest), plus the Postgres-only concurrency guarantees."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from nectar_billing.adapters.fakes import FakeBillingStore, FakeOutboxStore, FakeUnitOfWork
from nectar_billing.adapters.postgres import SqlOutboxStore, SqlUnitOfWork
from nectar_billing.domain import OAUTH_IDS, TELEGRAM_IDS, TEST_IDS, NewUser, UserRejected
from nectar_billing.domain.errors import UserAlreadyExists
from nectar_billing.domain.ledger import LedgerEntry, PlanState
from nectar_billing.ports import Invoice, OutboxStore, UnitOfWork
from nectar_contracts import Event, UserCreated
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration


@dataclass
class Backend:
    uow: Callable[[], UnitOfWork]
    outbox: OutboxStore
    commits_signalled: list[int]


@pytest.fixture(params=["fake", "postgres"])
def backend(request: pytest.FixtureRequest) -> Backend:
    signalled: list[int] = []
    if request.param == "fake":
        store = FakeBillingStore()
        return Backend(lambda: FakeUnitOfWork(store, lambda: signalled.append(1)),
                       FakeOutboxStore(store), signalled)
    engine: AsyncEngine = request.getfixturevalue("migrated")
    return Backend(lambda: SqlUnitOfWork(engine, lambda: signalled.append(1)),
                   SqlOutboxStore(engine), signalled)


def uid() -> int:
    """A random Telegram-range id."""
    return random.randint(*TELEGRAM_IDS)


def oauth_uid() -> int:
    return random.randint(*OAUTH_IDS)


def created(user_id: int) -> UserCreated:
    return UserCreated.new(producer="billing", user_id=user_id, auth_source="telegram",
                           plan="free", language="en")


async def test_add_if_absent_creates_once_and_never_overwrites(backend: Backend) -> None:
    user_id = oauth_uid()
    async with backend.uow() as uow:
        assert await uow.users.add_if_absent(NewUser(user_id, "oauth", "vip", "es"))
        await uow.commit()

    async with backend.uow() as uow:
        assert not await uow.users.add_if_absent(NewUser(user_id, "oauth", "free", "en"))
        await uow.commit()

    async with backend.uow() as uow:
        assert await uow.users.get(user_id) == NewUser(user_id, "oauth", "vip", "es")


async def test_nothing_survives_without_commit(backend: Backend) -> None:
    user_id, event_id = uid(), uuid.uuid4()
    async with backend.uow() as uow:
        await uow.users.add_if_absent(NewUser(user_id, "telegram"))
        await uow.processed.claim("c", event_id)
        await uow.outbox.put(created(user_id))

    async with backend.uow() as uow:
        assert await uow.users.get(user_id) is None
        assert await uow.processed.claim("c", event_id)  # the claim was rolled back too
    assert await backend.outbox.relay_batch(_collect([]), 100) == 0
    assert backend.commits_signalled == []


async def test_claim_is_per_consumer_and_once(backend: Backend) -> None:
    event_id = uuid.uuid4()
    async with backend.uow() as uow:
        assert await uow.processed.claim("billing-a", event_id)
        assert await uow.processed.claim("billing-b", event_id)
        await uow.commit()
    async with backend.uow() as uow:
        assert not await uow.processed.claim("billing-a", event_id)


def _collect(into: list[Event]):
    async def publish(event: Event) -> None:
        into.append(event)
    return publish


async def test_outbox_relays_committed_events_in_order_once(backend: Backend) -> None:
    events = [created(uid()) for _ in range(5)]
    async with backend.uow() as uow:
        for event in events:
            await uow.outbox.put(event)
        await uow.commit()
    assert backend.commits_signalled == [1]

    sent: list[Event] = []
    assert await backend.outbox.relay_batch(_collect(sent), 3) == 3
    assert await backend.outbox.relay_batch(_collect(sent), 3) == 2
    assert await backend.outbox.relay_batch(_collect(sent), 3) == 0

    assert sent == events  # byte-for-byte the same events, in commit order


async def test_outbox_failure_marks_what_went_out(backend: Backend) -> None:
    events = [created(uid()) for _ in range(3)]
    async with backend.uow() as uow:
        for event in events:
            await uow.outbox.put(event)
        await uow.commit()
    sent: list[Event] = []

    async def flaky(event: Event) -> None:
        if event.event_id == events[1].event_id:
            raise ConnectionError("NATS down")
        sent.append(event)

    with pytest.raises(ConnectionError):
        await backend.outbox.relay_batch(flaky, 100)
    assert await backend.outbox.relay_batch(_collect(sent), 100) == 2
    assert sent == events


def entry(ext: str, plan: str | None = "basic", kind: str = "payment",
          at: datetime | None = None, refers_to: str | None = None) -> LedgerEntry:
    return LedgerEntry(kind=kind, provider="telegram_stars", external_id=ext,  # type: ignore[arg-type]
                       plan=plan, period_days=30 if plan else None, amount=Decimal(250),
                       currency="XTR", occurred_at=at or datetime.now(UTC),
                       refers_to=refers_to)


async def test_ledger_appends_once_per_provider_id_and_reads_in_order(
        backend: Backend) -> None:
    user_id, other = uid(), uid()
    first, second = f"c-{uuid.uuid4().hex}", f"c-{uuid.uuid4().hex}"
    async with backend.uow() as uow:
        for who in (user_id, other):
            await uow.users.add(NewUser(who, "telegram"))
        assert await uow.ledger.append(user_id, entry(first))
        assert await uow.ledger.append(user_id, entry(second, "vip"))
        assert not await uow.ledger.append(other, entry(first))  # same charge, anyone
        await uow.commit()

    async with backend.uow() as uow:
        assert [e.external_id for e in await uow.ledger.entries(user_id)] == [first, second]
        assert await uow.ledger.entries(other) == []
        assert await uow.ledger.owner_of("telegram_stars", second) == user_id
        assert await uow.ledger.owner_of("telegram_stars", "no-such-charge") is None
        assert user_id in await uow.ledger.users_with_entries()
        assert await uow.ledger.anonymise(user_id) == 2
        await uow.commit()

    async with backend.uow() as uow:
        assert await uow.ledger.entries(user_id) == []
        assert await uow.ledger.owner_of("telegram_stars", first) is None
        assert user_id not in await uow.ledger.users_with_entries()


async def test_plan_state_is_stored_locked_and_lapses(backend: Backend) -> None:
    user_id, ghost = uid(), uid()
    now = datetime.now(UTC)
    async with backend.uow() as uow:
        await uow.users.add(NewUser(user_id, "telegram"))
        assert await uow.plans.get(user_id) == PlanState.free()
        assert await uow.plans.lock(ghost) is None
        assert await uow.plans.lock(user_id) == PlanState.free()
        await uow.plans.put(user_id, PlanState("vip", now + timedelta(days=1)))
        await uow.commit()

    async with backend.uow() as uow:
        assert await uow.plans.get(user_id) == PlanState("vip", now + timedelta(days=1))
        assert (await uow.users.get(user_id)).plan == "vip"  # the users.plan mirror
        assert user_id in await uow.plans.non_free_users()
        assert user_id not in await uow.plans.lapsed(now, 100)
        assert user_id in await uow.plans.lapsed(now + timedelta(days=2), 100)


async def test_invoices_and_webhook_inbox(backend: Backend) -> None:
    user_id, ref, ext = uid(), f"inv-{uuid.uuid4().hex}", f"txn-{uuid.uuid4().hex}"
    async with backend.uow() as uow:
        await uow.users.add(NewUser(user_id, "telegram"))
        await uow.invoices.open(Invoice("card", ref, user_id, "vip", Decimal("19.99"), "USD"))
        assert await uow.webhooks.record("card", ext, "transaction.completed", {"n": 1})
        assert not await uow.webhooks.record("card", ext, "transaction.completed", {"n": 2})
        await uow.commit()

    async with backend.uow() as uow:
        invoice = await uow.invoices.get("card", ref)
        assert invoice == Invoice("card", ref, user_id, "vip", Decimal("19.99"), "USD")
        assert await uow.invoices.get("cryptobot", ref) is None
        [pending] = await uow.webhooks.claim_pending(10, datetime.now(UTC))
        assert (pending.provider, pending.body, pending.attempts) == ("card", {"n": 1}, 0)
        assert await uow.webhooks.claim_pending(10, datetime.now(UTC),
                                                only_id=pending.id + 1000) == []
        await uow.webhooks.finish(pending.id, "credited", user_id, None)
        await uow.commit()

    async with backend.uow() as uow:
        assert await uow.webhooks.claim_pending(10, datetime.now(UTC)) == []
        assert await uow.webhooks.forget_user(user_id) == 1
        assert await uow.users.delete(user_id)
        await uow.commit()

    async with backend.uow() as uow:
        assert await uow.invoices.get("card", ref) is None  # went with the user


async def test_failed_webhooks_are_deferred_and_never_hold_back_fresh_ones(
        backend: Backend) -> None:
    now = datetime.now(UTC)
    async with backend.uow() as uow:
        for ext in ("old-1", "old-2", "fresh"):
            await uow.webhooks.record("cryptobot", f"{ext}-{uuid.uuid4().hex}",
                                      "invoice_paid", {"ext": ext})
        await uow.commit()
    async with backend.uow() as uow:
        old_1, old_2, _fresh = await uow.webhooks.claim_pending(10, now)
        await uow.webhooks.defer(old_1.id, "boom", now + timedelta(seconds=30))
        await uow.webhooks.defer(old_2.id, "boom", now - timedelta(seconds=1))  # due again
        await uow.commit()

    async with backend.uow() as uow:
        due = await uow.webhooks.claim_pending(10, now)
        assert [w.body["ext"] for w in due] == ["fresh", "old-2"]  # fewest attempts first
        assert [w.attempts for w in due] == [0, 1]
        await uow.webhooks.finish(old_2.id, "dead", None, "gave up")
        await uow.commit()

    async with backend.uow() as uow:
        later = await uow.webhooks.claim_pending(10, now + timedelta(seconds=31))
        assert [w.body["ext"] for w in later] == ["fresh", "old-1"]  # dead is never due
        assert later[1].attempts == 1
        [dead] = await uow.webhooks.listing("dead", 10)
        assert (dead.id, dead.status, dead.attempts, dead.last_error) == (
            old_2.id, "dead", 2, "gave up")
        assert await uow.webhooks.requeue(old_2.id)
        assert not await uow.webhooks.requeue(old_1.id)  # not dead: nothing to requeue
        await uow.commit()

    async with backend.uow() as uow:
        again = await uow.webhooks.claim_pending(10, now)
        # requeued: no attempts, due at once, in its original (older) place
        assert [(w.body["ext"], w.attempts) for w in again][:2] == [("old-2", 0),
                                                                    ("fresh", 0)]


async def test_users_by_source_allocation_and_test_cleanup(backend: Backend) -> None:
    real = uid()
    async with backend.uow() as uow:
        await uow.users.add(NewUser(real, "telegram"))
        tests = [await uow.users.allocate("test", "en") for _ in range(3)]
        await uow.commit()
    assert len(set(tests)) == 3 and all(TEST_IDS[0] <= t <= TEST_IDS[1] for t in tests)

    async with backend.uow() as uow:
        with pytest.raises(UserAlreadyExists):
            await uow.users.add(NewUser(real, "telegram"))
        counts = await uow.users.counts_by_source()
        assert counts["test"] == await uow.users.count("test") == 3
        assert sorted(await uow.users.delete_test_users()) == sorted(tests)
        await uow.commit()

    async with backend.uow() as uow:
        assert (await uow.users.counts_by_source()).get("test") is None
        assert await uow.users.get(real) is not None


async def test_audit_rows_forget_the_user(backend: Backend) -> None:
    user_id = uid()
    async with backend.uow() as uow:
        await uow.audit.write("ops", "grant_plan", user_id, {"reason": "x"})
        await uow.audit.forget_user(user_id)
        await uow.outbox.put(created(user_id))
        await uow.commit()
    await backend.outbox.relay_batch(_collect([]), 100)
    async with backend.uow() as uow:
        await uow.outbox.put(created(user_id))  # not published yet: goes too
        await uow.outbox.put(created(uid()))  # another user's: stays
        assert await uow.outbox.forget_user(user_id) == 2
        await uow.commit()
    sent: list[Event] = []
    assert await backend.outbox.relay_batch(_collect(sent), 100) == 1
    assert sent[0].user_id != user_id


# --- Postgres only -------------------------------------------------------------------------

async def test_rejected_user_raises_domain_error(migrated: AsyncEngine) -> None:
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        # bypass the domain's own checks to reach the database constraint
        bad = object.__new__(NewUser)
        object.__setattr__(bad, "id", -5)
        for name, value in (("auth_source", "telegram"), ("plan", "free"), ("language", None)):
            object.__setattr__(bad, name, value)
        with pytest.raises(UserRejected, match="users_id_(positive|in_source_range)"):
            await uow.users.add_if_absent(bad)


async def test_concurrent_claims_of_one_event_let_exactly_one_through(
        migrated: AsyncEngine) -> None:
    event_id = uuid.uuid4()
    entered = asyncio.Barrier(2)

    async def claim() -> bool:
        async with SqlUnitOfWork(migrated, lambda: None) as uow:
            await entered.wait()
            won = await uow.processed.claim("billing-x", event_id)
            await asyncio.sleep(0.1)  # hold the transaction open: the other one must wait
            await uow.commit()
            return won

    results = await asyncio.gather(claim(), claim())

    assert sorted(results) == [False, True]


async def test_two_relays_publish_each_event_once(migrated: AsyncEngine) -> None:
    events = [created(uid()) for _ in range(30)]
    async with SqlUnitOfWork(migrated, lambda: None) as uow:
        for event in events:
            await uow.outbox.put(event)
        await uow.commit()
    sent: list[Event] = []

    async def slow(event: Event) -> None:
        await asyncio.sleep(0.001)
        sent.append(event)

    async def drain(store: SqlOutboxStore) -> None:
        for _ in range(200):
            await store.relay_batch(slow, 7)
            async with migrated.connect() as conn:
                if not (await conn.execute(text(
                        "SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar_one():
                    return
            await asyncio.sleep(0.01)

    await asyncio.gather(drain(SqlOutboxStore(migrated)), drain(SqlOutboxStore(migrated)))

    assert sent == events  # once each, in order
