"""Media service settings (env prefix `MEDIA_`)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_media.domain import ImageSize, RequestLimits
from nectar_runtime import InfraSettings

DEFAULT_HTTP_PORT = 8084


class MediaSettings(BaseSettings):
    """Settings of the media service."""

    model_config = SettingsConfigDict(env_prefix="MEDIA_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    enabled: bool = Field(False, description="Render images. Off (the default): every request "
                          "is answered with `media.image_failed` (not_available) and no "
                          "renderer is used. On needs an image renderer and an object store; "
                          "neither has a production adapter yet (the ComfyUI worker pool and "
                          "S3 come with the media feature), so the service refuses to start.")
    max_prompt_chars: int = Field(1000, ge=1, description="Longest prompt rendered, in "
                                  "characters after whitespace is collapsed; a longer one is "
                                  "answered with `media.image_failed` (refused).")
    image_size: str = Field("1024x1024", description="Width x height of a rendered image in "
                            "pixels: multiples of 8 from 256 to 2048.")
    concurrent_renders: int = Field(1, ge=1, le=64, description="Image jobs one replica "
                                    "renders at once (its share of the renderer pool's "
                                    "capacity); further requests wait in the stream, where "
                                    "another replica can take them.")

    @field_validator("image_size")
    @classmethod
    def _size_parses(cls, value: str) -> str:
        return str(ImageSize.parse(value))

    @property
    def limits(self) -> RequestLimits:
        """What a request may ask for."""
        return RequestLimits(max_prompt_chars=self.max_prompt_chars,
                             size=ImageSize.parse(self.image_size))
