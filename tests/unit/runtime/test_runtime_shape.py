"""The runtime's shared shapes: the HANDLERS index, one metrics helper, outages told apart
from poison, claims, and event subjects derived from the type."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
import redis.exceptions
from prometheus_client import CollectorRegistry, Counter

from nectar_contracts import (
    ContextReady,
    DeadLettered,
    Event,
    TurnReceived,
    UpdateReceived,
    VoiceRequested,
)
from nectar_contracts.registry import ALL_EVENTS
from nectar_runtime import (
    InMemoryProcessedStore,
    MetricSet,
    On,
    Unavailable,
    consumer_name,
    outage_of,
    subscriptions,
)


async def _handle(event: Event, deps: dict) -> Sequence[Event]:
    deps.setdefault("seen", []).append(event.event_id)
    return []


def test_subscriptions_are_named_and_bound_from_the_index() -> None:
    deps: dict = {}
    index = {TurnReceived: On(_handle, "turns"),
             VoiceRequested: On(_handle, "voices", max_in_flight=4, ack_wait_s=30)}
    subs = subscriptions("memory", index, deps, tune={VoiceRequested: {"max_in_flight": 2}})
    assert [s.name for s in subs] == ["memory-turn_received", "memory-voice_requested"]
    assert [s.description for s in subs] == ["turns", "voices"]
    assert (subs[1].max_in_flight, subs[1].ack_wait_s) == (2, 30)
    assert subs[0].filter_subject == "nectar.chat.*.turn_received"
    event = TurnReceived.new(producer="t", user_id=5, chat_id=5, character="luna",
                             session="1", text="hi", language="en", plan="free")
    asyncio.run(subs[0].handler(event))
    assert deps["seen"] == [event.event_id]
    assert subs[0].handler.__name__ == "on__handle"


def test_subject_and_stream_follow_from_the_event_type() -> None:
    for event in ALL_EVENTS:
        if event is DeadLettered:
            continue
        context, name = event.event_type().split(".", 1)
        assert event.subject_template == f"nectar.{context}.{{user_id}}.{name}"
        assert event.event_name() == name
    assert (TurnReceived.stream, ContextReady.stream, UpdateReceived.stream) == (
        "CHAT", "CHAT", "TELEGRAM")
    assert DeadLettered.subscription_subject() == "nectar.dlq.*"
    assert consumer_name("edge", UpdateReceived) == "edge-update_received"


def test_one_metric_set_per_registry() -> None:
    class Things(MetricSet):
        def __init__(self, registry: CollectorRegistry) -> None:
            super().__init__(registry)
            self.count = Counter("things_total", "things", registry=registry)

    first, second = CollectorRegistry(), CollectorRegistry()
    assert Things.for_registry(first) is Things.for_registry(first)
    assert Things.for_registry(first) is not Things.for_registry(second)


@pytest.mark.parametrize(("error", "dependency"), [
    (redis.exceptions.ConnectionError("refused"), "redis"),
    (redis.exceptions.TimeoutError("slow"), "redis"),
    (Unavailable("chroma down", dependency="chroma"), "chroma"),
    (ValueError("bad text"), None),
    (RuntimeError("provider said no"), None),
])
def test_outages_are_told_apart_from_failures(error: Exception, dependency: str | None) -> None:
    assert outage_of(error) == dependency


def test_a_wrapped_client_error_is_still_an_outage() -> None:
    class StoreDown(RuntimeError):
        pass

    try:
        try:
            raise redis.exceptions.ConnectionError("refused")
        except redis.exceptions.ConnectionError as exc:
            raise StoreDown("store unavailable") from exc
    except StoreDown as wrapped:
        assert outage_of(wrapped) == "redis"


async def test_a_claim_is_exclusive_until_completed_or_released() -> None:
    store = InMemoryProcessedStore()
    assert (await store.claim("c", "e1", "a", 10)).state == "new"
    assert (await store.claim("c", "e1", "b", 10)).state == "busy"
    await store.release("c", "e1", "b")  # not b's to release
    assert (await store.claim("c", "e1", "b", 10)).state == "busy"
    await store.release("c", "e1", "a")
    assert (await store.claim("c", "e1", "b", 10)).state == "new"
    await store.complete("c", "e1", "b")
    assert (await store.claim("c", "e1", "a", 10)).state == "done"


async def test_a_lease_runs_out_by_itself() -> None:
    store = InMemoryProcessedStore()
    assert (await store.claim("c", "e2", "dead", 0.05)).state == "new"
    await asyncio.sleep(0.1)
    assert (await store.claim("c", "e2", "alive", 10)).state == "new"
