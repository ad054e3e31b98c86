"""The runtime carries long jobs: per-subscription concurrency and ack wait, in-progress
heartbeats, flow control, outages that are not poison, and claims across replicas; against a
real NATS JetStream and Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import nats
import pytest
import redis.exceptions

from nectar_contracts import Event, VoiceFailed, VoiceRequested, uuid7
from nectar_runtime import InfraSettings, Poison, Runtime, ServiceSpec, Subscription
from nectar_runtime.testing import serve_app

pytestmark = pytest.mark.integration

SLOW_SERVICE = Path(__file__).with_name("slow_service.py")


def _request(user_id: int, text: str = "hello") -> VoiceRequested:
    return VoiceRequested.new(producer="test", user_id=user_id, chat_id=user_id,
                              character="luna", session="1", text=text, language="en",
                              plan="free", reply_event_id=uuid7())


def _answer(event: VoiceRequested) -> list[Event]:
    return [event.caused(VoiceFailed, producer="long-test", chat_id=event.chat_id,
                         character=event.character, session=event.session,
                         language=event.language, reason="not_available")]


def _app(infra, name: str, handler, *, instance: str = "a", **sub_options):
    settings = InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                             backoff_base_s=0.05, backoff_max_s=0.2, instance_id=instance,
                             max_deliveries=3)
    runtime = Runtime("long-test", settings)
    app = runtime.build(ServiceSpec(subscriptions=[
        Subscription(name, (VoiceRequested,), handler, **sub_options)]))
    return app, runtime


@pytest.fixture
async def nc(infra) -> AsyncIterator:
    conn = await nats.connect(infra.nats_url)
    yield conn
    await conn.close()


async def _publish(js, event: Event, msg_id: str | None = None) -> None:
    await js.publish(event.subject, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": msg_id or str(event.event_id)})


async def _until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def test_a_handler_three_times_its_ack_wait_is_delivered_once(infra, nc) -> None:
    js = nc.jetstream()
    calls: list[str] = []

    async def slow(event: VoiceRequested) -> Sequence[Event]:
        calls.append(event.text)
        await asyncio.sleep(3.5)  # the ack wait is 1 s: only heartbeats keep it ours
        return []

    name = f"long-{uuid.uuid4().hex[:8]}"
    app, runtime = _app(infra, name, slow, ack_wait_s=1.0)
    async with serve_app(app):
        await _publish(js, _request(920_001, "render"))
        assert await _until(lambda: runtime.metrics.consumed.labels(
            "long-test", name, "ok")._value.get() >= 1, 10)
        await asyncio.sleep(1.5)  # a redelivered copy would show up as a duplicate now
        info = await js.consumer_info("VOICE", name)
    assert calls == ["render"]
    outcomes = {sample.labels["outcome"]: sample.value
                for sample in runtime.metrics.consumed.collect()[0].samples
                if sample.name.endswith("_total") and sample.labels["consumer"] == name}
    assert outcomes == {"ok": 1.0}, "one delivery, no redelivered copy"
    assert info.num_ack_pending == 0 and info.config.ack_wait == 1.0


async def test_a_killed_replica_s_job_is_redelivered_within_the_ack_wait(infra, nc) -> None:
    js = nc.jetstream()
    name = f"killed-{uuid.uuid4().hex[:8]}"
    ack_wait = 2.0
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(SLOW_SERVICE), infra.nats_url, infra.redis_url, name,
        str(ack_wait), "60", stdout=asyncio.subprocess.PIPE, env=os.environ.copy())
    try:
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == b"ready"
        await _publish(js, _request(920_002, "job"))
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert line.strip() == b"handling job"
        await asyncio.sleep(ack_wait * 2)  # alive past its ack wait: heartbeats hold it
        info = await js.consumer_info("VOICE", name)
        assert info.num_redelivered == 0 and info.num_ack_pending == 1
        proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    handled: list[float] = []

    async def quick(event: VoiceRequested) -> Sequence[Event]:
        handled.append(time.monotonic())
        return []

    app, _ = _app(infra, name, quick, ack_wait_s=ack_wait, instance="b")
    async with serve_app(app):
        assert await _until(lambda: bool(handled), 15)
    # redelivered one ack wait after the last heartbeat, and the dead replica's claim had
    # already run out (it is shorter than the ack wait): handled, not dropped as a duplicate
    assert handled[0] - killed_at <= ack_wait + 1.5


async def test_a_replica_holds_no_more_than_its_in_flight_limit(infra, nc) -> None:
    js = nc.jetstream()
    gate = asyncio.Event()
    running: list[int] = []
    peak = 0
    done: list[str] = []

    async def held(event: VoiceRequested) -> Sequence[Event]:
        nonlocal peak
        running.append(1)
        peak = max(peak, len(running))
        await gate.wait()
        running.pop()
        done.append(event.text)
        return []

    name = f"flow-{uuid.uuid4().hex[:8]}"
    app, _ = _app(infra, name, held, max_in_flight=2, ack_wait_s=5)
    async with serve_app(app):
        for i in range(6):  # different users: ordering does not serialise them
            await _publish(js, _request(920_100 + i, str(i)))
        assert await _until(lambda: len(running) == 2, 10)
        await asyncio.sleep(0.5)
        info = await js.consumer_info("VOICE", name)
        # two in the handler, nothing else taken out of the stream: back-pressure
        assert info.num_ack_pending == 2 and info.num_pending == 4
        gate.set()
        assert await _until(lambda: len(done) == 6, 10)
    assert peak == 2


async def test_an_outage_is_retried_past_max_deliveries_and_never_dead_lettered(
        infra, nc) -> None:
    js = nc.jetstream()
    attempts: list[int] = []

    async def during_outage(event: VoiceRequested) -> Sequence[Event]:
        attempts.append(1)
        if len(attempts) <= 6:  # max_deliveries is 3
            raise redis.exceptions.ConnectionError("Connection refused")
        return _answer(event)

    name = f"outage-{uuid.uuid4().hex[:8]}"
    user = 920_200
    app, runtime = _app(infra, name, during_outage)
    async with serve_app(app):  # the streams exist from here on
        dlq = await js.subscribe(f"nectar.dlq.{name}", ordered_consumer=True)
        out = await js.subscribe(f"nectar.voice.{user}.voice_failed", ordered_consumer=True)
        await _publish(js, _request(user, "patience"))
        msg = await out.next_msg(timeout=15)
    assert len(attempts) == 7
    assert msg.headers["Nats-Msg-Id"]
    with pytest.raises(nats.errors.TimeoutError):
        await dlq.next_msg(timeout=0.5)
    assert runtime.metrics.outage_retries.labels("long-test", name, "redis")._value.get() == 6


async def test_two_replicas_handle_one_event_once(infra, nc) -> None:
    js = nc.jetstream()
    calls: list[str] = []

    async def slowish(event: VoiceRequested) -> Sequence[Event]:
        calls.append(event.text)
        await asyncio.sleep(0.5)
        return _answer(event)

    name = f"pair-{uuid.uuid4().hex[:8]}"
    user = 920_300
    first, _ = _app(infra, name, slowish, instance="r1", ack_wait_s=5)
    second, _ = _app(infra, name, slowish, instance="r2", ack_wait_s=5)
    async with serve_app(first), serve_app(second):
        out = await js.subscribe(f"nectar.voice.{user}.voice_failed", ordered_consumer=True)
        event = _request(user, "once")
        # the same event stored twice (two message ids): both replicas may get a copy
        await _publish(js, event, msg_id="x-" + str(event.event_id))
        await _publish(js, event, msg_id="y-" + str(event.event_id))
        await out.next_msg(timeout=10)
        await asyncio.sleep(5)  # long enough for the other copy to come back after "busy"
        info = await js.consumer_info("VOICE", name)
    assert calls == ["once"]
    assert info.num_ack_pending == 0 and info.num_pending == 0
    with pytest.raises(nats.errors.TimeoutError):
        await out.next_msg(timeout=0.3)


async def test_one_user_s_events_keep_their_order_across_two_replicas(infra, nc) -> None:
    js = nc.jetstream()
    order: list[str] = []

    async def uneven(event: VoiceRequested) -> Sequence[Event]:
        # the first events are the slow ones: without cross-replica ordering the other
        # replica would overtake them
        await asyncio.sleep(0.6 if int(event.text) < 2 else 0.01)
        order.append(event.text)
        return []

    name = f"order-{uuid.uuid4().hex[:8]}"
    first, _ = _app(infra, name, uneven, instance="r1", ack_wait_s=5)
    second, _ = _app(infra, name, uneven, instance="r2", ack_wait_s=5)
    async with serve_app(first), serve_app(second):
        for i in range(6):
            await _publish(js, _request(920_400, str(i)))
        assert await _until(lambda: len(order) == 6, 30)
    assert order == [str(i) for i in range(6)]


async def test_a_retried_event_is_not_overtaken_by_the_next_one(infra, nc) -> None:
    js = nc.jetstream()
    order: list[str] = []
    failed: list[str] = []

    async def flaky_first(event: VoiceRequested) -> Sequence[Event]:
        if event.text == "0" and not failed:
            failed.append(event.text)
            raise RuntimeError("provider hiccup")  # retried after a backoff
        order.append(event.text)
        return []

    name = f"retry-order-{uuid.uuid4().hex[:8]}"
    app, _ = _app(infra, name, flaky_first, ack_wait_s=5)
    async with serve_app(app):
        for i in range(3):
            await _publish(js, _request(920_500, str(i)))
        assert await _until(lambda: len(order) == 3, 20)
    assert failed == ["0"] and order == ["0", "1", "2"]


async def test_a_dead_lettered_event_does_not_hold_back_the_user(infra, nc) -> None:
    js = nc.jetstream()
    order: list[str] = []

    async def first_is_poison(event: VoiceRequested) -> Sequence[Event]:
        if event.text == "0":
            raise Poison("never")
        order.append(event.text)
        return []

    name = f"dlq-order-{uuid.uuid4().hex[:8]}"
    app, _ = _app(infra, name, first_is_poison, ack_wait_s=5)
    async with serve_app(app):
        await js.publish("nectar.voice.920600.voice_requested", b"{broken")
        for i in range(3):
            await _publish(js, _request(920_600, str(i)))
        assert await _until(lambda: len(order) == 2, 20)
    assert order == ["1", "2"]
