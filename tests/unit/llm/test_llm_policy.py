"""Routing file, salvage in the chain, plan-aware rescue, safety overrides, content gating,
cost guard and cooldowns: the llm handlers with fake ports."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from llm_fakes import (
    FALLBACK,
    GEMINI,
    LAST,
    PRIMARY,
    RESCUE,
    RESCUE_PREFIX,
    ROLEPLAY,
    SUMMARIZER,
    routing_toml,
    write_routing,
)
from nectar_contracts import ChatLine, ContextReady, ReplyFailed, ReplyReady, SummaryRequested
from nectar_contracts.plans import PlanCatalog, load_plan_catalog, parse_plan_catalog
from nectar_llm.domain.errors import TransientModelError
from nectar_llm.domain.gating import KeywordClassifier
from nectar_llm.domain.refusals import soft_refusal
from nectar_llm.domain.routing import RoutingError, render_markdown
from nectar_llm.domain.safety import SAFETY_CATEGORIES
from nectar_llm.domain.salvage import use_scorer
from nectar_llm.handlers import SOFT_REFUSAL_MODEL, generate_reply, summarize_window
from nectar_llm.routing_file import DEFAULT_ROUTING_FILE, RoutingSource, load_routing
from salvage_corpus import stories

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "llm-routing.md"


def context(*, plan: str = "free", text: str = "How was the sky tonight?",
            language: str = "en", user_id: int = 4242, content_mode: str | None = None,
            recent: list[ChatLine] | None = None) -> ContextReady:
    return ContextReady.new(
        producer="memory", user_id=user_id, chat_id=user_id, character="luna", session="s1",
        text=text, language=language, plan=plan, reply_mode="text", recent=recent or [],
        content_mode=content_mode)


STORY = stories("en")[0]
TAIL = "I'm sorry, but I can't continue with this."


# routing file ---------------------------------------------------------------------------

def test_shipped_routing_file_is_valid_and_docs_are_generated_from_it() -> None:
    table = load_routing(DEFAULT_ROUTING_FILE)
    assert DOCS.read_text() == render_markdown(table), \
        "docs/llm-routing.md is stale: run `nectar llm route --docs`"
    for plan in ("free", "basic", "premium", "vip", "elite"):
        for mode in ("natural", "instant", "explicit"):
            chain = table.route(plan, mode).chain.models
            assert len({table.provider(m) for m in chain}) == len(chain)
    assert table.route("free", "natural").rescue == ()
    assert table.route("vip", "natural").rescue


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("version = 1", "version = 7"), "unsupported routing file version 7"),
    (lambda t: t.replace("[tiers.elite]", "[tiers.gold]"), "tiers.gold"),
    (lambda t: t.replace('instant = ["provider-a', 'instantt = ["provider-a', 1),
     "tiers.free.routes.instantt"),
    (lambda t: t.replace(f'"{FALLBACK}", "{LAST}"', f'"{PRIMARY}", "{LAST}"', 1),
     "fallbacks must use different providers"),
    (lambda t: t.replace("max_tokens = 300\n", "max_tokens = 0\n", 1),
     "tiers.free.max_tokens"),
    (lambda t: t.replace("rescue = false", 'rescue = false\nceiling = "explicit"', 1),
     "ceiling: a plan's content ceiling and context budget come from the plan catalog"),
    (lambda t: t.replace("rescue = false", "rescue = false\ncontext_tokens = 9000", 1),
     "context_tokens: a plan's content ceiling"),
    (lambda t: t.replace("stay_in_character = true", "stay_in_character = false"),
     "no model is marked stay_in_character"),
    (lambda t: t + "\n[extra]\nx = 1\n", "extra"),
    (lambda t: t.replace("version = 1", "version = "), "not valid TOML"),
])
def test_invalid_routing_files_are_refused_with_the_key_named(tmp_path, edit, message) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(edit(routing_toml()))
    with pytest.raises(RoutingError) as info:
        load_routing(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def catalog_with(**changes: dict[str, object]) -> PlanCatalog:
    """The shipped plan catalog with some plans' entitlements changed."""
    data = load_plan_catalog().model_dump(mode="json")
    for plan, entitlements in changes.items():
        data["plans"][plan]["entitlements"].update(entitlements)
    return parse_plan_catalog({**data, "plans": {name: {k: v for k, v in spec.items()
                                                        if k != "name"}
                                                 for name, spec in data["plans"].items()}})


