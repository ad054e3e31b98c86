"""Media service settings (env prefix `MEDIA_`; object storage from the shared `NECTAR_S3_*`)."""

from __future__ import annotations

from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3Settings
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_media.domain import ImageSize, RequestLimits
from nectar_media.domain.scheduling import POLICIES, Costs
from nectar_media.domain.workflow import SamplerSettings

DEFAULT_HTTP_PORT = 8084


class MediaSettings(BaseSettings):
    """Settings of the media service."""

    model_config = SettingsConfigDict(env_prefix="MEDIA_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)
    s3: S3Settings = Field(default_factory=S3Settings)
    enabled: bool = Field(True, description="Render images. Off: every request is answered "
                          "with `media.image_failed` (not_available) and no worker or "
                          "object store is used; the registries are still projected. On "
                          "needs `MEDIA_COMFYUI_URLS`.")
    comfyui_urls: str = Field("", description="Base URLs of the ComfyUI workers, "
                              "comma-separated (e.g. `http://gpu-a:8188,http://gpu-b:8188`).")
    bucket: str = Field("nectar-media", description="Object storage bucket of images, "
                        "previews and shop reference images. A user's images lie under "
                        "`users/<id>/` (erasure deletes that prefix).")
    seed_file: str = Field("", description="Registry seed published at start (TOML: "
                           "characters' LoRA versions, tunings, shop items with reference "
                           "images); `demo` for the packaged demo catalog the local stack "
                           "uses; empty: none. Seed events are dated 2000-01-01, so anything "
                           "an operator did wins over them.")
    max_prompt_chars: int = Field(1000, ge=1, description="Longest prompt drawn, in "
                                  "characters after white space is collapsed; a longer one "
                                  "is answered with `media.image_failed` (bad_input).")
    image_size: str = Field("1024x1024", description="Default width x height of a chat "
                            "picture: multiples of 8 from 256 to 2048.")
    preview_size: str = Field("832x1216", description="Width x height of shop previews.")
    max_image_pixels: int = Field(1536 * 1536, ge=256 * 256, description="Largest width x "
                                  "height a request may ask for.")
    max_reference_mb: float = Field(10.0, gt=0, description="Largest shop reference image "
                                    "drawn, in MiB.")
    scheduler: str = Field("affinity", description="How jobs are placed on workers: "
                           "`affinity` (the worker that holds the checkpoint and LoRA, "
                           "weighed against queue depth), `least_queue` or `round_robin`.")
    jobs_per_worker: int = Field(4, ge=1, le=16, description="Jobs one replica takes from "
                                 "the stream per worker: one runs on the worker, the others "
                                 "wait in the pool for the best worker. The image consumer's "
                                 "in-flight limit is workers x this.")
    concurrent_renders: int | None = Field(None, ge=1, le=256, description="Overrides the "
                                           "image consumer's in-flight limit (default: "
                                           "workers x jobs_per_worker); with several "
                                           "replicas, give each its share.")
    steps: int = Field(28, ge=1, le=150, description="Sampler steps per image.")
    checkpoint_load_s: float = Field(6.0, ge=0, description="Scheduler's estimate of a "
                                     "checkpoint load on a worker, seconds.")
    lora_load_s: float = Field(1.5, ge=0, description="Scheduler's estimate of a LoRA "
                               "switch, seconds.")
    render_estimate_s: float = Field(4.0, gt=0, description="Scheduler's estimate of one "
                                     "render, seconds (weighs a queued prompt).")
    max_wait_s: float = Field(60.0, gt=0, description="A job waiting this long in the pool "
                              "is placed next, whatever it costs (no starvation).")
    render_timeout_s: float = Field(300.0, gt=0, description="A job not done this long after "
                                    "the pool took it is cancelled: `image_failed` timeout.")
    queue_timeout_s: float = Field(120.0, gt=0, description="A job whose workers are all "
                                   "down this long fails with worker_error.")
    worker_lost_after_s: float = Field(10.0, gt=0, description="A worker silent this long "
                                       "while running a job has lost it: the job runs "
                                       "elsewhere.")
    http_timeout_s: float = Field(10.0, gt=0, description="Timeout of one HTTP call to a "
                                  "worker (uploads and downloads get three times as long).")
    health_every_s: float = Field(2.0, gt=0, description="Seconds between health checks "
                                  "of each worker (`/system_stats`, `/queue`).")
    progress_every_s: float = Field(2.0, gt=0, description="At most one "
                                    "`media.image_progress` per job this often.")

    @field_validator("image_size", "preview_size")
    @classmethod
    def _size_parses(cls, value: str) -> str:
        return str(ImageSize.parse(value))

    @field_validator("scheduler")
    @classmethod
    def _known_scheduler(cls, value: str) -> str:
        if value not in POLICIES:
            raise ValueError(f"scheduler {value!r}: one of {', '.join(POLICIES)}")
        return value

    @field_validator("comfyui_urls")
    @classmethod
    def _urls_parse(cls, value: str) -> str:
        for url in (u.strip() for u in value.split(",") if u.strip()):
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"worker URL {url!r}: must start with http:// or https://")
        return value

    @property
    def worker_urls(self) -> tuple[str, ...]:
        return tuple(u.strip().rstrip("/") for u in self.comfyui_urls.split(",") if u.strip())

    @property
    def limits(self) -> RequestLimits:
        """What a request may ask for."""
        return RequestLimits(max_prompt_chars=self.max_prompt_chars,
                             size=ImageSize.parse(self.image_size),
                             max_pixels=self.max_image_pixels,
                             max_reference_bytes=int(self.max_reference_mb * 1024 * 1024))

    @property
    def costs(self) -> Costs:
        return Costs(checkpoint_load_s=self.checkpoint_load_s, lora_load_s=self.lora_load_s,
                     render_s=self.render_estimate_s, max_wait_s=self.max_wait_s)

    @property
    def sampler(self) -> SamplerSettings:
        return SamplerSettings(steps=self.steps)
