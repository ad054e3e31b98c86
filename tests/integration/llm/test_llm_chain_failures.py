"""Every failure mode of the reply chain, through NATS JetStream against the OpenRouter
emulator: the llm service (`create_app`) consumes `chat.context_ready` and publishes what the
edge will see. Also: plan-aware refusal handling, safety overrides on the chat path only, the
429 cooldown shared through Redis, and the cost guard failing closed with its Redis stopped."""

from __future__ import annotations

import asyncio
import random
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import nats
import pytest
import redis.asyncio as aioredis
from llm_emulator import routing_toml
from nats.js.api import DeliverPolicy
from nectar_contracts import (
    ChatLine,
    ContextReady,
    ReplyFailed,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    parse_event,
)
from nectar_emulators.openrouter.replies import STORY_REFUSALS
from nectar_llm.adapters.redis_guard import RedisCooldowns
from nectar_llm.domain.safety import SAFETY_CATEGORIES
from nectar_llm.handlers import SOFT_REFUSAL_MODEL
from nectar_runtime.testing import free_port
from test_llm_service import AT, llm_service, next_events, subject_of

pytestmark = pytest.mark.integration


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


def turn(plan: str = "basic", text: str = "Tell me a story", language: str = "en",
         user: int | None = None) -> ContextReady:
    user = user or random.randint(3 * 10**9, 4 * 10**9)
    return ContextReady.new(producer="memory", user_id=user, chat_id=user, character="luna",
                            session="1", text=text, language=language, plan=plan,
                            reply_mode="text", recent=[])