def test_ceiling_and_context_budget_come_from_the_plan_catalog(tmp_path) -> None:
    path = write_routing(tmp_path / "routing.toml")
    shipped = load_plan_catalog()
    table = load_routing(path)
    for plan in ("free", "basic", "premium", "vip", "elite"):
        route = table.route(plan, "natural")
        assert route.ceiling == shipped[plan].entitlements.content_ceiling
        assert route.context_tokens == shipped[plan].entitlements.context_tokens

    changed = load_routing(path, catalog_with(
        premium={"content_ceiling": "explicit", "context_tokens": 12345}))
    assert (changed.route("premium", "instant").ceiling,
            changed.route("premium", "instant").context_tokens) == ("explicit", 12345)
    assert changed.lowest_plan_allowing("explicit") == "premium"
    assert table.lowest_plan_allowing("explicit") == "vip"


def test_missing_routing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(RoutingError, match="cannot read routing file"):
        load_routing(tmp_path / "nope.toml")


def test_routing_file_reloads_on_change_and_keeps_the_old_table_on_a_bad_edit(
        tmp_path) -> None:
    path = write_routing(tmp_path / "routing.toml")
    source = RoutingSource(path, check_interval_s=0)
    assert source.current().route("free", "natural").chain.primary == PRIMARY

    write_routing(path, chain=(LAST, FALLBACK))
    os.utime(path, ns=(1, 10**18))
    assert source.current().route("free", "natural").chain.primary == LAST
    assert source.reloads == 1

    path.write_text("version = 1\n")  # invalid: no tiers
    os.utime(path, ns=(1, 2 * 10**18))
    assert source.current().route("free", "natural").chain.primary == LAST
    assert source.reload_errors == 1


def test_describe_prints_the_chain_that_would_run() -> None:
    table = load_routing(DEFAULT_ROUTING_FILE)
    text = table.describe("vip", "explicit")
    assert "#0 primary" in text and "google/gemini-3.1-flash-lite-preview" in text
    assert "+stay-in-character prefix" in text
    with pytest.raises(RoutingError, match="unknown plan"):
        table.describe("gold", "natural")


async def test_plan_and_content_mode_pick_the_chain_and_tier_limits(deps, fake_model) -> None:
    [reply] = await generate_reply(context(plan="vip", content_mode="instant"), deps)

    assert reply.model == GEMINI
    assert fake_model.calls[0].max_tokens == 600  # vip's limit in the test file


async def test_context_budget_drops_the_oldest_recent_lines(deps, fake_model) -> None:
    recent = [ChatLine(role="user" if i % 2 == 0 else "assistant", content=f"{i} " + "x" * 2000,
                       at=AT) for i in range(20)]
    await generate_reply(context(recent=recent), deps)

    sent = fake_model.calls[0].messages
    kept = [m.content.split(" ")[0] for m in sent[2:-1]]
    assert kept and kept[-1] == "19" and "0" not in kept
    assert sum(len(m.content) for m in sent) / 4 <= 4000 + 10


# salvage in the chain, rescue -------------------------------------------------------------

async def test_refusal_tail_is_salvaged_without_any_extra_call(deps, fake_model,
                                                                registry) -> None:
    fake_model.then(PRIMARY, f"{STORY} {TAIL}")

    [reply] = await generate_reply(context(plan="premium"), deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.text, reply.outcome, reply.attempt) == (STORY, "salvaged", 0)
    assert fake_model.models_called == [PRIMARY]
    assert registry.get_sample_value("nectar_llm_salvage_total",
                                     {"model": PRIMARY, "result": "salvaged"}) == 1


