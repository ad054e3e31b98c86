"""Ports of the voice service."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from nectar_voice.domain.model import Audio, EngineCaps, EngineRequest


class SpeechEngine(Protocol):
    """A text-to-speech engine: a provider (Inworld) or an offline program (Piper, espeak-ng).

    `synthesize` speaks one chunk (already within `caps.limits`, rendered as `caps.ssml`
    says) and returns non-empty decoded `Audio`, or raises a `SynthesisError`:
    `TransientSynthesisError` (429 with `retry_after_s`, 5xx, timeout, network, a crashed
    engine process, audio or base64 that does not decode: outcome `bad_audio`),
    `PermanentSynthesisError` (request rejected: 400, 401/403), `QuotaExhausted` (character
    budget spent) or `UnsupportedLanguage` (no call made). Nothing else escapes: provider,
    transport, subprocess and codec errors are translated by the adapter.
    """

    name: str
    caps: EngineCaps

    async def synthesize(self, request: EngineRequest) -> Audio: ...


@runtime_checkable
class Managed(Protocol):
    """An adapter with a lifecycle (HTTP client, worker process), run by the service's
    lifespan."""

    async def start(self) -> None:
        """Open connections or start workers (startup hook; never at construction)."""

    async def aclose(self) -> None:
        """Release them (shutdown hook)."""

    async def ready(self) -> None:
        """Raise when the adapter is not usable (readiness check)."""
