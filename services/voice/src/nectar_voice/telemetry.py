"""What every engine call leaves behind: a span, a JSON log line, Prometheus series.

Per call: engine, voice, outcome, latency, characters sent and billed, seconds of audio; per
message: which engine answered (and after how many failed ones), time to first audio.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass, field
from typing import ClassVar

from opentelemetry import trace
from opentelemetry.trace import Tracer
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

log = logging.getLogger("nectar.voice.calls")

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30)


class VoiceMetrics:
    """Prometheus series of speech synthesis; one instance per registry (created once)."""

    _by_registry: ClassVar[weakref.WeakKeyDictionary[CollectorRegistry, VoiceMetrics]] = \
        weakref.WeakKeyDictionary()

    def __init__(self, registry: CollectorRegistry) -> None:
        self.calls = Counter(
            "nectar_voice_engine_calls_total", "Engine calls (one per chunk) by engine and "
            "outcome (ok, rate_limited, server_error, timeout, connection, bad_audio, "
            "bad_response, rejected, quota, crashed, not_installed)", ["engine", "outcome"],
            registry=registry)
        self.latency = Histogram(
            "nectar_voice_engine_call_seconds", "Duration of one engine call, by engine and "
            "outcome", ["engine", "outcome"], registry=registry, buckets=_LATENCY_BUCKETS)
        self.characters = Counter(
            "nectar_voice_characters_total", "Characters sent to engines, and billed by the "
            "provider (kind=sent|billed)", ["engine", "kind"], registry=registry)
        self.audio = Counter(
            "nectar_voice_audio_seconds_total", "Seconds of audio produced, by engine",
            ["engine"], registry=registry)
        self.skipped = Counter(
            "nectar_voice_engine_skipped_total", "Engines skipped without a call, by engine "
            "and reason (unsupported_language, cooldown, user_budget, global_budget, "
            "budget_unavailable)", ["engine", "reason"],
            registry=registry)
        self.messages = Counter(
            "nectar_voice_messages_total", "Voice messages by the engine that spoke them "
            "(none: every engine failed) and rung (primary, fallback, cache, failed)",
            ["engine", "rung"], registry=registry)
        self.cache = Counter(
            "nectar_voice_cache_lookups_total", "Audio cache lookups by engine and outcome "
            "(hit, miss, corrupt)", ["engine", "outcome"], registry=registry)
        self.first_audio = Histogram(
            "nectar_voice_first_audio_seconds", "From the start of a voice request to the "
            "first chunk of audio of the engine that answered", ["engine"], registry=registry,
            buckets=_LATENCY_BUCKETS)

    @classmethod
    def for_registry(cls, registry: CollectorRegistry = REGISTRY) -> VoiceMetrics:
        if registry not in cls._by_registry:
            cls._by_registry[registry] = cls(registry)
        return cls._by_registry[registry]


@dataclass(frozen=True)
class VoiceTelemetry:
    """Tracer and metrics the synthesis chain reports every call to."""

    tracer: Tracer = field(default_factory=lambda: trace.get_tracer("nectar.voice"))
    metrics: VoiceMetrics = field(default_factory=VoiceMetrics.for_registry)

    def call(self, *, engine: str, voice: str, attempt: int, chunk: int, outcome: str,
             total_ms: float, chars: int, billed_chars: int = 0, audio_s: float = 0.0,
             error: str = "") -> None:
        """Count, time and log one engine call (success or failure)."""
        m = self.metrics
        m.calls.labels(engine, outcome).inc()
        m.latency.labels(engine, outcome).observe(total_ms / 1000)
        m.characters.labels(engine, "sent").inc(chars)
        if billed_chars:
            m.characters.labels(engine, "billed").inc(billed_chars)
        if audio_s:
            m.audio.labels(engine).inc(audio_s)
        extra = {"engine": engine, "voice": voice, "attempt": attempt, "chunk": chunk,
                 "outcome": outcome, "total_ms": round(total_ms, 1), "chars": chars,
                 "billed_chars": billed_chars, "audio_s": round(audio_s, 3)}
        if outcome == "ok":
            log.info("voice engine call", extra=extra)
        else:
            log.warning("voice engine call failed", extra={**extra, "error": error})

    def skipped(self, *, engine: str, reason: str) -> None:
        self.metrics.skipped.labels(engine, reason).inc()
        log.info("voice engine skipped", extra={"engine": engine, "reason": reason})

    def cache(self, *, engine: str, outcome: str) -> None:
        self.metrics.cache.labels(engine, outcome).inc()

    def message(self, *, engine: str | None, rung: str, first_audio_ms: float | None) -> None:
        self.metrics.messages.labels(engine or "none", rung).inc()
        if engine and first_audio_ms is not None:
            self.metrics.first_audio.labels(engine).observe(first_audio_ms / 1000)