class _SlowScorer:
    """A sentence scorer that takes its time (as the real one does on a long answer) and
    says nothing; records the thread it ran on."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def probabilities(self, texts):  # type: ignore[no-untyped-def]
        self.threads.append(threading.get_ident())
        time.sleep(0.3)


async def test_salvage_runs_off_the_event_loop(deps, fake_model) -> None:
    fake_model.then(PRIMARY, f"{STORY} {TAIL}")
    scorer = _SlowScorer()
    previous = use_scorer(scorer)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    try:
        [reply] = await generate_reply(context(plan="premium"), deps)
    finally:
        running.cancel()
        use_scorer(previous)

    assert isinstance(reply, ReplyReady) and reply.text == STORY  # the cues alone cut it
    assert scorer.threads and threading.get_ident() not in scorer.threads
    assert ticks >= 10  # the loop went on while the scorer worked for 0.3 s


async def test_free_refusal_gets_an_in_character_soft_refusal_and_no_rescue_call(
        deps, fake_model, registry) -> None:
    fake_model.then(PRIMARY, "Извините, но я не могу продолжить этот разговор.")

    [reply] = await generate_reply(context(plan="free", language="ru"), deps)

    assert isinstance(reply, ReplyReady)
    assert reply.outcome == "soft_refusal" and reply.model == SOFT_REFUSAL_MODEL
    assert reply.text == soft_refusal("Luna", "ru") and "Luna" in reply.text
    assert fake_model.models_called == [PRIMARY]  # no fallback, no rescue
    assert registry.get_sample_value("nectar_llm_rescue_total",
                                     {"result": "skipped_free"}) == 1


async def test_free_silent_refusal_on_every_rung_is_a_soft_refusal(deps, fake_model) -> None:
    fake_model.then(PRIMARY, "").then(FALLBACK, " ").then(LAST, "")

    [reply] = await generate_reply(context(plan="free"), deps)

    assert reply.outcome == "soft_refusal" and reply.attempt == 3
    assert fake_model.models_called == [PRIMARY, FALLBACK, LAST]


async def test_paid_refusal_is_rescued_on_another_provider(deps, fake_model, registry,
                                                           spans) -> None:
    fake_model.then(PRIMARY, TAIL)
    fake_model.then(RESCUE, "The rescue model stays in the scene.")

    [reply] = await generate_reply(context(plan="basic"), deps)

    assert (reply.text, reply.model, reply.outcome, reply.attempt) == (
        "The rescue model stays in the scene.", RESCUE, "rescued", 1)
    assert fake_model.models_called == [PRIMARY, RESCUE]
    assert RESCUE_PREFIX not in [m.content for m in fake_model.calls[1].messages]
    assert registry.get_sample_value("nectar_llm_rescue_total", {"result": "rescued"}) == 1
    calls = [(s.attributes["model"], s.attributes["purpose"], s.attributes["outcome"])
             for s in spans.get_finished_spans() if s.name == "llm.chat"]
    assert calls == [(PRIMARY, "chat", "refused"), (RESCUE, "rescue", "ok")]


async def test_stay_in_character_prefix_goes_only_to_the_model_configured_for_it(
        deps, fake_model) -> None:
    fake_model.then(PRIMARY, TAIL).then(RESCUE, "As an AI, I can't write this.")
    fake_model.then(ROLEPLAY, "*Luna laughs and pulls you closer to the telescope.*")

    [reply] = await generate_reply(context(plan="premium"), deps)

    assert (reply.model, reply.outcome) == (ROLEPLAY, "rescued")
    roleplay_call = fake_model.calls[2]
    assert roleplay_call.messages[0].content == RESCUE_PREFIX
    assert roleplay_call.messages[1].cacheable  # the persona prefix follows unchanged


async def test_paid_refusal_when_rescue_also_refuses_is_a_soft_refusal(deps,
                                                                      fake_model) -> None:
    fake_model.then(GEMINI, TAIL).then(RESCUE, TAIL).then(ROLEPLAY, "")

    [reply] = await generate_reply(context(plan="elite", language="de"), deps)

    assert reply.outcome == "soft_refusal" and reply.text == soft_refusal("Luna", "de")
    assert reply.attempt == 3
    assert fake_model.models_called == [GEMINI, RESCUE, ROLEPLAY]


async def test_rescue_skips_rungs_on_the_refusing_provider(tmp_path, deps, fake_model) -> None:
    write_routing(tmp_path / "routing.toml", rescue=(PRIMARY.replace("primary-70b", "other"),
                                                     ROLEPLAY))
    os.utime(tmp_path / "routing.toml", ns=(1, 10**18))
    deps.routing.check_interval_s = 0
    fake_model.then(PRIMARY, TAIL)

    [reply] = await generate_reply(context(plan="basic"), deps)

    assert fake_model.models_called == [PRIMARY, ROLEPLAY]
    assert reply.outcome == "rescued"


# safety overrides ---------------------------------------------------------------------------

async def test_gemini_chat_calls_carry_block_none_on_the_four_categories(deps,
                                                                         fake_model) -> None:
    await generate_reply(context(plan="vip"), deps)

    body = fake_model.calls[0].extra_body
    assert fake_model.calls[0].model == GEMINI
    assert [s["category"] for s in body["safety_settings"]] == list(SAFETY_CATEGORIES)
    assert {s["threshold"] for s in body["safety_settings"]} == {"BLOCK_NONE"}


async def test_other_models_and_summaries_never_carry_safety_overrides(
        tmp_path, deps, fake_model) -> None:
    write_routing(tmp_path / "routing.toml", summary=(GEMINI,))
    os.utime(tmp_path / "routing.toml", ns=(1, 10**18))
    deps.routing.check_interval_s = 0
    await generate_reply(context(plan="free"), deps)
    await summarize_window(SummaryRequested.new(
        producer="memory", user_id=1, chat_id=1, character="luna", session="s1", window=0,
        language="en", lines=[ChatLine(role="user", content="hi", at=AT)]), deps)

    chat, summary = fake_model.calls
    assert chat.model == PRIMARY and "safety_settings" not in chat.extra_body
    assert summary.model == GEMINI and "safety_settings" not in summary.extra_body


# content gating ------------------------------------------------------------------------------

def test_keyword_classifier_rates_lines() -> None:
    classifier = KeywordClassifier()
    assert classifier.classify("What's your favourite constellation?") == "sfw"
    assert classifier.classify("Can I kiss you?") == "romantic"
    assert classifier.classify("Поцелуй меня") == "romantic"
    assert classifier.classify("You look so sexy tonight") == "suggestive"
    assert classifier.classify("Get naked for me") == "explicit"


async def test_turn_over_the_plan_ceiling_is_answered_in_character_with_upsell(
        deps, fake_model, registry) -> None:
    [reply] = await generate_reply(context(plan="free", text="You look so sexy, seduce me"),
                                   deps)

    assert isinstance(reply, ReplyReady)
    assert (reply.upsell, reply.outcome) == ("basic", "gated")
    notes = fake_model.calls[0].messages[1].content
    assert "Content limit for this turn" in notes and "nothing sexual" in notes
    assert registry.get_sample_value("nectar_llm_gated_total",
                                     {"plan": "free", "escalation": "suggestive"}) == 1


async def test_turn_within_the_ceiling_has_no_upsell_and_routes_explicit(deps,
                                                                         fake_model) -> None:
    [reply] = await generate_reply(context(plan="vip", text="Get naked for me"), deps)

    assert reply.upsell is None and reply.outcome == "answered"
    assert "Content limit" not in fake_model.calls[0].messages[1].content


# cost guard, cooldowns ------------------------------------------------------------------------

async def test_over_budget_user_is_refused_before_any_model_call(deps, fake_model,
                                                                 cost_guard) -> None:
    cost_guard.spent[4242] = 5.0

    [failed] = await generate_reply(context(), deps)

    assert isinstance(failed, ReplyFailed) and failed.reason == "over_budget"
    assert "user daily ceiling" in failed.detail
    assert fake_model.calls == []


async def test_unreadable_counters_fail_closed(deps, fake_model, cost_guard) -> None:
    cost_guard.unavailable = True

    [failed] = await generate_reply(context(), deps)

    assert isinstance(failed, ReplyFailed) and failed.reason == "over_budget"
    assert fake_model.calls == []


async def test_spend_of_every_call_is_recorded(deps, fake_model, cost_guard) -> None:
    fake_model.then(PRIMARY, "")  # empty but billed

    await generate_reply(context(user_id=9), deps)

    assert cost_guard.spent[9] == pytest.approx(2 * 0.0004)


async def test_429_puts_the_model_on_cooldown_and_later_turns_skip_it(deps, fake_model,
                                                                     cooldowns) -> None:
    fake_model.then(PRIMARY, TransientModelError("HTTP 429", model=PRIMARY,
                                                 outcome="rate_limited", status=429,
                                                 retry_after_s=12))
    await generate_reply(context(), deps)
    assert cooldowns.cooling == {PRIMARY: 12}

    [reply] = await generate_reply(context(user_id=5), deps)

    assert fake_model.models_called == [PRIMARY, FALLBACK, FALLBACK]
    assert (reply.model, reply.attempt) == (FALLBACK, 1)


async def test_every_model_cooling_down_fails_as_rate_limited(deps, fake_model,
                                                              cooldowns) -> None:
    for model in (PRIMARY, FALLBACK, LAST):
        await cooldowns.put(model, 5)

    [failed] = await generate_reply(context(), deps)

    assert isinstance(failed, ReplyFailed) and failed.reason == "rate_limited"
    assert fake_model.calls == []


async def test_summary_uses_the_routing_file_summary_chain(deps, fake_model) -> None:
    await summarize_window(SummaryRequested.new(
        producer="memory", user_id=1, chat_id=1, character="luna", session="s1", window=0,
        language="en", lines=[ChatLine(role="user", content="hi", at=AT)]), deps)
    assert fake_model.calls[0].model == SUMMARIZER
    assert fake_model.calls[0].max_tokens == 300


async def test_a_refused_summary_is_never_written(deps, fake_model) -> None:
    from nectar_llm.handlers import SummaryFailed

    fake_model.then(SUMMARIZER, "I'm sorry, but I can't help with summarising this.")
    with pytest.raises(SummaryFailed, match="refused"):
        await summarize_window(SummaryRequested.new(
            producer="memory", user_id=1, chat_id=1, character="luna", session="s1",
            window=0, language="en", lines=[ChatLine(role="user", content="hi", at=AT)]),
            deps)


class AlwaysExplicit:
    """A stand-in classifier: the gate takes any implementation of the port."""

    def classify(self, text: str, language: str = "en") -> str:
        return "explicit"


async def test_the_classifier_is_pluggable(settings, fake_model, cost_guard, cooldowns,
                                           registry) -> None:
    from nectar_llm.bootstrap import build_deps
    from opentelemetry.sdk.trace import TracerProvider

    deps = build_deps(settings, tracer=TracerProvider().get_tracer("t"), chat_model=fake_model,
                      cost_guard=cost_guard, cooldowns=cooldowns, registry=registry,
                      classifier=AlwaysExplicit())
    [reply] = await generate_reply(context(plan="basic", text="Tell me about Orion"), deps)

    assert (reply.upsell, reply.outcome) == ("vip", "gated")  # the catalog's first explicit


def test_an_invalid_routing_file_stops_the_service_at_start(tmp_path) -> None:
    from nectar_llm.app import create_app
    from nectar_llm.settings import LlmSettings

    path = tmp_path / "routing.toml"
    path.write_text(routing_toml().replace("max_tokens = 300\n", "max_tokens = 0\n", 1))
    with pytest.raises(RoutingError, match="tiers.free.max_tokens"):
        create_app(LlmSettings(routing_file=path))
