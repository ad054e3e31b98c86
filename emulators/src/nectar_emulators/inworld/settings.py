"""Settings of the Inworld TTS emulator (environment prefix `IWEMU_`)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .behaviours import parse_behaviour

DEFAULT_MODELS = ["inworld-tts-1.5-max", "inworld-tts-1.5-mini", "inworld-tts-1",
                  "inworld-tts-1-max", "inworld-tts-2"]


class InworldEmulatorSettings(BaseSettings):
    """Everything tunable about the Inworld emulator; CLI flags override these."""

    model_config = SettingsConfigDict(env_prefix="IWEMU_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8094, description="TCP port to listen on.")
    log_level: str = Field(default="info", description="stdlib logging level name.")
    api_key: str | None = Field(
        default=None, description="When set, the Basic credential must equal it (else 401); "
        "when unset any non-empty Basic credential is accepted.")
    behaviour: str = Field(default="ok", description="Behaviour of calls no script covers.")
    models: list[str] = Field(default_factory=lambda: list(DEFAULT_MODELS),
                              description="Accepted modelId values (others: 400).")
    strict_voices: bool = Field(
        default=False, description="Reject voiceId values not in the built-in voice list with "
        "404, as Inworld does for unknown voices; off: any voiceId speaks.")
    max_text_chars: int = Field(default=2000, ge=1, description="Longest `text` accepted "
                                "(Inworld: 2,000 characters; longer: 400).")
    character_budget: int | None = Field(
        default=None, ge=0, description="Characters the key may synthesize in all; past it "
        "every call gets 429 RESOURCE_EXHAUSTED (quota). Unset: unlimited.")
    default_retry_after_s: int = Field(default=2, description="Retry-After of plain http_429.")
    default_timeout_s: float = Field(default=30.0, description="Sleep of plain 'timeout'.")
    seconds_per_syllable: float = Field(default=0.17, gt=0,
                                        description="Speech tempo of the generated audio.")

    @field_validator("behaviour")
    @classmethod
    def _behaviour_parses(cls, value: str) -> str:
        parse_behaviour(value)
        return value
