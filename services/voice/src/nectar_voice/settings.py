"""Voice service settings (env prefix `VOICE_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_runtime import InfraSettings

DEFAULT_HTTP_PORT = 8085


class VoiceSettings(BaseSettings):
    """Settings of the voice service."""

    model_config = SettingsConfigDict(env_prefix="VOICE_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    enabled: bool = Field(False, description="Speak replies. Off (the default): every request "
                          "is answered with `voice.voice_failed` (not_available). On needs a "
                          "speech engine, which comes with the voice feature: until then the "
                          "service refuses to start.")
