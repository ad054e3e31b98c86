"""Media service settings (env prefix `MEDIA_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_runtime import InfraSettings

DEFAULT_HTTP_PORT = 8084


class MediaSettings(BaseSettings):
    """Settings of the media service."""

    model_config = SettingsConfigDict(env_prefix="MEDIA_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    enabled: bool = Field(False, description="Image generation (ComfyUI workers) is not built "
                          "yet: every request is answered with `media.image_failed` "
                          "(not_available).")
