"""llm handlers: `verb_noun(event, deps) -> list[Event]`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

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
from nectar_llm.domain.errors import AllModelsFailed
from nectar_llm.domain.model import TokenUsage
from nectar_llm.domain.prompt import build_reply_prompt, build_summary_prompt
from nectar_llm.domain.routing import Routes
from nectar_llm.fallback import run_chain
from nectar_llm.ports import ChatModel
from nectar_llm.telemetry import CallTelemetry

PRODUCER = "llm"

log = logging.getLogger("nectar.llm.handlers")


@dataclass(frozen=True)
class Generation:
    """Sampling knobs of one kind of call."""

    max_tokens: int
    temperature: float
    stream: bool = False


@dataclass(frozen=True)
class Deps:
    """What llm handlers need: the model port, routes, characters, knobs, telemetry."""

    chat_model: ChatModel
    routes: Routes
    characters: CharacterCatalog
    reply: Generation
    summary: Generation
    telemetry: CallTelemetry


class SummaryFailed(Exception):
    """No model wrote a usable summary; raised so the runtime redelivers the request later
    (and dead-letters it after the delivery cap). An empty summary is never published."""


def _usage(usage: TokenUsage) -> Usage:
    return Usage(prompt_tokens=usage.prompt, completion_tokens=usage.completion,
                 cached_tokens=usage.cached, cost_usd=usage.cost)


async def generate_reply(event: ContextReady, deps: Deps) -> list[Event]:
    """On `chat.context_ready`: assemble the prompt, run the reply chain.

    Emits `chat.reply_ready` (index 0; plus `voice.voice_requested`, index 1, for voice
    turns), or `chat.reply_failed` (index 0) when every model failed. Ids derive from the
    input's, so a redelivery re-emits the same events. Side effects: model calls only.
    """
    character = deps.characters.get(event.character)
    messages = build_reply_prompt(character, text=event.text, language=event.language,
                                  recent=event.recent, summary=event.summary,
                                  memories=event.memories)
    conversation = {"chat_id": event.chat_id, "character": event.character,
                    "session": event.session}
    try:
        answer = await run_chain(
            deps.chat_model, deps.routes.reply_chain(event.plan), messages,
            max_tokens=deps.reply.max_tokens, temperature=deps.reply.temperature,
            stream=deps.reply.stream, telemetry=deps.telemetry, purpose="chat")
    except AllModelsFailed as exc:
        log.error("no model answered", extra={"attempts": len(exc.attempts),
                                              "detail": exc.detail})
        return [event.caused(ReplyFailed, producer=PRODUCER, index=0, **conversation,
                             language=event.language, reason="all_models_failed",
                             detail=exc.detail[:2000])]
    completion = answer.completion
    text = completion.text.strip()
    reply = event.caused(
        ReplyReady, producer=PRODUCER, index=0, **conversation, text=text,
        language=event.language, reply_mode=event.reply_mode, model=completion.model,
        attempt=answer.attempt, ttft_ms=completion.ttft_ms, usage=_usage(completion.usage))
    if answer.attempt > 0:
        log.info("reply from a fallback model", extra={
            "model": completion.model, "attempt": answer.attempt,
            "failed": [f"{a.model}: {a.outcome}" for a in answer.attempts[:-1]]})
    out: list[Event] = [reply]
    if event.reply_mode == "voice":
        out.append(event.caused(VoiceRequested, producer=PRODUCER, index=1, **conversation,
                                text=text, language=event.language,
                                reply_event_id=reply.event_id))
    return out


async def summarize_window(event: SummaryRequested, deps: Deps) -> list[Event]:
    """On `chat.summary_requested`: summarise the window's lines with the summary model.

    Emits `chat.summary_written` (index 0). When no model gives a non-empty summary it
    raises `SummaryFailed`: the runtime retries with backoff, and nothing empty is stored.
    """
    character = deps.characters.get(event.character)
    messages = build_summary_prompt(character, language=event.language, lines=event.lines)
    try:
        answer = await run_chain(
            deps.chat_model, deps.routes.summary, messages,
            max_tokens=deps.summary.max_tokens, temperature=deps.summary.temperature,
            stream=deps.summary.stream, telemetry=deps.telemetry, purpose="summary")
    except AllModelsFailed as exc:
        raise SummaryFailed(f"window {event.window}: {exc.detail}") from exc
    return [event.caused(SummaryWritten, producer=PRODUCER, index=0, chat_id=event.chat_id,
                         character=event.character, session=event.session,
                         window=event.window, text=answer.completion.text.strip(),
                         model=answer.completion.model)]


HANDLERS = {ContextReady: generate_reply, SummaryRequested: summarize_window}
