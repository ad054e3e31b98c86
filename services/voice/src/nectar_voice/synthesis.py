"""The synthesis chain: try each engine in order, the first that speaks the whole reply wins.

Shaped like the llm's fallback chain, with what differs for speech:
- Any engine failure moves to the next engine, a rejected request (4xx) included: engines
  differ (a text Inworld refuses, Piper may read), and the user should hear something.
- An engine is skipped without a call when it does not speak the language, when the catalog
  has no voice for the character there, or while it cools down after a 429 (its
  `Retry-After`, else `default_cooldown_s`) or after its budget ran out.
- A reply longer than one request is spoken chunk by chunk by the same engine (never a voice
  change mid-message); a failed chunk fails that engine's attempt and the next engine starts
  from the beginning.
- Audio that does not decode counts as a failure of that engine (the adapter says
  `bad_audio`); what comes out is always checked OGG/Opus 48 kHz mono with its duration
  measured from the file.

With a cache (`AudioLookup`) and a budget (`SpendGate`), each engine's turn goes: the cached
audio of this engine's rendering (cache key: text, voice, model, prosody, versions) is
served when present, even while the engine cools down or its budget is spent (no call, no
budget); else the engine is skipped while it cools down; else the reply is reserved whole
on the budget (refused: skipped with outcome `budget`), spoken, and the reservation settled
to what the provider billed.

`speak` is the whole thing for one reply; `SpeechChain` keeps the engines, the catalog,
the dictionaries and the cooldowns across calls (the service holds one).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from opentelemetry.trace import Status, StatusCode

from nectar_voice.adapters.audio import AudioDecodeError, encode_ogg_opus, join, ogg_opus_info
from nectar_voice.domain.cache_key import cache_key
from nectar_voice.domain.catalog import VoiceCatalog
from nectar_voice.domain.errors import (
    AllEnginesFailed,
    Attempt,
    NothingToSay,
    QuotaExhausted,
    SynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import OUTPUT_SAMPLE_RATE, Audio, EngineRequest, Speech
from nectar_voice.domain.pronunciation import EMPTY_BOOK, PronunciationBook
from nectar_voice.domain.script import DEFAULT_MAX_TOTAL_CHARS, prepare, speakable
from nectar_voice.ports import AudioLookup, SpeechEngine, SpendGate
from nectar_voice.telemetry import VoiceTelemetry

DEFAULT_COOLDOWN_S = 30.0
#: attempt outcome of an engine skipped because its budget ran out earlier
COOLDOWN_QUOTA = "cooldown_quota"
#: attempt outcome of an engine skipped because the budget refused the reply
BUDGET = "budget"
#: attempt outcome of an engine whose rendering was found in the audio cache
CACHE_HIT = "cache_hit"
QUOTA_COOLDOWN_S = 300.0


@dataclass
class SpeechChain:
    """Engines in order of preference, with the voice data and the cooldown state."""

    engines: Sequence[SpeechEngine]
    catalog: VoiceCatalog
    pronunciations: PronunciationBook = EMPTY_BOOK
    telemetry: VoiceTelemetry = field(default_factory=VoiceTelemetry)
    max_total_chars: int = DEFAULT_MAX_TOTAL_CHARS
    default_cooldown_s: float = DEFAULT_COOLDOWN_S
    quota_cooldown_s: float = QUOTA_COOLDOWN_S
    clock: Callable[[], float] = time.monotonic
    _cooling_until: dict[str, float] = field(default_factory=dict)
    _cooling_cause: dict[str, str] = field(default_factory=dict)

    def cooling(self) -> dict[str, float]:
        """Engines cooling down -> seconds left."""
        now = self.clock()
        return {name: until - now for name, until in self._cooling_until.items()
                if until > now}

    def _cool(self, engine: str, exc: SynthesisError) -> None:
        if isinstance(exc, QuotaExhausted):
            seconds, cause = self.quota_cooldown_s, COOLDOWN_QUOTA
        elif isinstance(exc, TransientSynthesisError) and exc.status == 429:
            seconds, cause = exc.retry_after_s or self.default_cooldown_s, "cooldown"
        else:
            return
        self._cooling_until[engine] = self.clock() + seconds
        self._cooling_cause[engine] = cause

    async def speak(self, text: str, *, language: str, character: str,
                    cache: AudioLookup | None = None,
                    gate: SpendGate | None = None) -> Speech:
        """The reply as a voice message; `NothingToSay` when nothing speakable is left,
        `AllEnginesFailed` (with every attempt) when no engine spoke it. `cache` and `gate`
        are optional (tools speak without them)."""
        if not speakable(text, language):
            raise NothingToSay("nothing speakable left after stripping tags, emoji and markup")
        started = time.perf_counter()
        dictionary = self.pronunciations.for_character(character)
        # two characters may share a voice but not their dictionary: one with its own
        # entries never shares cached audio with another
        dictionary_version = (f"{dictionary.version}:{dictionary.character}"
                              if dictionary.entries else dictionary.version)
        attempts: list[Attempt] = []
        cooling = self.cooling()
        for index, engine in enumerate(self.engines):
            voice = self.catalog.voice_for(character, language, engine.name)
            if language not in engine.caps.languages or voice is None:
                why = (f"no voice for {character!r} in {language!r}" if voice is None
                       else f"does not speak {language!r}")
                attempts.append(Attempt(index, engine.name, UnsupportedLanguage.outcome, why))
                self.telemetry.skipped(engine=engine.name, reason="unsupported_language")
                continue
            script = prepare(text, language, engine.caps, dictionary=dictionary,
                             max_total_chars=self.max_total_chars)
            key = cache_key(text, language=language, voice=voice, prosody=script.prosody,
                            dictionary_version=dictionary_version,
                            catalog_version=self.catalog.version)
            if cache is not None:
                hit = await self._cached(cache, key, engine.name)
                if hit is not None:
                    ogg, duration = hit
                    attempts.append(Attempt(index, engine.name, CACHE_HIT, "",
                                            (time.perf_counter() - started) * 1000))
                    elapsed_ms = (time.perf_counter() - started) * 1000
                    self.telemetry.message(engine=engine.name, rung="cache",
                                           first_audio_ms=None)
                    return Speech(
                        ogg=ogg, duration_s=duration, engine=engine.name, voice=voice,
                        language=language, prosody=script.prosody, chunks=len(script.chunks),
                        chars=script.chars, billed_chars=0, first_audio_ms=elapsed_ms,
                        total_ms=elapsed_ms, attempts=tuple(attempts),
                        truncated=script.truncated, cache_key=key, cache_hit=True)
            if engine.name in cooling:
                attempts.append(Attempt(index, engine.name,
                                        self._cooling_cause.get(engine.name, "cooldown"),
                                        f"{cooling[engine.name]:.1f}s of cooldown left"))
                self.telemetry.skipped(engine=engine.name, reason="cooldown")
                continue
            grant = await gate.reserve(engine.name, script.chars) if gate is not None else None
            if grant is not None and not grant.granted:
                attempts.append(Attempt(index, engine.name, BUDGET, grant.detail))
                self.telemetry.skipped(engine=engine.name, reason=str(grant.refusal or BUDGET))
                continue
            parts: list[Audio] = []
            first_audio_ms: float | None = None
            engine_started = time.perf_counter()
            try:
                for number, chunk in enumerate(script.chunks):
                    audio = await self._call(engine, index, number, EngineRequest(
                        text=chunk, language=language, voice=voice, prosody=script.prosody))
                    parts.append(audio)
                    if first_audio_ms is None:
                        first_audio_ms = (time.perf_counter() - started) * 1000
            except SynthesisError as exc:
                if gate is not None and grant is not None:
                    await gate.settle(grant, _used(parts, script.chunks))
                self._cool(engine.name, exc)
                attempts.append(Attempt(index, engine.name, exc.outcome, str(exc),
                                        (time.perf_counter() - engine_started) * 1000))
                continue
            except BaseException:
                # cancelled or a bug: what was spoken so far is all that was billed
                if gate is not None and grant is not None:
                    await gate.settle(grant, _used(parts, script.chunks))
                raise
            if gate is not None and grant is not None:
                await gate.settle(grant, _used(parts, script.chunks))
            ogg, duration = await asyncio.to_thread(_encode, parts)
            attempts.append(Attempt(index, engine.name, "ok", "",
                                    (time.perf_counter() - engine_started) * 1000))
            self.telemetry.message(engine=engine.name,
                                   rung="primary" if index == 0 else "fallback",
                                   first_audio_ms=first_audio_ms)
            return Speech(
                ogg=ogg, duration_s=duration, engine=engine.name, voice=voice,
                language=language, prosody=script.prosody, chunks=len(script.chunks),
                chars=script.chars, billed_chars=sum(p.billed_chars for p in parts),
                first_audio_ms=first_audio_ms or 0.0,
                total_ms=(time.perf_counter() - started) * 1000, attempts=tuple(attempts),
                truncated=script.truncated, cache_key=key)
        self.telemetry.message(engine=None, rung="failed", first_audio_ms=None)
        raise AllEnginesFailed(attempts)

    async def _cached(self, cache: AudioLookup, key: str,
                      engine: str) -> tuple[bytes, float] | None:
        """The cached audio of `key` and its duration, or None (a miss, or an object that is
        not OGG/Opus any more: synthesised again and overwritten)."""
        data = await cache.find(key)
        if data is None:
            self.telemetry.cache(engine=engine, outcome="miss")
            return None
        try:
            duration, _, _ = ogg_opus_info(data)
        except AudioDecodeError:
            self.telemetry.cache(engine=engine, outcome="corrupt")
            return None
        self.telemetry.cache(engine=engine, outcome="hit")
        return data, duration

    async def _call(self, engine: SpeechEngine, index: int, number: int,
                    request: EngineRequest) -> Audio:
        with self.telemetry.tracer.start_as_current_span(
            "voice.synthesize", attributes={"engine": engine.name, "attempt": index,
                                            "chunk": number, "chars": len(request.text)},
        ) as span:
            started = time.perf_counter()
            try:
                audio = await engine.synthesize(request)
            except SynthesisError as exc:
                total_ms = (time.perf_counter() - started) * 1000
                span.set_attribute("outcome", exc.outcome)
                span.set_status(Status(StatusCode.ERROR, exc.outcome))
                self.telemetry.call(engine=engine.name, voice=request.voice.voice,
                                    attempt=index, chunk=number, outcome=exc.outcome,
                                    total_ms=total_ms, chars=len(request.text), error=str(exc))
                raise
            total_ms = (time.perf_counter() - started) * 1000
            span.set_attribute("outcome", "ok")
            span.set_attribute("audio_s", round(audio.duration_s, 3))
            self.telemetry.call(engine=engine.name, voice=request.voice.voice, attempt=index,
                                chunk=number, outcome="ok", total_ms=total_ms,
                                chars=len(request.text), billed_chars=audio.billed_chars,
                                audio_s=audio.duration_s)
            return audio


def _encode(parts: Sequence[Audio]) -> tuple[bytes, float]:
    """One OGG/Opus 48 kHz mono file for the parts, and its duration measured from it.
    A single part that already is such a file is passed through untouched."""
    if len(parts) == 1 and parts[0].encoded is not None:
        ogg = parts[0].encoded
    else:
        ogg = encode_ogg_opus(join(parts), OUTPUT_SAMPLE_RATE)
    duration, _, _ = ogg_opus_info(ogg)
    return ogg, duration


def _used(parts: Sequence[Audio], chunks: Sequence[str]) -> int:
    """Characters the provider billed for the chunks it spoke (what it reported, else the
    characters sent: never count less than may have been billed)."""
    return sum(part.billed_chars or len(chunk) for part, chunk in zip(parts, chunks,
                                                                      strict=False))
