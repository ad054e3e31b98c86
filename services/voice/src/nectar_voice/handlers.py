"""Voice handlers: `verb_noun(event, deps) -> list[Event]` (the events to publish)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nectar_contracts import Event, UserDeleted, VoiceFailed, VoiceReady, VoiceRequested
from nectar_runtime import Index, On

from nectar_voice.budget import BudgetPolicy
from nectar_voice.domain.errors import AllEnginesFailed, NothingToSay
from nectar_voice.library import AudioLibrary
from nectar_voice.synthesis import SpeechChain

PRODUCER = "voice"
#: `detail` of `voice.voice_failed` is operator-facing; keep events small
_DETAIL_CHARS = 1000

log = logging.getLogger("nectar.voice.handlers")


@dataclass(frozen=True)
class Deps:
    """What voice handlers need (built by `bootstrap.build_deps`).

    `chain`: the speech engines with the catalog and dictionaries (None while voice is
    off); `library`: the audio in object storage (cache and users' messages); `budget`: the
    paid provider's character budget (None: nothing is counted, e.g. in tools)."""

    library: AudioLibrary
    chain: SpeechChain | None = None
    budget: BudgetPolicy | None = None


def _failed(event: VoiceRequested, reason: str, detail: str) -> VoiceFailed:
    # index 0, like voice_ready: whichever a redelivery produces, the first one published
    # wins (JetStream drops the second as a duplicate id)
    return event.caused(
        VoiceFailed, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, language=event.language, reason=reason,
        detail=detail[:_DETAIL_CHARS])


async def synthesize_voice(event: VoiceRequested, deps: Deps) -> list[Event]:
    """On `voice.voice_requested`: speak the reply and store it for the edge.

    The chain tries its engines in order (Inworld, Piper, espeak-ng): for each, the audio
    cache first (a hit: no call, no budget), then the user's plan budget and the global
    ceiling for a paid engine (spent: the next engine answers), then the engine itself.
    Emits `voice.voice_ready` (index 0) with the user's copy under `users/<id>/voice/`, or
    `voice.voice_failed` (index 0): `nothing_to_say` when only stage directions, emoji or
    markup were left (the text reply stands), `unsupported_language`, `quota`,
    `provider_failed`, or `not_available` while voice is off.

    Side effects: engine calls, budget counters (Redis), the shared cache object (a miss)
    and the user's copy (S3). An object store outage raises (`ObjectStoreUnavailable`): the
    runtime retries the request until the store answers. A redelivery speaks again, usually
    from the cache (the first run stored it), and emits the same event id.
    """
    if deps.chain is None:
        return [_failed(event, "not_available", "voice synthesis is off (VOICE_ENABLED=false)")]
    gate = deps.budget.gate(user_id=event.user_id, plan=event.plan) if deps.budget else None
    try:
        speech = await deps.chain.speak(event.text, language=event.language,
                                        character=event.character, cache=deps.library,
                                        gate=gate)
    except NothingToSay as exc:
        return [_failed(event, "nothing_to_say", str(exc))]
    except AllEnginesFailed as exc:
        log.warning("no engine spoke the reply", extra={"reason": exc.reason,
                                                        "detail": exc.detail[:500]})
        return [_failed(event, exc.reason, exc.detail)]
    if not speech.cache_hit:
        await deps.library.keep(speech)
    key = await deps.library.deliver(event.user_id, speech)
    return [event.caused(
        VoiceReady, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, reply_event_id=event.reply_event_id, language=event.language,
        bucket=deps.library.bucket, object_key=key, duration_s=round(speech.duration_s, 3),
        size_bytes=len(speech.ogg), provider=speech.engine, voice=speech.voice.voice,
        billed_chars=speech.billed_chars, cache_hit=speech.cache_hit,
    )]


async def forget_user(event: UserDeleted, deps: Deps) -> list[Event]:
    """On `billing.user_deleted`: erase the user's voice data: the shared cache objects made
    for them, every object under `users/<id>/` in the voice bucket, and their budget
    counters. Emits nothing. Runs whether or not voice is on. A redelivery deletes what is
    left (deleting nothing is fine); an outage of S3 or Redis is retried."""
    await deps.library.forget_user(event.user_id)
    if deps.budget is not None:
        await deps.budget.counters.forget_user(event.user_id)
    return []


# The index the runtime wires: `voice-voice_requested` and `voice-user_deleted` (names that
# never change: a renamed consumer starts over at new messages). Synthesis waits seconds on
# a provider or an offline engine, so a replica handles several at once
# (`VOICE_CONCURRENT_SYNTHESES`); the message is heartbeated while it runs, and the ack wait
# only says how soon a dead replica's request is taken over.
HANDLERS: Index = {
    VoiceRequested: On(synthesize_voice, "Synthesize a reply as a voice note",
                       max_in_flight=8, ack_wait_s=30),
    UserDeleted: On(forget_user, "Erase a deleted user's voice messages, the cached audio "
                    "made for them and their budget counters"),
}
