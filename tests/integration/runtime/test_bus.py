"""The consumer loop against a real NATS JetStream and Redis: dead letters, idempotency,
retries with backoff, deterministic output ids."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence

import nats
import pytest
from nats.js.api import DeliverPolicy

from nectar_contracts import Event, VoiceFailed, VoiceRequested, uuid7
from nectar_runtime import InfraSettings, Poison, Runtime, ServiceSpec, Subscription
from nectar_runtime.idempotency import InMemoryProcessedStore
from nectar_runtime.testing import serve_app

pytestmark = pytest.mark.integration


def _request(user_id: int, text: str = "hello") -> VoiceRequested:
    return VoiceRequested.new(producer="test", user_id=user_id, chat_id=user_id,
                              character="luna", session="1", text=text, language="en",
                              plan="free", reply_event_id=uuid7())


def _answer(event: VoiceRequested) -> list[Event]:
    return [event.caused(VoiceFailed, producer="bus-test", chat_id=event.chat_id,
                         character=event.character, session=event.session,
                         language=event.language, reason="not_available")]


class _Harness:
    def __init__(self, infra, handler, processed=None, **infra_overrides) -> None:
        self.settings = InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                                      backoff_base_s=0.05, backoff_max_s=0.2,
                                      **infra_overrides)
        self.name = f"bus-test-{uuid.uuid4().hex[:8]}"
        self.runtime = Runtime("bus-test", self.settings, processed=processed)
        self.app = self.runtime.build(ServiceSpec(subscriptions=[
            Subscription(self.name, (VoiceRequested,), handler, deliver_all=False)]))


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


async def _collect(js, subject: str, seconds: float) -> list[dict]:
    sub = await js.subscribe(subject, ordered_consumer=True,
                             deliver_policy=DeliverPolicy.NEW)
    await asyncio.sleep(0.05)  # subscription is live before the caller publishes
    out: list[dict] = []

    async def pump() -> None:
        while True:
            msg = await sub.next_msg(timeout=seconds)
            out.append({"data": json.loads(msg.data), "headers": msg.headers or {}})

    task = asyncio.create_task(pump())
    return out, task, sub


async def _publish(js, event: Event, msg_id: str | None = None) -> None:
    await js.publish(event.subject, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": msg_id or str(event.event_id)})


async def test_malformed_event_is_dead_lettered_and_does_not_block_the_next(infra, js) -> None:
    seen: list[VoiceRequested] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        seen.append(event)
        return []

    h = _Harness(infra, handler)
    user = 910_001
    async with serve_app(h.app):
        letters, task, sub = await _collect(js, f"nectar.dlq.{h.name}", 5)
        await js.publish(f"nectar.voice.{user}.voice_requested", b"{not json")
        await js.publish(f"nectar.voice.{user}.voice_requested",
                         json.dumps({"type": "voice.voice_requested", "user_id": user}).encode())
        good = _request(user)
        await _publish(js, good)
        for _ in range(100):
            if seen and len(letters) >= 2:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        await sub.unsubscribe()
    assert [e.event_id for e in seen] == [good.event_id]
    assert len(letters) == 2
    first, second = (letter["data"] for letter in letters)
    assert first["type"] == "system.dead_lettered"
    assert first["error_type"] == "malformed" and "not JSON" in first["reason"]
    assert first["original_payload"] == "{not json"
    assert first["original_subject"] == f"nectar.voice.{user}.voice_requested"
    assert "Field required" in second["reason"] and "chat_id" in second["reason"]


async def test_a_duplicate_event_id_is_handled_once(infra, js) -> None:
    calls: list[uuid.UUID] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        calls.append(event.event_id)
        return _answer(event)

    h = _Harness(infra, handler)
    user = 910_002
    async with serve_app(h.app):
        out, task, sub = await _collect(js, f"nectar.voice.{user}.voice_failed", 5)
        event = _request(user)
        # two distinct Nats-Msg-Ids: JetStream stores both, our consumer must dedupe
        await _publish(js, event, msg_id="a-" + str(event.event_id))
        await _publish(js, event, msg_id="b-" + str(event.event_id))
        await asyncio.sleep(1.0)
        task.cancel()
        await sub.unsubscribe()
    assert calls == [event.event_id]
    assert len(out) == 1
    assert out[0]["headers"]["Nats-Msg-Id"] == out[0]["data"]["event_id"]
    assert out[0]["data"]["causation_id"] == str(event.event_id)


async def test_transient_failures_are_retried_then_succeed(infra, js) -> None:
    attempts: list[int] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("provider hiccup")
        return _answer(event)

    h = _Harness(infra, handler, max_deliveries=5)
    user = 910_003
    async with serve_app(h.app):
        out, task, sub = await _collect(js, f"nectar.voice.{user}.voice_failed", 5)
        await _publish(js, _request(user))
        for _ in range(100):
            if out:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        await sub.unsubscribe()
    assert len(attempts) == 3
    assert len(out) == 1


async def test_poison_and_exhausted_retries_go_to_the_dead_letter_stream(infra, js) -> None:
    async def handler(event: VoiceRequested) -> Sequence[Event]:
        if event.text == "poison":
            raise Poison("cannot ever voice this")
        raise RuntimeError("always broken")

    h = _Harness(infra, handler, max_deliveries=3)
    user = 910_004
    async with serve_app(h.app):
        letters, task, sub = await _collect(js, f"nectar.dlq.{h.name}", 10)
        await _publish(js, _request(user, "poison"))
        await _publish(js, _request(user, "broken"))
        for _ in range(200):
            if len(letters) >= 2:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        await sub.unsubscribe()
    by_type = {letter["data"]["error_type"]: letter["data"] for letter in letters}
    assert by_type["poison"]["reason"] == "cannot ever voice this"
    assert by_type["poison"]["deliveries"] == 1
    assert by_type["max_deliveries"]["deliveries"] == 3
    assert "RuntimeError: always broken" in by_type["max_deliveries"]["reason"]


class _FlakyMark(InMemoryProcessedStore):
    """Fails to record completion once: the crash window between publish and ack."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    async def complete(self, consumer: str, event_id: str, owner: str,
                       order_key: str | None = None, seq: int = 0) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("crashed before recording the effect")
        await super().complete(consumer, event_id, owner, order_key, seq)


