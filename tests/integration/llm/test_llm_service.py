"""The whole llm service (`create_app`) on real NATS JetStream and Redis, models served by
the OpenRouter emulator: events in, events out, spans written."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import nats
import pytest
from llm_emulator import EMULATOR_KEY, routing_toml
from nats.js.api import DeliverPolicy
from nectar_contracts import (
    ChatLine,
    ContextReady,
    Event,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    VoiceRequested,
    parse_event,
)
from nectar_llm.app import create_app
from nectar_llm.settings import LlmSettings
from nectar_runtime import InfraSettings
from nectar_runtime.testing import serve_app

pytestmark = pytest.mark.integration

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@asynccontextmanager
async def llm_service(infra, emulator, models, tmp_path, *, routing: str | None = None,
                      **overrides) -> AsyncIterator[tuple[str, LlmSettings]]:
    primary, fallback = models
    path = tmp_path / "routing.toml"
    path.write_text(routing or routing_toml([primary, fallback]))
    settings = LlmSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            otel_spans_file=tmp_path / "spans.jsonl", backoff_base_s=0.05,
                            backoff_max_s=0.2),
        openrouter_base_url=emulator.api_base, openrouter_api_key=EMULATOR_KEY,
        routing_file=path, request_timeout_s=3.0, **overrides)
    app, _ = create_app(settings)
    async with serve_app(app) as url:
        yield url, settings


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


async def next_events(js, subjects: list[str], publish: Event,
                      timeout: float = 20) -> list[Event]:
    """Publish `publish`, then the first event on each of `subjects` (subscribed before)."""
    subs = [await js.subscribe(subject, ordered_consumer=True,
                               deliver_policy=DeliverPolicy.NEW) for subject in subjects]
    try:
        await js.publish(publish.subject, publish.model_dump_json().encode(),
                         headers={"Nats-Msg-Id": str(publish.event_id)})
        return [parse_event((await sub.next_msg(timeout=timeout)).data) for sub in subs]
    finally:
        for sub in subs:
            await sub.unsubscribe()


def subject_of(event_type: type[Event], user: int) -> str:
    return event_type.subject_template.format(user_id=user)


async def test_context_ready_becomes_reply_ready_and_voice_request_on_nats(
        infra, emulator, models, js, tmp_path) -> None:
    primary, fallback = models
    # Every call to this primary refuses silently (times=None), whatever the consumer
    # picks up first from the shared stream.
    await emulator.script(primary, "content_filter", times=None)
    user = random.randint(10**9, 2 * 10**9)
    event = ContextReady.new(
        producer="memory", user_id=user, chat_id=user, character="luna", session="1",
        text="Sing me something", language="en", plan="basic", reply_mode="voice",
        recent=[ChatLine(role="user", content="hi", at=AT),
                ChatLine(role="assistant", content="Hello, stargazer.", at=AT)])

    async with llm_service(infra, emulator, models, tmp_path) as (url, _):
        reply, voice = await next_events(
            js, [subject_of(ReplyReady, user), subject_of(VoiceRequested, user)], event)
        async with httpx.AsyncClient(base_url=url) as client:
            ready = await client.get("/readyz")
            metrics = (await client.get("/metrics")).text

    assert isinstance(reply, ReplyReady) and isinstance(voice, VoiceRequested)
    assert reply.causation_id == event.event_id
    assert reply.correlation_id == event.correlation_id
    assert (reply.model, reply.attempt, reply.producer) == (fallback, 1, "llm")
    assert reply.text.startswith(f'[emulator:{fallback}] I hear you: "Sing me something"')
    assert voice.reply_event_id == reply.event_id and voice.text == reply.text
    assert ready.status_code == 200, ready.text
    assert f'nectar_llm_calls_total{{model="{primary}",outcome="empty"}}' in metrics
    assert f'nectar_llm_calls_total{{model="{fallback}",outcome="ok"}}' in metrics
    spans = [json.loads(line) for line in (tmp_path / "spans.jsonl").read_text().splitlines()]
    calls = [s for s in spans if s["name"] == "llm.chat"
             and s["attributes"].get("model") in models]
    ours = {(s["attributes"]["model"], s["attributes"]["attempt"], s["attributes"]["outcome"])
            for s in calls}
    assert {(primary, 0, "empty"), (fallback, 1, "ok")} <= ours
    assert all(s["parent_span_id"] for s in calls)  # inside the consumer's trace


async def test_summary_requested_becomes_summary_written(infra, emulator, models, js,
                                                         tmp_path) -> None:
    _, summarizer = models
    await emulator.script(summarizer, "text:The user likes singing under the stars.",
                          times=None)
    user = random.randint(2 * 10**9, 3 * 10**9)
    event = SummaryRequested.new(
        producer="memory", user_id=user, chat_id=user, character="luna", session="1",
        window=0, language="en",
        lines=[ChatLine(role="user", content="I sing every night", at=AT),
               ChatLine(role="assistant", content="Under the stars?", at=AT)])

    async with llm_service(infra, emulator, models, tmp_path):
        [written] = await next_events(js, [subject_of(SummaryWritten, user)], event)

    assert isinstance(written, SummaryWritten)
    assert (written.text, written.model, written.window) == (
        "The user likes singing under the stars.", summarizer, 0)
    assert written.causation_id == event.event_id
