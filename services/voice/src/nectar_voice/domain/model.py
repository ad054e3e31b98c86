"""Value types of speech synthesis: languages, engine capabilities and limits, prosody, the
prepared script, one engine request, audio, and the finished voice message."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

#: the languages the product speaks (the edge's and the llm's list)
LANGUAGES: tuple[str, ...] = ("en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl",
                              "hi", "ar", "he", "nl", "tr", "uk")

#: Telegram voice messages: OGG/Opus, 48 kHz mono
OUTPUT_SAMPLE_RATE = 48_000


class Gender(StrEnum):
    """A voice's gender as the catalog states it; each provider adapter maps it to its own
    values (Inworld: `VOICE_GENDER_FEMALE` / `VOICE_GENDER_MALE`)."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True)
class Limits:
    """What one engine request may hold. Inworld: at most 2,000 characters, 20 `<break>`
    tags (later ones are ignored) of at most 10 s each (docs.inworld.ai, pause controls)."""

    max_chars: int = 2000
    max_breaks: int = 20
    max_break_s: float = 10.0

    def __post_init__(self) -> None:
        if self.max_chars < 40:
            raise ValueError("max_chars must be at least 40")
        if self.max_breaks < 0 or self.max_break_s <= 0:
            raise ValueError("max_breaks must be >= 0 and max_break_s > 0")


@dataclass(frozen=True)
class ProsodyRange:
    """The provider's accepted ranges. Inworld: `speakingRate` 0.5-1.5, `temperature` in
    (0, 2], default 1.1."""

    min_rate: float = 0.5
    max_rate: float = 1.5
    min_temperature: float = 0.1
    max_temperature: float = 2.0

    def rate(self, value: float) -> float:
        return round(min(max(value, self.min_rate), self.max_rate), 3)

    def temperature(self, value: float) -> float:
        return round(min(max(value, self.min_temperature), self.max_temperature), 3)


@dataclass(frozen=True)
class EngineCaps:
    """What an engine understands.

    `ssml`: `<speak>` with `<break time>` and `*emphasis*` (else plain text, pauses as
    punctuation); `ipa_languages`: languages where inline `/ipa/` pronunciations work;
    `languages`: what it can speak at all.
    """

    languages: frozenset[str]
    ssml: bool = False
    ipa_languages: frozenset[str] = frozenset()
    limits: Limits = field(default_factory=Limits)
    prosody: ProsodyRange = field(default_factory=ProsodyRange)


@dataclass(frozen=True)
class Prosody:
    """Request parameters chosen by the mood detector."""

    mood: str = "neutral"
    temperature: float = 1.1
    speaking_rate: float = 1.0


@dataclass(frozen=True)
class Script:
    """A reply ready for one engine: chunks within that engine's limits, in order, each one
    request; their audio is joined. `markup` is the engine-neutral enriched text."""

    language: str
    chunks: tuple[str, ...]
    prosody: Prosody
    ssml: bool
    markup: str
    truncated: bool = False

    @property
    def chars(self) -> int:
        return sum(len(c) for c in self.chunks)


@dataclass(frozen=True)
class VoiceChoice:
    """Which voice an engine uses for a character in a language (from the catalog)."""

    engine: str
    voice: str
    model: str = ""


@dataclass(frozen=True)
class EngineRequest:
    """One chunk for one engine: rendered text (SSML or plain, as the engine takes it)."""

    text: str
    language: str
    voice: VoiceChoice
    prosody: Prosody


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded mono audio: float32 samples in [-1, 1] at `sample_rate`. `encoded` keeps the
    engine's bytes when they already are OGG/Opus 48 kHz mono (passed through untouched when
    the message is one chunk). `billed_chars`: characters the provider says it processed."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    encoded: bytes | None = None
    billed_chars: int = 0

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class Speech:
    """A finished voice message: OGG/Opus 48 kHz mono, its measured duration, who spoke it.

    `first_audio_ms`: from the start of the chain to the first chunk's audio of the engine
    that answered; `attempts`: every engine tried, failed ones included.
    """

    ogg: bytes
    duration_s: float
    engine: str
    voice: VoiceChoice
    language: str
    prosody: Prosody
    chunks: int
    chars: int
    billed_chars: int
    first_audio_ms: float
    total_ms: float
    attempts: tuple = ()
    truncated: bool = False
    #: the audio cache key of this rendering (text, voice, model, prosody, versions)
    cache_key: str = ""
    #: served from the audio cache: no engine call, nothing billed
    cache_hit: bool = False