async def test_a_redelivered_input_re_emits_the_same_output_once(infra, js) -> None:
    calls: list[int] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        calls.append(1)
        return _answer(event)

    h = _Harness(infra, handler, processed=_FlakyMark())
    user = 910_005
    async with serve_app(h.app):
        out, task, sub = await _collect(js, f"nectar.voice.{user}.voice_failed", 5)
        await _publish(js, _request(user))
        await asyncio.sleep(1.5)
        task.cancel()
        await sub.unsubscribe()
    assert len(calls) == 2, "the input is handled again after the failed ack"
    assert len(out) == 1, "the re-emitted output has the same id and is deduplicated"


async def test_events_of_one_user_are_handled_in_order(infra, js) -> None:
    order: list[str] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        # the first event is slower: without per-user ordering the second would overtake it
        await asyncio.sleep(0.2 if event.text == "0" else 0.0)
        order.append(event.text)
        return []

    h = _Harness(infra, handler, max_in_flight=8)
    user = 910_006
    async with serve_app(h.app):
        for i in range(5):
            await _publish(js, _request(user, str(i)))
        for _ in range(100):
            if len(order) == 5:
                break
            await asyncio.sleep(0.05)
    assert order == ["0", "1", "2", "3", "4"]


async def test_shutdown_lets_an_in_flight_handler_finish(infra, js) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        started.set()
        await asyncio.sleep(0.5)
        finished.append(event.text)
        return _answer(event)

    h = _Harness(infra, handler, shutdown_grace_s=5)
    user = 910_007
    async with serve_app(h.app):
        out, task, sub = await _collect(js, f"nectar.voice.{user}.voice_failed", 5)
        await _publish(js, _request(user, "in flight"))
        await asyncio.wait_for(started.wait(), 10)
    # the app has stopped: the handler was allowed to finish and publish
    await asyncio.sleep(0.3)
    task.cancel()
    await sub.unsubscribe()
    assert finished == ["in flight"]
    assert len(out) == 1


async def test_shutdown_past_the_grace_period_hands_the_message_back(infra, js) -> None:
    started = asyncio.Event()
    seen: list[str] = []

    async def stuck(event: VoiceRequested) -> Sequence[Event]:
        started.set()
        await asyncio.sleep(30)
        return []

    first = _Harness(infra, stuck, shutdown_grace_s=0.3, ack_wait_s=60)
    user = 910_008
    async with serve_app(first.app):
        await _publish(js, _request(user, "handed back"))
        await asyncio.wait_for(started.wait(), 10)

    async def quick(event: VoiceRequested) -> Sequence[Event]:
        seen.append(event.text)
        return []

    second = _Harness(infra, quick, ack_wait_s=60)
    second.name = first.name  # the same durable consumer, as after a restart
    second.app = second.runtime.build(ServiceSpec(subscriptions=[
        Subscription(first.name, (VoiceRequested,), quick, deliver_all=False)]))
    async with serve_app(second.app):
        for _ in range(100):  # far sooner than the 60 s ack wait
            if seen:
                break
            await asyncio.sleep(0.1)
    assert seen == ["handed back"]


async def test_a_redis_that_evicts_keys_makes_the_service_not_ready(infra) -> None:
    import httpx
    from redis.asyncio import Redis

    async def handler(event: VoiceRequested) -> Sequence[Event]:
        return []

    h = _Harness(infra, handler)
    admin = Redis.from_url(infra.redis_url)
    assert (await admin.config_get("maxmemory-policy"))["maxmemory-policy"] == "noeviction"
    async with serve_app(h.app) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/readyz")).status_code == 200
        await admin.config_set("maxmemory-policy", "allkeys-lru")
        try:
            h.runtime._redis_policy = None  # read again (it is read once per process)
            ready = await http.get("/readyz")
        finally:
            await admin.config_set("maxmemory-policy", "noeviction")
            await admin.aclose()
    assert ready.status_code == 503
    assert "maxmemory-policy=allkeys-lru" in ready.json()["failing"]["redis"]
