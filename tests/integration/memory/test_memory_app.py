"""The memory service end to end: events in on NATS, events out on NATS, real Redis and
Chroma underneath (`create_app` served in-process)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Self

import httpx
import nats
import pytest
from nats.js.api import DeliverPolicy
from redis.asyncio import Redis

from nectar_contracts import (
    ContextReady,
    Event,
    ReplyDelivered,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    uuid7,
)
from nectar_memory.app import create_app
from nectar_memory.settings import MemorySettings
from nectar_runtime import InfraSettings
from nectar_runtime.testing import free_port, serve_app

pytestmark = pytest.mark.integration

CHARACTER = "luna"


def _settings(infra, **overrides) -> MemorySettings:
    values = {"chroma_url": infra.chroma_url,
              "chroma_collection": f"test_app_{uuid.uuid4().hex[:10]}", "chroma_shards": 2,
              **overrides}
    return MemorySettings(infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                                              backoff_base_s=0.05, backoff_max_s=0.2),
                          **values)


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


class Inbox:
    """Collects events of one subject from JetStream (new messages only)."""

    def __init__(self, js, subject: str) -> None:
        self.js, self.subject = js, subject
        self.items: list[dict] = []

    async def __aenter__(self) -> Self:
        self.sub = await self.js.subscribe(self.subject, ordered_consumer=True,
                                           deliver_policy=DeliverPolicy.NEW)
        self.task = asyncio.create_task(self._pump())
        return self

    async def _pump(self) -> None:
        while True:
            msg = await self.sub.next_msg(timeout=30)
            self.items.append(json.loads(msg.data))

    async def wait_for(self, count: int, timeout: float = 15) -> list[dict]:
        async with asyncio.timeout(timeout):
            while len(self.items) < count:
                await asyncio.sleep(0.02)
        return self.items

    async def __aexit__(self, *exc) -> None:
        self.task.cancel()
        await self.sub.unsubscribe()


async def _publish(js, event: Event) -> None:
    await js.publish(event.subject, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": str(event.event_id)})


async def _wait_hot_lines(infra, user: int, count: int) -> None:
    """Wait until the hot buffer holds `count` lines (replies and turns are different
    consumers, so the test orders them by waiting for the effect)."""
    redis = Redis.from_url(infra.redis_url)
    try:
        async with asyncio.timeout(15):
            while await redis.llen(f"mem:hot:{user}:{CHARACTER}:1") < count:
                await asyncio.sleep(0.02)
    finally:
        await redis.aclose()


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 1


def _turn(user: int, text: str) -> TurnReceived:
    return TurnReceived.new(producer="test", user_id=user, chat_id=user, character=CHARACTER,
                            session="1", text=text, language="en", plan="free")


def _reply(turn: TurnReceived, text: str) -> ReplyDelivered:
    return turn.caused(ReplyDelivered, producer="test", chat_id=turn.chat_id,
                       character=CHARACTER, session="1", text=text, reply_event_id=uuid7(),
                       message_ids=[7])


async def test_turn_in_context_out_with_previous_lines(infra, js) -> None:
    user = _user()
    app, _ = create_app(_settings(infra))
    async with serve_app(app), Inbox(js, ContextReady.subscription_subject().replace(
            "*", str(user))) as contexts:
        first = _turn(user, "I just moved to Lisbon")
        await _publish(js, first)
        await contexts.wait_for(1)
        await _publish(js, _reply(first, "How exciting! Do you like it?"))
        await _wait_hot_lines(infra, user, 2)
        second = _turn(user, "Yes, the light is amazing")
        await _publish(js, second)
        items = await contexts.wait_for(2)

    ctx = ContextReady.model_validate(items[1])
    assert ctx.causation_id == second.event_id and ctx.correlation_id == second.event_id
    assert [(x.role, x.content) for x in ctx.recent] == [
        ("user", "I just moved to Lisbon"), ("assistant", "How exciting! Do you like it?")]
    assert ctx.text == "Yes, the light is amazing" and ctx.plan == "free"
    assert ctx.summary is None and ctx.memories == [] and ctx.degraded == []
    assert ContextReady.model_validate(items[0]).recent == []


async def test_summary_cycle_request_store_and_recall(infra, js) -> None:
    user = _user()
    app, _ = create_app(_settings(infra, summary_every=2, hot_buffer_size=10))
    subject = f"nectar.chat.{user}.*"
    async with serve_app(app), Inbox(js, subject) as inbox:
        for i in range(2):
            turn = _turn(user, f"line {i} about my dog Rex")
            await _publish(js, turn)
            await _wait_hot_lines(infra, user, 2 * i + 1)
            await _publish(js, _reply(turn, f"answer {i}"))
            await _wait_hot_lines(infra, user, 2 * i + 2)

        async with asyncio.timeout(15):
            while not any(x["type"] == "chat.summary_requested" for x in inbox.items):
                await asyncio.sleep(0.05)
        request = SummaryRequested.model_validate(
            next(x for x in inbox.items if x["type"] == "chat.summary_requested"))
        assert request.window == 0
        assert [x.content for x in request.lines] == [
            "line 0 about my dog Rex", "answer 0", "line 1 about my dog Rex", "answer 1"]

        await _publish(js, request.caused(
            SummaryWritten, producer="test", chat_id=user, character=CHARACTER, session="1",
            window=0, text="The user has a dog named Rex.", model="emulator"))
        redis = Redis.from_url(infra.redis_url)
        async with asyncio.timeout(15):  # stored: cached as the latest summary
            while not await redis.exists(f"mem:summary:{user}:{CHARACTER}:1"):
                await asyncio.sleep(0.02)
        await redis.aclose()
        last = _turn(user, "Rex chewed my shoes")
        await _publish(js, last)
        async with asyncio.timeout(15):
            while not any(x.get("causation_id") == str(last.event_id) for x in inbox.items):
                await asyncio.sleep(0.05)

    ctx = ContextReady.model_validate(
        next(x for x in inbox.items if x.get("causation_id") == str(last.event_id)))
    assert ctx.summary == "The user has a dog named Rex."
    # the only memory is the latest summary itself, which is not repeated
    assert ctx.memories == [] and ctx.degraded == []


async def test_chroma_outage_degrades_turn_and_keeps_ready(infra, js) -> None:
    user = _user()
    # a user with summaries (noted as such): their turn needs the index
    redis = Redis.from_url(infra.redis_url)
    await redis.set(f"mem:has:{user}:{CHARACTER}", "1")
    await redis.aclose()
    app, _ = create_app(_settings(infra, chroma_url=f"http://127.0.0.1:{free_port()}",
                                  chroma_timeout_s=0.5))
    async with serve_app(app) as base, Inbox(
            js, f"nectar.chat.{user}.context_ready") as contexts:
        await _publish(js, _turn(user, "hello?"))
        [item] = await contexts.wait_for(1)
        async with httpx.AsyncClient(base_url=base) as http:
            ready = await http.get("/readyz")
            metrics = (await http.get("/metrics")).text

    ctx = ContextReady.model_validate(item)
    assert ctx.degraded == ["semantic"] and ctx.memories == [] and ctx.summary is None
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and "chroma" in body["degraded"]
    assert 'nectar_memory_degraded_total{layer="semantic"}' in metrics
    assert 'nectar_dependency_up{dependency="chroma",service="memory"} 0.0' in metrics


async def test_readyz_reports_nothing_degraded_when_chroma_is_up(infra) -> None:
    app, _ = create_app(_settings(infra))
    async with serve_app(app) as base, httpx.AsyncClient(base_url=base) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["degraded"] == {} and ready.json()["failing"] == {}
