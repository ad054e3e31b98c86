"""The llm handlers with a fake chat model: fallback chain, failures, voice, summaries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from llm_fakes import FALLBACK, LAST, PRIMARY, SUMMARIZER
from nectar_contracts import (
    ChatLine,
    ContextReady,
    MemoryHit,
    ReplyFailed,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    VoiceRequested,
    derived_uuid7,
)
from nectar_llm.domain.errors import PermanentModelError, TransientModelError
from nectar_llm.domain.prompt import system_prefix
from nectar_llm.handlers import SummaryFailed, generate_reply, summarize_window

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def context(*, text: str = "How was the sky tonight?", reply_mode: str = "text",
            character: str = "luna", recent: list[ChatLine] | None = None,
            user_id: int = 4242) -> ContextReady:
    return ContextReady.new(
        producer="memory", user_id=user_id, chat_id=user_id, character=character,
        session="s1", text=text, language="en", plan="free", reply_mode=reply_mode,
        recent=recent if recent is not None else [
            ChatLine(role="user", content="hi Luna", at=AT),
            ChatLine(role="assistant", content="Hi! Come look at Jupiter.", at=AT)],
        summary="The user likes astronomy.",
        memories=[MemoryHit(text="The user has a cat named Miso.", score=0.8)])


def summary_request(lines: list[str] | None = None) -> SummaryRequested:
    lines = lines or ["I adopted a cat called Miso", "Miso is a lovely name!"]
    return SummaryRequested.new(
        producer="memory", user_id=77, chat_id=77, character="kai", session="s1", window=3,
        language="en", lines=[ChatLine(role="user" if i % 2 == 0 else "assistant",
                                       content=line, at=AT) for i, line in enumerate(lines)])


async def test_primary_answers_with_attempt_zero_and_derived_id(deps, fake_model) -> None:
    event = context()
    fake_model.then(PRIMARY, "  The sky was full of stars.  ")

    out = await generate_reply(event, deps)

    assert len(out) == 1
    reply = out[0]
    assert isinstance(reply, ReplyReady)
    assert reply.text == "The sky was full of stars."
    assert (reply.model, reply.attempt) == (PRIMARY, 0)
    assert reply.event_id == derived_uuid7(event.event_id, "llm", 0)
    assert reply.causation_id == event.event_id
    assert reply.correlation_id == event.correlation_id
    assert (reply.chat_id, reply.character, reply.session, reply.user_id) == (
        event.chat_id, event.character, event.session, event.user_id)
    assert reply.usage is not None and reply.usage.cached_tokens == 100
    assert fake_model.models_called == [PRIMARY]


async def test_reply_request_carries_prompt_and_sampling_settings(deps, fake_model) -> None:
    event = context(text="Tell me about Orion")

    await generate_reply(event, deps)

    request = fake_model.calls[0]
    assert (request.max_tokens, request.temperature) == (300, 0.9)  # free tier's limit
    assert request.messages[0].role == "system"
    assert request.messages[0].content == system_prefix(deps.characters.get("luna"))
    assert "astronomer" in request.messages[0].content
    assert (request.messages[-1].role, request.messages[-1].content) == (
        "user", "Tell me about Orion")


async def test_transient_error_moves_to_the_fallback_in_order(deps, fake_model) -> None:
    fake_model.then(PRIMARY, TransientModelError("HTTP 429", model=PRIMARY,
                                                 outcome="rate_limited", status=429))
    fake_model.then(FALLBACK, "Fallback here.")

    [reply] = await generate_reply(context(), deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.model, reply.attempt, reply.text) == (FALLBACK, 1, "Fallback here.")
    assert fake_model.models_called == [PRIMARY, FALLBACK]


async def test_empty_completion_is_a_failure_not_a_reply(deps, fake_model) -> None:
    fake_model.then(PRIMARY, "   \n ")
    fake_model.then(FALLBACK, "")
    fake_model.then(LAST, "Third time lucky.")

    [reply] = await generate_reply(context(), deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.model, reply.attempt, reply.text) == (LAST, 2, "Third time lucky.")
    assert fake_model.models_called == [PRIMARY, FALLBACK, LAST]


async def test_non_transient_4xx_ends_the_chain_with_a_clear_failure(deps, fake_model) -> None:
    fake_model.then(PRIMARY, PermanentModelError("HTTP 400: bad request", model=PRIMARY,
                                                 status=400))

    [failed] = await generate_reply(context(), deps)

    assert isinstance(failed, ReplyFailed)
    assert failed.reason == "internal"
    assert "non-transient error ends the chain" in failed.detail
    assert f"#0 {PRIMARY}: client_error: HTTP 400" in failed.detail
    assert fake_model.models_called == [PRIMARY]


async def test_rejected_key_or_credits_fail_as_unavailable(deps, fake_model) -> None:
    fake_model.then(PRIMARY, PermanentModelError("HTTP 402: Insufficient credits",
                                                 model=PRIMARY, status=402))

    [failed] = await generate_reply(context(), deps)

    assert isinstance(failed, ReplyFailed) and failed.reason == "unavailable"
    assert fake_model.models_called == [PRIMARY]


async def test_all_models_failing_emits_reply_failed_with_each_rung(deps, fake_model) -> None:
    event = context()
    fake_model.then(PRIMARY, TransientModelError("HTTP 503: upstream down", model=PRIMARY,
                                                 outcome="server_error", status=503))
    fake_model.then(FALLBACK, TransientModelError("HTTP 502: bad gateway", model=FALLBACK,
                                                  outcome="server_error", status=502))
    fake_model.then(LAST, TransientModelError("timeout after 30.0s", model=LAST,
                                              outcome="timeout"))

    [failed] = await generate_reply(event, deps)

    assert isinstance(failed, ReplyFailed)
    assert failed.reason == "all_models_failed"
    assert failed.event_id == derived_uuid7(event.event_id, "llm", 0)
    assert failed.language == "en"
    assert (failed.chat_id, failed.character, failed.session) == (event.chat_id, "luna", "s1")
    assert f"#0 {PRIMARY}: server_error: HTTP 503" in failed.detail
    assert f"#1 {FALLBACK}: server_error: HTTP 502" in failed.detail
    assert f"#2 {LAST}: timeout" in failed.detail
    assert "sk-unit-secret" not in failed.detail
    assert fake_model.models_called == [PRIMARY, FALLBACK, LAST]


async def test_voice_turn_also_requests_voice_with_deterministic_ids(deps, fake_model) -> None:
    event = context(reply_mode="voice")
    fake_model.then(PRIMARY, "Listen to the night.", "A different answer on redelivery.")

    first = await generate_reply(event, deps)
    again = await generate_reply(event, deps)  # redelivery of the same input

    reply, voice = first
    assert isinstance(reply, ReplyReady) and isinstance(voice, VoiceRequested)
    assert reply.reply_mode == "voice"
    assert reply.event_id == derived_uuid7(event.event_id, "llm", 0)
    assert voice.event_id == derived_uuid7(event.event_id, "llm", 1)
    assert voice.reply_event_id == reply.event_id
    assert (voice.text, voice.language) == ("Listen to the night.", "en")
    assert voice.plan == event.plan  # the voice budget is per plan
    assert voice.causation_id == event.event_id
    assert [e.event_id for e in again] == [reply.event_id, voice.event_id]


async def test_text_turn_requests_no_voice(deps) -> None:
    out = await generate_reply(context(reply_mode="text"), deps)

    assert [type(e) for e in out] == [ReplyReady]


async def test_unknown_character_gets_the_neutral_persona(deps, fake_model) -> None:
    await generate_reply(context(character="nobody-knows"), deps)

    system = fake_model.calls[0].messages[0].content
    assert system == system_prefix(deps.characters.default)
    assert "Luna" not in system


async def test_every_call_gets_a_span_and_metrics(deps, fake_model, spans, registry) -> None:
    fake_model.then(PRIMARY, TransientModelError("HTTP 429", model=PRIMARY,
                                                 outcome="rate_limited", status=429))

    await generate_reply(context(), deps)

    calls = [s for s in spans.get_finished_spans() if s.name == "llm.chat"]
    assert [(s.attributes["model"], s.attributes["attempt"], s.attributes["outcome"])
            for s in calls] == [(PRIMARY, 0, "rate_limited"), (FALLBACK, 1, "ok")]

    def calls_total(model: str, outcome: str) -> float | None:
        return registry.get_sample_value("nectar_llm_calls_total",
                                         {"model": model, "outcome": outcome})

    assert calls_total(PRIMARY, "rate_limited") == 1
    assert calls_total(FALLBACK, "ok") == 1
    assert registry.get_sample_value("nectar_llm_call_seconds_count",
                                     {"model": FALLBACK, "outcome": "ok"}) == 1
    assert registry.get_sample_value("nectar_llm_cost_usd_total", {"model": FALLBACK}) \
        == pytest.approx(0.0004)


async def test_summary_is_written_by_the_summary_model(deps, fake_model) -> None:
    event = summary_request()
    fake_model.then(SUMMARIZER, " The user adopted a cat named Miso. ")

    [written] = await summarize_window(event, deps)

    assert isinstance(written, SummaryWritten)
    assert (written.text, written.model, written.window) == (
        "The user adopted a cat named Miso.", SUMMARIZER, 3)
    assert written.event_id == derived_uuid7(event.event_id, "llm", 0)
    assert (written.chat_id, written.character, written.session) == (77, "kai", "s1")
    request = fake_model.calls[0]
    assert request.model == SUMMARIZER
    assert "I adopted a cat called Miso" in request.messages[-1].content
    assert "Kai: Miso is a lovely name!" in request.messages[-1].content


async def test_empty_summary_raises_so_the_runtime_retries(deps, fake_model) -> None:
    fake_model.then(SUMMARIZER, "  ")

    with pytest.raises(SummaryFailed, match="window 3"):
        await summarize_window(summary_request(), deps)

    assert fake_model.models_called == [SUMMARIZER]
