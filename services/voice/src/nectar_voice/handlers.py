"""Voice handlers: `verb_noun(event, deps) -> list[Event]`."""

from __future__ import annotations

from dataclasses import dataclass

from nectar_contracts import Event, VoiceFailed, VoiceRequested

PRODUCER = "voice"


@dataclass(frozen=True)
class Deps:
    """What voice handlers need (nothing yet: no provider adapter exists)."""


async def synthesize_voice(event: VoiceRequested, deps: Deps) -> list[Event]:
    """On `voice.voice_requested`: no TTS provider is wired yet, so answer with a clear
    failure the edge turns into a message; the text reply the user already got stands."""
    return [event.caused(
        VoiceFailed, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, language=event.language, reason="not_available",
        detail="voice synthesis is not available yet",
    )]


HANDLERS = {VoiceRequested: synthesize_voice}
