"""In-memory fakes of the voice ports, for unit tests (and the contract tests that run against
the real adapters too, which keep them honest). No network, no subprocess, no Redis.

Object storage has its fake in the runtime (`nectar_runtime.objectstore.InMemoryObjectStore`).

`FakeSpeechEngine` keeps the port's rules: it refuses languages it does not speak
(`UnsupportedLanguage`), checks requests against its own limits the way a provider does
(an over-long text or too many breaks: `PermanentSynthesisError`, like Inworld's 400), and
returns real decoded audio (a tone whose length follows the text) or the scripted failure.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from nectar_voice.domain.budget import Refusal, Reservation
from nectar_voice.domain.errors import (
    BudgetUnavailable,
    PermanentSynthesisError,
    SynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import LANGUAGES, Audio, EngineCaps, EngineRequest, Limits

_BREAK = re.compile(r"<break\b", re.IGNORECASE)

#: seconds of audio per character of text (short: tests stay fast)
SECONDS_PER_CHAR = 0.02
FAKE_SAMPLE_RATE = 24_000


def tone(seconds: float, rate: int = FAKE_SAMPLE_RATE, pitch_hz: float = 220.0) -> np.ndarray:
    """A soft sine tone of `seconds` (at least 50 ms)."""
    t = np.arange(max(int(seconds * rate), int(0.05 * rate)), dtype=np.float32) / rate
    return (0.2 * np.sin(2 * np.pi * pitch_hz * t)).astype(np.float32)


@dataclass
class FakeSpeechEngine:
    """A scriptable engine. `script(...)` queues outcomes (an exception instance to raise, or
    None for a normal answer), one per call; the queue empty, every call answers."""

    name: str = "fake"
    caps: EngineCaps = field(default_factory=lambda: EngineCaps(
        languages=frozenset(LANGUAGES), ssml=True, ipa_languages=frozenset({"en"})))
    calls: list[EngineRequest] = field(default_factory=list)
    started: bool = False
    #: a provider bills the characters it spoke; an offline engine bills nothing
    bills: bool = True
    _queue: deque[SynthesisError | None] = field(default_factory=deque)

    def script(self, *outcomes: SynthesisError | None) -> FakeSpeechEngine:
        self._queue.extend(outcomes)
        return self

    def fail_always(self, error: SynthesisError, times: int = 1000) -> FakeSpeechEngine:
        return self.script(*([error] * times))

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def check(self) -> None:
        if not self.started:
            raise RuntimeError(f"{self.name} not started")

    async def synthesize(self, request: EngineRequest) -> Audio:
        if request.language not in self.caps.languages:
            raise UnsupportedLanguage(f"{self.name} does not speak {request.language!r}",
                                      engine=self.name)
        self.calls.append(request)
        limits: Limits = self.caps.limits
        if len(request.text) > limits.max_chars:
            raise PermanentSynthesisError(
                f"HTTP 400: text is {len(request.text)} characters, over {limits.max_chars}",
                engine=self.name, status=400)
        if len(_BREAK.findall(request.text)) > limits.max_breaks:
            raise PermanentSynthesisError(f"HTTP 400: more than {limits.max_breaks} breaks",
                                          engine=self.name, status=400)
        outcome = self._queue.popleft() if self._queue else None
        if outcome is not None:
            raise outcome
        samples = tone(len(request.text) * SECONDS_PER_CHAR / request.prosody.speaking_rate)
        return Audio(samples=samples, sample_rate=FAKE_SAMPLE_RATE,
                     billed_chars=len(request.text) if self.bills else 0)

    def texts(self) -> list[str]:
        return [c.text for c in self.calls]


def fake_engines(*names: str, languages: Iterable[str] = LANGUAGES) -> list[FakeSpeechEngine]:
    return [FakeSpeechEngine(name=n, caps=EngineCaps(languages=frozenset(languages),
                                                      ssml=(i == 0)))
            for i, n in enumerate(names)]


@dataclass
class FakeCharacterBudget:
    """`CharacterBudget` in a dict, with the Redis adapter's rules: both limits checked
    before anything is counted, a refusal counts nothing, settling corrects a grant to what
    was used (never below zero). `available=False`: every call raises `BudgetUnavailable`."""

    counters: dict[tuple[str, str, int | None], int] = field(default_factory=dict)
    available: bool = True
    reservations: list[Reservation] = field(default_factory=list)

    def _check(self) -> None:
        if not self.available:
            raise BudgetUnavailable("fake budget counters are down")

    async def reserve(self, *, engine: str, user_id: int, day: str, chars: int,
                      user_limit: int, global_limit: int) -> Reservation:
        self._check()
        if chars < 0:
            raise ValueError("chars must not be negative")
        user_key, all_key = (day, engine, user_id), (day, engine, None)
        user, everyone = self.counters.get(user_key, 0), self.counters.get(all_key, 0)
        refusal = (Refusal.USER if user + chars > user_limit
                   else Refusal.GLOBAL if everyone + chars > global_limit else None)
        if refusal is None:
            user, everyone = user + chars, everyone + chars
            self.counters[user_key], self.counters[all_key] = user, everyone
        reservation = Reservation(engine=engine, user_id=user_id, day=day, chars=chars,
                                  granted=refusal is None, refusal=refusal, user_spent=user,
                                  global_spent=everyone)
        self.reservations.append(reservation)
        return reservation

    async def settle(self, reservation: Reservation, used: int) -> None:
        self._check()
        if not reservation.granted:
            return
        delta = max(used, 0) - reservation.chars
        for key in ((reservation.day, reservation.engine, reservation.user_id),
                    (reservation.day, reservation.engine, None)):
            self.counters[key] = max(self.counters.get(key, 0) + delta, 0)

    async def spent(self, *, engine: str, user_id: int, day: str) -> tuple[int, int]:
        self._check()
        return (self.counters.get((day, engine, user_id), 0),
                self.counters.get((day, engine, None), 0))

    async def forget_user(self, user_id: int) -> int:
        self._check()
        keys = [k for k in self.counters if k[2] == user_id]
        for key in keys:
            del self.counters[key]
        return len(keys)
