"""Ports of the voice service, each with its error contract.

Lifecycles: an adapter holding a client or a process implements the runtime's `Managed`
(`start`, `close`, `check`); object storage is the runtime's `ObjectStore` port
(`nectar_runtime.objectstore`: `ObjectNotFound`, `ObjectStoreUnavailable`).
"""

from __future__ import annotations

from typing import Protocol

from nectar_voice.domain.budget import Reservation
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


class CharacterBudget(Protocol):
    """Characters of the paid provider spent per user and for everyone, per UTC day, shared
    by every replica.

    `reserve` atomically checks both limits and, when `chars` fits under both, adds it to
    both counters; a refusal counts nothing. `settle` corrects a granted reservation to the
    characters actually used (billed by the provider; 0 when the call failed unbilled).
    Errors: `BudgetUnavailable` (an `Unavailable` of Redis) when the counters cannot be read
    or written; the caller fails closed (the paid engine is skipped, the offline one
    answers). `forget_user` deletes the user's counters (erasure).
    """

    async def reserve(self, *, engine: str, user_id: int, day: str, chars: int,
                      user_limit: int, global_limit: int) -> Reservation: ...

    async def settle(self, reservation: Reservation, used: int) -> None: ...

    async def spent(self, *, engine: str, user_id: int, day: str) -> tuple[int, int]:
        """(the user's, everyone's) characters spent on `day`."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete the user's counters; how many were deleted."""
        ...


class AudioLookup(Protocol):
    """The chain's view of the audio cache: `find` returns the cached OGG/Opus of a cache
    key, or None on a miss. Raises `ObjectStoreUnavailable` when the store does not answer
    (an outage the runtime retries)."""

    async def find(self, key: str) -> bytes | None: ...


class SpendGate(Protocol):
    """The chain's view of the budget for one request (user, plan and day bound in):
    `reserve` never raises (an unreadable budget is a refusal: fail closed) and grants
    unconditionally for engines that cost nothing; `settle` corrects a grant to what was
    used and never raises."""

    async def reserve(self, engine: str, chars: int) -> Reservation: ...

    async def settle(self, reservation: Reservation, used: int) -> None: ...
