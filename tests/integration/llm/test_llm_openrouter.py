"""The OpenRouter adapter and the reply chain against the OpenRouter emulator (real HTTP,
real wire format, scripted failures)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from llm_emulator import EMULATOR_KEY, Emulator, routing_toml
from nectar_contracts import ChatLine, ContextReady, ReplyFailed, ReplyReady
from nectar_llm.adapters.openrouter import OpenRouterChatModel
from nectar_llm.bootstrap import build_deps
from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.errors import EmptyCompletion, PermanentModelError, TransientModelError
from nectar_llm.domain.model import ChatMessage, ChatRequest
from nectar_llm.domain.prompt import build_reply_prompt
from nectar_llm.handlers import generate_reply
from nectar_llm.settings import LlmSettings
from nectar_runtime import InfraSettings
from nectar_runtime.testing import free_port
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

pytestmark = pytest.mark.integration

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
HELLO = (ChatMessage("system", "You are a test persona.", cacheable=True),
         ChatMessage("user", "hello there"))


def request(model: str, *, stream: bool = False, messages=HELLO) -> ChatRequest:
    return ChatRequest(model=model, messages=messages, max_tokens=64, temperature=0.5,
                       stream=stream)


@pytest.fixture
async def chat_model(emulator: Emulator) -> AsyncIterator[OpenRouterChatModel]:
    model = OpenRouterChatModel(base_url=emulator.api_base, api_key=SecretStr(EMULATOR_KEY),
                                http_referer="https://nectar.test", app_title="Nectar tests",
                                timeout_s=2.0, connect_timeout_s=1.0)
    await model.start()
    yield model
    await model.close()


async def test_answer_carries_text_usage_cost_and_the_request_is_well_formed(
        emulator, chat_model, models) -> None:
    primary, _ = models

    completion = await chat_model.complete(request(primary))

    assert completion.text == f'[emulator:{primary}] I hear you: "hello there"'
    assert (completion.model, completion.finish_reason) == (primary, "stop")
    assert completion.usage.prompt > 0 and completion.usage.completion > 0
    assert completion.usage.cost > 0
    assert completion.ttft_ms is None and completion.total_ms > 0
    [call] = await emulator.calls(primary)
    body = call["body"]
    assert (body["max_tokens"], body["temperature"]) == (64, 0.5)
    assert "usage" not in body  # deprecated at OpenRouter: usage is always reported
    assert body["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["messages"][1] == {"role": "user", "content": "hello there"}


async def test_streamed_answer_measures_time_to_first_token(chat_model, models) -> None:
    primary, _ = models

    completion = await chat_model.complete(request(primary, stream=True))

    assert completion.text == f'[emulator:{primary}] I hear you: "hello there"'
    assert completion.finish_reason == "stop"
    assert completion.ttft_ms is not None and 0 < completion.ttft_ms <= completion.total_ms
    assert completion.usage.completion > 0 and completion.usage.cost > 0


async def test_stream_usage_arrives_in_a_last_chunk_without_choices(emulator, chat_model,
                                                                   models) -> None:
    primary, _ = models

    streamed = await chat_model.complete(request(primary, stream=True))
    whole = await chat_model.complete(request(primary))

    # the emulator now ends a stream as OpenRouter does: finish chunk, then usage only
    assert streamed.usage.cost > 0 and streamed.usage.prompt == whole.usage.prompt
    assert streamed.usage.completion == whole.usage.completion


async def test_stable_prefix_is_read_from_cache_on_the_next_turn(chat_model, models) -> None:
    primary, _ = models
    luna = CharacterCatalog().get("luna")
    turn1 = build_reply_prompt(luna, text="hi", language="en", recent=[])
    turn2 = build_reply_prompt(luna, text="and the moon?", language="en",
                               recent=[ChatLine(role="user", content="hi", at=AT),
                                       ChatLine(role="assistant", content="Hello!", at=AT)],
                               summary="They met today.")

    first = await chat_model.complete(request(primary, messages=turn1))
    second = await chat_model.complete(request(primary, messages=turn2))

    assert first.usage.cached == 0
    assert first.usage.cache_write > 0  # the first turn writes the prefix
    assert second.usage.cached > 0
    assert second.usage.cached <= second.usage.prompt


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("behaviour", "finish_reason"), [
    ("empty_stop", "stop"), ("content_filter", "content_filter"), ("length_empty", "length")])
async def test_http_200_with_empty_content_is_an_empty_completion(
        emulator, chat_model, models, behaviour, finish_reason, stream) -> None:
    primary, _ = models
    await emulator.script(primary, behaviour)

    with pytest.raises(EmptyCompletion) as caught:
        await chat_model.complete(request(primary, stream=stream))

    assert caught.value.finish_reason == finish_reason
    assert (caught.value.outcome, caught.value.model) == ("empty", primary)


@pytest.mark.parametrize("stream", [False, True])
async def test_429_is_transient_with_retry_after(emulator, chat_model, models, stream) -> None:
    primary, _ = models
    await emulator.script(primary, "http_429:7")

    with pytest.raises(TransientModelError) as caught:
        await chat_model.complete(request(primary, stream=stream))

    assert (caught.value.status, caught.value.outcome, caught.value.retry_after_s) == (
        429, "rate_limited", 7.0)


@pytest.mark.parametrize(("behaviour", "error", "outcome"), [
    ("http_500", TransientModelError, "server_error"),
    ("http_503", TransientModelError, "server_error"),
    ("http_408", TransientModelError, "transient"),
    ("http_400", PermanentModelError, "client_error"),
    ("http_402", PermanentModelError, "client_error"),
    ("http_402:30", TransientModelError, "payment_required"),
    ("http_403", PermanentModelError, "moderated"),
    ("mid_stream_error", TransientModelError, "server_error"),
    ("stream_cut", TransientModelError, "connection"),
])
@pytest.mark.parametrize("stream", [False, True])
async def test_provider_failures_become_domain_errors(
        emulator, chat_model, models, behaviour, error, outcome, stream) -> None:
    primary, _ = models
    await emulator.script(primary, behaviour)

    with pytest.raises(error) as caught:
        await chat_model.complete(request(primary, stream=stream))

    assert caught.value.outcome == outcome
    assert EMULATOR_KEY not in str(caught.value)


async def test_wrong_key_is_permanent_and_never_echoed(emulator, models) -> None:
    primary, _ = models
    model = OpenRouterChatModel(base_url=emulator.api_base,
                                api_key=SecretStr("sk-or-wrong-secret"))
    await model.start()
    try:
        with pytest.raises(PermanentModelError) as caught:
            await model.complete(request(primary))
    finally:
        await model.close()

    assert caught.value.status == 401
    assert "sk-or-wrong-secret" not in str(caught.value)


async def test_slow_model_times_out_at_the_request_deadline(emulator, chat_model,
                                                            models) -> None:
    primary, _ = models
    await emulator.script(primary, "timeout:5")
    started = time.monotonic()

    with pytest.raises(TransientModelError) as caught:
        await chat_model.complete(request(primary))

    assert caught.value.outcome == "timeout"
    assert time.monotonic() - started < 4


async def test_unreachable_provider_is_a_transient_connection_error(models) -> None:
    model = OpenRouterChatModel(base_url=f"http://127.0.0.1:{free_port()}/api/v1",
                                api_key=SecretStr("k"), connect_timeout_s=1.0)
    await model.start()
    try:
        with pytest.raises(TransientModelError) as caught:
            await model.complete(request(models[0]))
    finally:
        await model.close()

    assert caught.value.outcome == "connection"


# The reply chain with the real adapter


@pytest.fixture
async def chain_deps(infra, emulator, models, tmp_path):
    primary, fallback = models
    routing = tmp_path / "routing.toml"
    routing.write_text(routing_toml([primary, fallback]))
    settings = LlmSettings(infra=InfraSettings(nats_url=infra.nats_url,
                                               redis_url=infra.redis_url),
                           openrouter_base_url=emulator.api_base,
                           openrouter_api_key=EMULATOR_KEY, routing_file=routing,
                           request_timeout_s=2.0)
    deps = build_deps(settings, tracer=TracerProvider().get_tracer("it"),
                      registry=CollectorRegistry())
    for dep in (deps.chat_model, deps.cost_guard, deps.cooldowns):
        await dep.start()
    yield deps
    for dep in (deps.chat_model, deps.cost_guard, deps.cooldowns):
        await dep.close()


def context(text: str = "Do you see Orion?") -> ContextReady:
    return ContextReady.new(producer="memory", user_id=9001, chat_id=9001, character="luna",
                            session="1", text=text, language="en", plan="free",
                            reply_mode="text", recent=[])


async def test_silent_refusal_of_the_primary_is_answered_by_the_fallback(
        emulator, chain_deps, models) -> None:
    primary, fallback = models
    await emulator.script(primary, "content_filter")

    [reply] = await generate_reply(context(), chain_deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.model, reply.attempt) == (fallback, 1)
    assert reply.text == f'[emulator:{fallback}] I hear you: "Do you see Orion?"'
    assert reply.usage is not None and reply.usage.cost_usd > 0


async def test_rate_limited_primary_moves_to_the_fallback(emulator, chain_deps,
                                                          models) -> None:
    primary, fallback = models
    await emulator.script(primary, "http_429")

    [reply] = await generate_reply(context(), chain_deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.model, reply.attempt) == (fallback, 1)


async def test_both_models_failing_is_a_reply_failed(emulator, chain_deps, models) -> None:
    primary, fallback = models
    await emulator.script(primary, "http_500")
    await emulator.script(fallback, "http_500")

    [failed] = await generate_reply(context(), chain_deps)

    assert isinstance(failed, ReplyFailed)
    assert failed.reason == "all_models_failed"
    assert f"#0 {primary}: server_error: HTTP 500" in failed.detail
    assert f"#1 {fallback}: server_error: HTTP 500" in failed.detail
    assert EMULATOR_KEY not in failed.detail
    assert len(await emulator.calls(primary)) == len(await emulator.calls(fallback)) == 1
