"""Domain exceptions of speech synthesis. Engines (adapters) raise these; the chain and the
handlers never see HTTP, subprocess or codec errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nectar_runtime import Unavailable


class SynthesisError(Exception):
    """An engine produced no usable audio for a request.

    `outcome` is a short, bounded label (metrics, logs); the message is operator-facing and
    never holds secrets or the text being spoken.
    """

    outcome: str = "error"

    def __init__(self, message: str, *, engine: str, outcome: str | None = None) -> None:
        super().__init__(message)
        self.engine = engine
        if outcome is not None:
            self.outcome = outcome


class TransientSynthesisError(SynthesisError):
    """Worth trying again later or with the next engine: 408/425/429 (`retry_after_s` from
    `Retry-After`), 5xx, timeouts, connection errors, a crashed engine process, and audio or
    base64 that does not decode (`outcome="bad_audio"`)."""

    outcome = "transient"

    def __init__(self, message: str, *, engine: str, outcome: str | None = None,
                 status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message, engine=engine, outcome=outcome)
        self.status = status
        self.retry_after_s = retry_after_s


class PermanentSynthesisError(SynthesisError):
    """The engine rejected this request (400: bad parameter, over-long text, a wrong enum;
    401/403: credentials); the same request to the same engine fails again. Another engine
    may still speak it."""

    outcome = "rejected"

    def __init__(self, message: str, *, engine: str, outcome: str | None = None,
                 status: int | None = None) -> None:
        super().__init__(message, engine=engine, outcome=outcome)
        self.status = status


class QuotaExhausted(SynthesisError):
    """The provider's character budget is spent (or ours for it is): no call until it
    refills. The chain moves to the next engine."""

    outcome = "quota"


class UnsupportedLanguage(SynthesisError):
    """The engine cannot speak this language (or has no voice for it); no call was made."""

    outcome = "unsupported_language"


class BudgetUnavailable(Unavailable):
    """The budget counters (Redis) cannot be read or written. The chain fails closed: the
    paid engine is skipped and the offline one answers."""

    dependency = "redis"


class NothingToSay(Exception):
    """Nothing speakable is left once stage directions, emoji and markup are stripped: no
    voice message; the text reply stands."""


@dataclass(frozen=True)
class Attempt:
    """One engine's try at a request: `outcome` is "ok" or the error's outcome label."""

    index: int
    engine: str
    outcome: str
    error: str = ""
    total_ms: float = 0.0


class AllEnginesFailed(Exception):
    """Every engine of the chain failed; `attempts` says how, engine by engine.

    `reason` is the `voice.voice_failed` reason it maps to: `not_available` when the chain
    has no engine, `unsupported_language` when no engine speaks the language (or has a voice
    for the character in it), `quota` when every engine that could speak it was out of
    budget (the provider's or ours), else `provider_failed`.
    """

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        self.attempts = tuple(attempts)
        super().__init__(self.detail)

    @property
    def reason(self) -> str:
        outcomes = {a.outcome for a in self.attempts}
        if not outcomes:
            return "not_available"
        if outcomes == {UnsupportedLanguage.outcome}:
            return "unsupported_language"
        if outcomes <= {QuotaExhausted.outcome, UnsupportedLanguage.outcome, "cooldown_quota",
                        "budget"}:
            return "quota"
        return "provider_failed"

    @property
    def detail(self) -> str:
        """`#0 inworld: rate_limited: HTTP 429; #1 piper: ...`: operator-facing, no secrets."""
        if not self.attempts:
            return "no speech engine configured"
        return "; ".join(f"#{a.index} {a.engine}: {a.outcome}: {a.error}" for a in self.attempts)
