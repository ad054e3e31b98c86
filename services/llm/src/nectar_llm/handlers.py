"""llm handlers: `verb_noun(event, deps) -> list[Event]`."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nectar_contracts import (
    ContextReady,
    Event,
    ReplyFailed,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    Usage,
    VoiceRequested,
)

from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.errors import AllModelsFailed, BudgetExceeded, GuardUnavailable
from nectar_llm.domain.gating import ceiling_note, over_ceiling
from nectar_llm.domain.model import Answer, ChatMessage, TokenUsage
from nectar_llm.domain.prompt import build_reply_prompt, build_summary_prompt
from nectar_llm.domain.refusals import soft_refusal
from nectar_llm.domain.routing import ModelChain, Route, RoutingTable
from nectar_llm.domain.safety import CHAT, safety_overrides
from nectar_llm.fallback import run_chain
from nectar_llm.ports import (
    ChatModel,
    Cooldowns,
    CostGuard,
    EscalationClassifier,
    RoutingTables,
)
from nectar_llm.telemetry import CallTelemetry
from nectar_runtime import Index, On

PRODUCER = "llm"
#: `model` of a reply the service synthesized itself (no model answered)
SOFT_REFUSAL_MODEL = "nectar/in-character-soft-refusal"

log = logging.getLogger("nectar.llm.handlers")


@dataclass(frozen=True)
class Deps:
    """What llm handlers need: the model port, routing, guards, characters, telemetry."""

    chat_model: ChatModel
    routing: RoutingTables
    characters: CharacterCatalog
    classifier: EscalationClassifier
    cost_guard: CostGuard
    cooldowns: Cooldowns | None
    telemetry: CallTelemetry
    temperature: float = 0.9
    stream: bool = False
    default_cooldown_s: float = 30.0


class SummaryFailed(Exception):
    """No model wrote a usable summary; raised so the runtime redelivers the request later
    (and dead-letters it after the delivery cap). An empty summary is never published."""


def _usage(usage: TokenUsage) -> Usage:
    return Usage(prompt_tokens=usage.prompt, completion_tokens=usage.completion,
                 cached_tokens=usage.cached, cache_write_tokens=usage.cache_write,
                 cost_usd=usage.cost)


def _options(table: RoutingTable, purpose: str):
    def options(model: str) -> tuple[Mapping[str, Any], bool]:
        spec = table.model(model)
        return safety_overrides(purpose, spec.safety_off), spec.cache_marker
    return options


def end_user(user_id: int, character: str, session: str) -> str:
    """Opaque, stable id of a conversation for the provider's `user` field (sticky routing
    keeps its prompt cache warm); never the raw Telegram id."""
    digest = hashlib.sha256(f"nectar:{user_id}:{character}:{session}".encode()).hexdigest()
    return f"nectar-{digest[:24]}"


def _rejected_reason(status: int | None) -> str:
    # 401/402/403: our key, credits or account; nothing the user did. Others: our request.
    return "unavailable" if status in (401, 402, 403) else "internal"


async def _rescue(event: ContextReady, deps: Deps, table: RoutingTable, route: Route,
                  messages: tuple[ChatMessage, ...], failed: AllModelsFailed) -> Answer | None:
    """Paid tiers: rescue rungs on providers other than the refusing ones; the models
    marked `stay_in_character` get the configured system prefix first."""
    refusing = {table.provider(a.model) for a in failed.attempts
                if a.outcome in ("empty", "refused")}
    models = tuple(m for m in route.rescue if table.provider(m) not in refusing)
    if not models:
        deps.telemetry.rescue("no_rung")
        return None
    prefix = ChatMessage("system", table.spec.rescue.stay_in_character_prefix)

    def prompt(model: str) -> tuple[ChatMessage, ...]:
        return (prefix, *messages) if table.model(model).stay_in_character else messages

    try:
        answer = await run_chain(
            deps.chat_model, ModelChain(models), prompt, max_tokens=route.max_tokens,
            temperature=deps.temperature, stream=deps.stream, telemetry=deps.telemetry,
            purpose="rescue", options=_options(table, CHAT), cooldowns=deps.cooldowns,
            default_cooldown_s=deps.default_cooldown_s, check_refusals=True,
            stop_on_refusal=False, first_index=len(failed.attempts),
            user=end_user(event.user_id, event.character, event.session))
    except AllModelsFailed as exc:
        failed.spent += exc.spent
        failed.attempts = failed.attempts + exc.attempts
        deps.telemetry.rescue("failed")
        return None
    deps.telemetry.rescue("rescued")
    return answer


async def generate_reply(event: ContextReady, deps: Deps) -> list[Event]:
    """On `chat.context_ready`: gate, guard, route, run the chain, salvage, rescue.

    1. Content gating (no model call): the turn's escalation class against the plan's
       ceiling; over it, the model gets a constraint note and the reply an upsell hint.
    2. Cost guard: past a daily ceiling, or with unreadable counters, `chat.reply_failed`
       (over_budget) and no model call.
    3. The plan x content mode chain; salvage of refusal tails; on an unsalvageable
       refusal, rescue rungs (paid) or a synthesized in-character soft refusal (free).

    Emits `chat.reply_ready` (index 0; plus `voice.voice_requested`, index 1, for voice
    turns) or `chat.reply_failed` (index 0). Ids derive from the input's, so a redelivery
    re-emits the same events. Side effects: model calls, spend counters, cooldowns.
    """
    table = deps.routing.current()
    telemetry = deps.telemetry
    conversation = {"chat_id": event.chat_id, "character": event.character,
                    "session": event.session}

    def failed(reason: str, detail: str) -> list[Event]:
        return [event.caused(ReplyFailed, producer=PRODUCER, index=0, **conversation,
                             language=event.language, reason=reason, detail=detail[:2000])]

    escalation = deps.classifier.classify(event.text, event.language)
    ceiling = table.ceiling(event.plan)
    gated = over_ceiling(escalation, ceiling)
    mode = event.content_mode or ("explicit" if escalation == "explicit" and not gated
                                  else "natural")
    route = table.route(event.plan, mode)
    upsell = table.lowest_plan_allowing(escalation) if gated else None
    if gated:
        telemetry.gated(event.plan, escalation)

    try:
        await deps.cost_guard.admit(event.user_id)
    except BudgetExceeded as exc:
        telemetry.turn("over_budget", event.plan)
        log.warning("generation refused by the cost guard", extra={
            "user_id": event.user_id, "unavailable": isinstance(exc, GuardUnavailable),
            "detail": str(exc)})
        return failed("over_budget", str(exc))

    character = deps.characters.get(event.character)
    messages = build_reply_prompt(
        character, text=event.text, language=event.language, recent=event.recent,
        summary=event.summary, memories=event.memories,
        note=ceiling_note(ceiling) if gated else None,
        context_tokens=route.context_tokens)
    spent = 0.0
    answer: Answer | None = None
    outcome = "answered"
    attempts_before = 0
    try:
        answer = await run_chain(
            deps.chat_model, route.chain, messages, max_tokens=route.max_tokens,
            temperature=deps.temperature, stream=deps.stream, telemetry=telemetry,
            purpose=CHAT, options=_options(table, CHAT), cooldowns=deps.cooldowns,
            default_cooldown_s=deps.default_cooldown_s, check_refusals=True,
            user=end_user(event.user_id, event.character, event.session))
        spent = answer.spent
        outcome = "salvaged" if answer.salvaged else "answered"
    except AllModelsFailed as exc:
        if exc.rejected:
            await deps.cost_guard.record(event.user_id, exc.spent)
            telemetry.turn("rejected", event.plan)
            log.error("model request rejected; chain stopped", extra={
                "status": exc.status, "detail": exc.detail})
            return failed(_rejected_reason(exc.status),
                          f"non-transient error ends the chain: {exc.detail}")
        if not exc.refused:
            await deps.cost_guard.record(event.user_id, exc.spent)
            telemetry.turn("failed", event.plan)
            log.error("no model answered", extra={"attempts": len(exc.attempts),
                                                  "detail": exc.detail})
            return failed("rate_limited" if exc.rate_limited else "all_models_failed",
                          exc.detail)
        if route.rescue:
            answer = await _rescue(event, deps, table, route, messages, exc)
            outcome = "rescued"
        else:
            telemetry.rescue("skipped_free")
        spent = exc.spent + (answer.spent if answer else 0.0)
        if answer is None:
            outcome = "soft_refusal"
            log.info("refusal answered in character", extra={
                "plan": event.plan, "detail": exc.detail})
        attempts_before = len(exc.attempts)
    await deps.cost_guard.record(event.user_id, spent)

    if answer is None:
        text = soft_refusal(character.name, event.language)
        reply = event.caused(
            ReplyReady, producer=PRODUCER, index=0, **conversation, text=text,
            language=event.language, reply_mode=event.reply_mode, model=SOFT_REFUSAL_MODEL,
            attempt=attempts_before, outcome="soft_refusal", upsell=upsell)
    else:
        completion = answer.completion
        reply = event.caused(
            ReplyReady, producer=PRODUCER, index=0, **conversation, text=answer.reply_text,
            language=event.language, reply_mode=event.reply_mode, model=completion.model,
            attempt=answer.attempt, ttft_ms=completion.ttft_ms,
            usage=_usage(completion.usage),
            outcome="gated" if gated and outcome == "answered" else outcome, upsell=upsell)
        if answer.attempt > 0:
            log.info("reply from a fallback model", extra={
                "model": completion.model, "attempt": answer.attempt,
                "failed": [f"{a.model}: {a.outcome}" for a in answer.attempts[:-1]]})
    turn = outcome if outcome != "answered" else (
        "fallback" if answer is not None and answer.attempt > 0 else "primary")
    telemetry.turn(turn, event.plan)
    out: list[Event] = [reply]
    if event.reply_mode == "voice":
        out.append(event.caused(VoiceRequested, producer=PRODUCER, index=1, **conversation,
                                text=reply.text, language=event.language,
                                plan=event.plan, reply_event_id=reply.event_id))
    return out


async def summarize_window(event: SummaryRequested, deps: Deps) -> list[Event]:
    """On `chat.summary_requested`: summarise the window's lines with the summary chain.

    Never carries safety overrides (summaries keep the provider's filters). A refusal is
    salvaged or counts as a failed rung, so "I can't summarise this" never becomes a memory.
    Emits `chat.summary_written` (index 0). When no model gives a usable summary it raises
    `SummaryFailed`: the runtime retries with backoff, and nothing empty is stored.
    """
    table = deps.routing.current()
    character = deps.characters.get(event.character)
    messages = build_summary_prompt(character, language=event.language, lines=event.lines)
    summary = table.spec.summary
    try:
        answer = await run_chain(
            deps.chat_model, table.summary, messages, max_tokens=summary.max_tokens,
            temperature=summary.temperature, stream=deps.stream, telemetry=deps.telemetry,
            purpose="summary", options=_options(table, "summary"), cooldowns=deps.cooldowns,
            default_cooldown_s=deps.default_cooldown_s, check_refusals=True,
            stop_on_refusal=False)
    except AllModelsFailed as exc:
        raise SummaryFailed(f"window {event.window}: {exc.detail}") from exc
    return [event.caused(SummaryWritten, producer=PRODUCER, index=0, chat_id=event.chat_id,
                         character=event.character, session=event.session,
                         window=event.window, text=answer.reply_text,
                         model=answer.completion.model)]


# The index the runtime wires (one durable consumer each, `llm-<event name>`).
HANDLERS: Index = {
    ContextReady: On(generate_reply,
                     "Answer a turn as the character (fallback chain of models)"),
    SummaryRequested: On(summarize_window,
                         "Summarise a window of a conversation for semantic memory"),
}
