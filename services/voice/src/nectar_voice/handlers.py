"""Voice handlers: `verb_noun(event, deps) -> list[Event]` (the events to publish)."""

from __future__ import annotations

from dataclasses import dataclass

from nectar_contracts import Event, VoiceFailed, VoiceRequested
from nectar_runtime import Index, On

PRODUCER = "voice"


@dataclass(frozen=True)
class Deps:
    """What voice handlers need. Nothing while voice is off: the speech engines (a port and
    its adapters) come with the voice feature, and `build_deps` refuses `VOICE_ENABLED=true`
    until they exist."""


async def synthesize_voice(event: VoiceRequested, deps: Deps) -> list[Event]:
    """On `voice.voice_requested`: voice is off, so emit `voice.voice_failed` (reason
    `not_available`), which the edge turns into a short note; the text reply the user
    already got stands. No side effects. A redelivery emits the same event (same derived
    id), which JetStream drops as a duplicate."""
    return [event.caused(
        VoiceFailed, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, language=event.language, reason="not_available",
        detail="voice synthesis is off (VOICE_ENABLED=false)",
    )]


# The index the runtime wires: one durable consumer, `voice-voice_requested` (a name that
# never changes: a renamed consumer starts over at new messages). Synthesis waits seconds on
# a provider, so a replica handles several at once; the message is heartbeated while it
# runs, and the ack wait only says how soon a dead replica's request is taken over.
HANDLERS: Index = {
    VoiceRequested: On(synthesize_voice, "Synthesize a reply as a voice note",
                       max_in_flight=8, ack_wait_s=30),
}
