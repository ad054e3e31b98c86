"""ensure_user against the in-memory fakes of billing's ports."""

from __future__ import annotations

import random

import pytest
from billing_fakes import fake_deps
from nectar_billing.adapters.fakes import FakeBillingStore, FakeUnitOfWork
from nectar_billing.deps import Deps
from nectar_billing.domain import NewUser, StoreUnavailable
from nectar_billing.handlers import ENSURE_USER_CONSUMER, ensure_user
from nectar_contracts import TurnReceived, UserCreated, derived_uuid7
from nectar_runtime import Poison


def turn(user_id: int, language: str = "en") -> TurnReceived:
    return TurnReceived.new(producer="telegram_edge", user_id=user_id, chat_id=user_id,
                            character="luna", session="1", text="hello", language=language,
                            plan="premium")


def a_user_id() -> int:
    return random.randint(1, 2**40)


@pytest.fixture
def store() -> FakeBillingStore:
    return FakeBillingStore()


@pytest.fixture
def deps(store: FakeBillingStore) -> Deps:
    return fake_deps(store)


async def test_first_turn_creates_free_telegram_user_and_one_user_created(
        store: FakeBillingStore, deps: Deps) -> None:
    uid = a_user_id()
    event = turn(uid, language="de")

    returned = await ensure_user(event, deps)

    assert returned == []  # billing's events leave only through the outbox
    assert store.users[uid] == NewUser(id=uid, auth_source="telegram", plan="free",
                                       language="de")
    [created] = store.unpublished()
    assert isinstance(created, UserCreated)
    assert (created.user_id, created.auth_source, created.plan, created.language) == (
        uid, "telegram", "free", "de")
    assert created.producer == "billing"
    assert created.causation_id == event.event_id
    assert created.correlation_id == event.correlation_id
    assert created.event_id == derived_uuid7(event.event_id, "billing", 0)
    assert (ENSURE_USER_CONSUMER, event.event_id) in store.processed


async def test_second_turn_of_same_user_creates_nothing(store: FakeBillingStore,
                                                        deps: Deps) -> None:
    uid = a_user_id()
    first, second = turn(uid, "en"), turn(uid, "fr")

    await ensure_user(first, deps)
    await ensure_user(second, deps)

    assert store.users[uid].language == "en"  # the existing row is never overwritten
    assert len(store.outbox) == 1
    assert {(ENSURE_USER_CONSUMER, first.event_id),
            (ENSURE_USER_CONSUMER, second.event_id)} <= store.processed


async def test_duplicate_event_id_has_no_effect(store: FakeBillingStore, deps: Deps) -> None:
    uid = a_user_id()
    event = turn(uid)
    await ensure_user(event, deps)
    del store.users[uid]  # even if the user vanished meanwhile, a replayed id is a no-op

    await ensure_user(event, deps)

    assert uid not in store.users
    assert len(store.outbox) == 1
    assert store.commits == 1


async def test_existing_user_keeps_plan_and_auth_source(store: FakeBillingStore,
                                                        deps: Deps) -> None:
    uid = a_user_id()
    store.users[uid] = NewUser(id=uid, auth_source="telegram", plan="vip", language="es")

    await ensure_user(turn(uid, "en"), deps)

    assert store.users[uid] == NewUser(id=uid, auth_source="telegram", plan="vip",
                                       language="es")
    assert store.outbox == []


async def test_user_id_zero_is_poison_and_stores_nothing(store: FakeBillingStore,
                                                         deps: Deps) -> None:
    with pytest.raises(Poison, match="positive"):
        await ensure_user(turn(0), deps)

    assert store.users == {} and store.outbox == [] and store.processed == set()


async def test_blank_language_is_stored_as_unknown(store: FakeBillingStore,
                                                   deps: Deps) -> None:
    uid = a_user_id()

    await ensure_user(turn(uid, language="  "), deps)

    assert store.users[uid].language is None
    assert store.unpublished()[0].language is None


class CrashingUnitOfWork(FakeUnitOfWork):
    """The database goes away at commit time."""

    async def commit(self) -> None:
        raise StoreUnavailable("connection lost")


async def test_failed_commit_leaves_no_trace_so_redelivery_creates_the_user(
        store: FakeBillingStore) -> None:
    uid = a_user_id()
    event = turn(uid)

    with pytest.raises(StoreUnavailable):
        await ensure_user(event, fake_deps(store, uow=lambda: CrashingUnitOfWork(store)))
    assert store.users == {} and store.outbox == [] and store.processed == set()

    await ensure_user(event, fake_deps(store))

    assert uid in store.users
    assert len(store.outbox) == 1


async def test_commit_with_outbox_rows_signals_the_relay(store: FakeBillingStore) -> None:
    signals: list[str] = []
    deps = fake_deps(store, uow=lambda: FakeUnitOfWork(
        store, on_outbox_commit=lambda: signals.append("x")))
    uid = a_user_id()

    await ensure_user(turn(uid), deps)
    await ensure_user(turn(uid), deps)  # existing user: commits, but writes no outbox row

    assert signals == ["x"]