async def outcome(js, event: ContextReady):
    """The reply or the failure the service publishes for `event` (whichever comes)."""
    subs = [await js.subscribe(subject_of(cls, event.user_id), ordered_consumer=True,
                               deliver_policy=DeliverPolicy.NEW)
            for cls in (ReplyReady, ReplyFailed)]
    try:
        await js.publish(event.subject, event.model_dump_json().encode(),
                         headers={"Nats-Msg-Id": str(event.event_id)})
        done, pending = await asyncio.wait(
            [asyncio.ensure_future(sub.next_msg(timeout=20)) for sub in subs],
            return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return parse_event(done.pop().result().data)
    finally:
        for sub in subs:
            await sub.unsubscribe()


@pytest.mark.parametrize(("behaviour", "finish_reason"), [
    ("content_filter", "content_filter"), ("length_empty", "length"),
    ("empty_stop", "stop"), ("http_503", None)])
async def test_failing_primary_is_answered_by_the_fallback(
        infra, emulator, models, js, tmp_path, behaviour, finish_reason) -> None:
    primary, fallback = models
    await emulator.script(primary, behaviour, times=None)

    async with llm_service(infra, emulator, models, tmp_path) as (url, _):
        reply = await outcome(js, turn())
        async with httpx.AsyncClient(base_url=url) as client:
            metrics = (await client.get("/metrics")).text

    assert isinstance(reply, ReplyReady)
    assert (reply.model, reply.attempt, reply.outcome) == (fallback, 1, "answered")
    assert reply.text.startswith(f"[emulator:{fallback}]")
    assert reply.ttft_ms is not None and reply.ttft_ms > 0  # streamed: time to first token
    if finish_reason:
        assert (f'nectar_llm_silent_refusals_total{{finish_reason="{finish_reason}",'
                f'model="{primary}"}}') in metrics
    assert 'nectar_llm_turns_total{outcome="fallback",plan="basic"}' in metrics


async def test_429_cools_the_model_down_for_every_replica(infra, emulator, models, js,
                                                          tmp_path) -> None:
    primary, fallback = models
    await emulator.script(primary, "http_429:40", times=None)

    async with llm_service(infra, emulator, models, tmp_path):
        first = await outcome(js, turn())
    # A fresh replica (new process state) sees the cooldown through Redis.
    async with llm_service(infra, emulator, models, tmp_path):
        second = await outcome(js, turn())

    assert (first.model, first.attempt) == (fallback, 1)
    assert (second.model, second.attempt) == (fallback, 1)
    assert len(await emulator.calls(primary)) == 1  # the second turn skipped it
    client = aioredis.from_url(infra.redis_url)
    try:
        ttl = await client.pttl(RedisCooldowns.key(primary))
    finally:
        await client.aclose()
    assert 30_000 < ttl <= 40_000


async def test_non_transient_4xx_ends_the_chain_with_a_clear_failure(
        infra, emulator, models, js, tmp_path) -> None:
    primary, fallback = models
    await emulator.script(primary, "http_400", times=None)

    async with llm_service(infra, emulator, models, tmp_path):
        failed = await outcome(js, turn())

    assert isinstance(failed, ReplyFailed)
    assert failed.reason == "internal"
    assert "non-transient error ends the chain" in failed.detail
    assert f"#0 {primary}: client_error: HTTP 400" in failed.detail
    assert await emulator.calls(fallback) == []


async def test_every_rung_failing_is_a_reply_failed(infra, emulator, models, js,
                                                    tmp_path) -> None:
    primary, fallback = models
    await emulator.script(primary, "http_500", times=None)
    await emulator.script(fallback, "http_502", times=None)

    async with llm_service(infra, emulator, models, tmp_path):
        failed = await outcome(js, turn(plan="premium"))

    assert isinstance(failed, ReplyFailed)
    assert failed.reason == "all_models_failed"
    assert f"#0 {primary}: server_error: HTTP 500" in failed.detail
    assert f"#1 {fallback}: server_error: HTTP 502" in failed.detail


async def test_refusal_tail_is_salvaged(infra, emulator, models, js, tmp_path) -> None:
    primary, _ = models
    await emulator.script(primary, "story_refusal:ru", times=None)

    async with llm_service(infra, emulator, models, tmp_path):
        reply = await outcome(js, turn(plan="free", language="ru"))

    assert (reply.outcome, reply.model, reply.attempt) == ("salvaged", primary, 0)
    assert reply.text == STORY_REFUSALS["ru"][0]


async def test_free_refusal_gets_a_soft_refusal_without_any_rescue_call(
        infra, emulator, models, js, tmp_path) -> None:
    primary, fallback = models
    tag = uuid.uuid4().hex[:8]
    rescue = [f"rescue-{tag}/grok", f"roleplay-{tag}/her"]
    await emulator.script(primary, "refusal", times=None)

    async with llm_service(infra, emulator, models, tmp_path,
                           routing=routing_toml([primary, fallback], rescue=rescue)):
        reply = await outcome(js, turn(plan="free", language="es"))

    assert isinstance(reply, ReplyReady)
    assert (reply.outcome, reply.model) == ("soft_refusal", SOFT_REFUSAL_MODEL)
    assert "Luna" in reply.text and "sonríe" in reply.text
    assert await emulator.calls(fallback) == []
    assert await emulator.calls(rescue[0]) == [] and await emulator.calls(rescue[1]) == []


async def test_paid_refusal_is_rescued_with_the_stay_in_character_prefix(
        infra, emulator, models, js, tmp_path) -> None:
    primary, fallback = models
    tag = uuid.uuid4().hex[:8]
    rescue = [f"rescue-{tag}/grok", f"roleplay-{tag}/her"]
    await emulator.script(primary, "refusal", times=None)
    await emulator.script(rescue[0], "refusal", times=None)
    await emulator.script(rescue[1], "refuse_unless_prefixed", times=None)

    async with llm_service(infra, emulator, models, tmp_path,
                           routing=routing_toml([primary, fallback], rescue=rescue)):
        reply = await outcome(js, turn(plan="premium"))

    assert (reply.outcome, reply.model, reply.attempt) == ("rescued", rescue[1], 2)
    [grok] = await emulator.calls(rescue[0])
    [her] = await emulator.calls(rescue[1])
    assert "stay in character" not in str(grok["body"]["messages"])
    assert "stay in character" in her["body"]["messages"][0]["content"]
    assert await emulator.calls(fallback) == []


async def test_safety_overrides_go_to_gemini_chat_calls_but_never_to_summaries(
        infra, emulator, models, js, tmp_path) -> None:
    primary, fallback = models
    gemini = f"google/gemini-it-{uuid.uuid4().hex[:8]}"
    routing = routing_toml([primary, fallback], vip_chain=[gemini, fallback],
                           safety_model=gemini, summary=[gemini])
    summary = SummaryRequested.new(
        producer="memory", user_id=77, chat_id=77, character="luna", session="1", window=0,
        language="en", lines=[ChatLine(role="user", content="I love the stars", at=AT)])

    async with llm_service(infra, emulator, models, tmp_path, routing=routing):
        reply = await outcome(js, turn(plan="vip"))
        [written] = await next_events(js, [subject_of(SummaryWritten, 77)], summary)

    assert reply.model == gemini and written.model == gemini
    chat_call, summary_call = await emulator.calls(gemini)
    settings = chat_call["body"]["safety_settings"]
    assert [s["category"] for s in settings] == list(SAFETY_CATEGORIES)
    assert {s["threshold"] for s in settings} == {"BLOCK_NONE"}
    assert "safety_settings" not in summary_call["body"]


async def test_over_ceiling_turn_is_answered_in_character_with_an_upsell(
        infra, emulator, models, js, tmp_path) -> None:
    primary, _ = models
    async with llm_service(infra, emulator, models, tmp_path):
        reply = await outcome(js, turn(plan="free", text="Get naked for me"))

    assert isinstance(reply, ReplyReady)
    # the lowest plan whose ceiling (plan catalog) allows explicit content
    assert (reply.upsell, reply.outcome) == ("vip", "gated")
    [call] = await emulator.calls(primary)
    assert "Content limit for this turn" in str(call["body"]["messages"][1])


@pytest.fixture
def lone_redis(tmp_path):
    """A redis-server of its own on a free port, stopped by the test (or at the end)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield proc, f"redis://127.0.0.1:{port}/0"
    if proc.poll() is None:
        proc.terminate()
        proc.wait(5)


async def test_cost_guard_fails_closed_when_its_redis_is_stopped(
        infra, emulator, models, js, tmp_path, lone_redis) -> None:
    primary, _ = models
    proc, url = lone_redis

    async with llm_service(infra, emulator, models, tmp_path, cost_guard_redis_url=url):
        before = await outcome(js, turn())
        proc.terminate()
        proc.wait(5)
        after = await outcome(js, turn())

    assert isinstance(before, ReplyReady)
    assert isinstance(after, ReplyFailed)
    assert after.reason == "over_budget"
    assert "fail closed" in after.detail
    assert len(await emulator.calls(primary)) == 1  # no model call once the guard is blind


async def test_spend_past_the_user_ceiling_refuses_new_generations(
        infra, emulator, models, js, tmp_path, lone_redis) -> None:
    _, url = lone_redis
    user = random.randint(5 * 10**9, 6 * 10**9)

    async with llm_service(infra, emulator, models, tmp_path, cost_guard_redis_url=url,
                           user_daily_budget_usd=1e-9):
        first = await outcome(js, turn(user=user))
        second = await outcome(js, turn(user=user))
        other = await outcome(js, turn())

    assert isinstance(first, ReplyReady)
    assert isinstance(second, ReplyFailed) and second.reason == "over_budget"
    assert "user daily ceiling" in second.detail
    assert isinstance(other, ReplyReady)
    client = aioredis.from_url(url)
    try:
        keys = [k.decode() async for k in client.scan_iter("nectar:llm:cost:*")]
        ttls = [await client.ttl(k) for k in keys]
    finally:
        await client.aclose()
    assert any(k.endswith(f":user:{user}") for k in keys)
    assert all(0 < t <= 2 * 24 * 3600 for t in ttls)


async def test_cooldowns_are_shared_and_a_replica_reuses_its_lookup_briefly(infra) -> None:
    now = [100.0]
    model = f"cool-{uuid.uuid4().hex[:8]}/m"
    a = RedisCooldowns(infra.redis_url, local_cache_s=1.0, clock=lambda: now[0])
    b = RedisCooldowns(infra.redis_url, local_cache_s=1.0, clock=lambda: now[0])
    for side in (a, b):
        await side.start()
    try:
        assert await a.active([model]) == {}
        await b.put(model, 30)
        assert model in await b.active([model])  # its own cooldown: at once
        assert await a.active([model]) == {}  # a's lookup is still fresh
        now[0] += 1.5
        left = (await a.active([model]))[model]
        assert 25 < left <= 30
    finally:
        for side in (a, b):
            await side.close()


async def test_routing_file_edits_take_effect_without_a_restart(infra, emulator, models, js,
                                                                tmp_path) -> None:
    primary, fallback = models
    async with llm_service(infra, emulator, models, tmp_path,
                           routing_check_interval_s=0) as (_, settings):
        before = await outcome(js, turn())
        settings.routing_file.write_text(routing_toml([fallback, primary]))
        after = await outcome(js, turn())

    assert (before.model, after.model) == (primary, fallback)
    assert after.attempt == 0
