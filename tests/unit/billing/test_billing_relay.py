"""The outbox relay against the in-memory outbox."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from nectar_billing.adapters.fakes import FakeBillingStore, FakeOutboxStore, FakeUnitOfWork
from nectar_billing.entrypoints.jobs import OutboxRelay
from nectar_contracts import Event, UserCreated


def user_created(user_id: int) -> UserCreated:
    return UserCreated.new(producer="billing", user_id=user_id, auth_source="telegram",
                           plan="free")


class FakeBus:
    """Collects published events; can fail on chosen event ids."""

    def __init__(self, fail_on: set[object] | None = None) -> None:
        self.published: list[Event] = []
        self.fail_on = fail_on or set()

    async def publish(self, event: Event) -> None:
        if event.event_id in self.fail_on:
            raise ConnectionError("NATS unavailable")
        self.published.append(event)


async def commit_events(store: FakeBillingStore, events: list[Event],
                        on_commit=lambda: None) -> None:
    async with FakeUnitOfWork(store, on_outbox_commit=on_commit) as uow:
        for event in events:
            await uow.outbox.put(event)
        await uow.commit()


async def test_relay_publishes_in_order_and_only_once() -> None:
    store, bus = FakeBillingStore(), FakeBus()
    events = [user_created(i) for i in range(1, 6)]
    await commit_events(store, events)
    relay = OutboxRelay(FakeOutboxStore(store), bus.publish, poll_s=60, batch_size=2)

    assert await relay.relay_once() == 5  # drains across batches
    assert await relay.relay_once() == 0

    assert [e.event_id for e in bus.published] == [e.event_id for e in events]
    assert store.unpublished() == []


async def test_publish_failure_keeps_the_rest_for_the_next_pass() -> None:
    store = FakeBillingStore()
    events = [user_created(i) for i in range(1, 4)]
    await commit_events(store, events)
    bus = FakeBus(fail_on={events[1].event_id})
    relay = OutboxRelay(FakeOutboxStore(store), bus.publish, poll_s=60)

    with pytest.raises(ConnectionError):
        await relay.relay_once()
    assert [e.event_id for e in bus.published] == [events[0].event_id]
    assert [e.event_id for e in store.unpublished()] == [e.event_id for e in events[1:]]

    bus.fail_on.clear()
    assert await relay.relay_once() == 2
    assert [e.event_id for e in bus.published] == [e.event_id for e in events]


async def test_commit_wakes_the_relay_before_the_poll_interval() -> None:
    store, bus = FakeBillingStore(), FakeBus()
    relay = OutboxRelay(FakeOutboxStore(store), bus.publish, poll_s=3600)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.05)  # the relay found nothing and now sleeps for an hour
        event = user_created(7)

        await commit_events(store, [event], on_commit=relay.wake)

        async with asyncio.timeout(2):
            while not bus.published:
                await asyncio.sleep(0.01)
        assert [e.event_id for e in bus.published] == [event.event_id]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_relay_survives_a_failing_pass() -> None:
    store = FakeBillingStore()
    event = user_created(9)
    await commit_events(store, [event])
    bus = FakeBus(fail_on={event.event_id})
    relay = OutboxRelay(FakeOutboxStore(store), bus.publish, poll_s=3600, error_backoff_s=0.05)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.1)
        assert bus.published == [] and not task.done()
        bus.fail_on.clear()

        async with asyncio.timeout(2):
            while not bus.published:
                await asyncio.sleep(0.01)
        assert store.unpublished() == []
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
