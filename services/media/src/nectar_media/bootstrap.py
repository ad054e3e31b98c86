"""Composition root of the media service: settings -> adapters -> `Deps`, each adapter
overridable by keyword. Nothing connects here (a `Managed` adapter opens in the runtime's
lifespan, or in an operator command's own `async with`)."""

from __future__ import annotations

from nectar_runtime import ConfigurationError
from nectar_runtime.objectstore import S3ObjectStore
from prometheus_client import REGISTRY, CollectorRegistry
from redis.asyncio import Redis

from nectar_media.adapters.pool import ComfyUIPool, PoolSettings
from nectar_media.adapters.redis_state import RedisCancelBoard, RedisQuotaLedger, RedisRegistry
from nectar_media.handlers import Deps, JobPolicy
from nectar_media.metrics import MediaMetrics
from nectar_media.ports import (
    CancelBoard,
    EventPublisher,
    ImageRenderer,
    ObjectStore,
    QuotaLedger,
    Registry,
)
from nectar_media.settings import MediaSettings


def pool_settings(settings: MediaSettings) -> PoolSettings:
    """The worker pool's settings."""
    return PoolSettings(
        urls=settings.worker_urls, policy=settings.scheduler,
        jobs_per_worker=settings.jobs_per_worker, costs=settings.costs,
        sampler=settings.sampler, http_timeout_s=settings.http_timeout_s,
        health_every_s=settings.health_every_s, lost_after_s=settings.worker_lost_after_s,
        render_timeout_s=settings.render_timeout_s, queue_timeout_s=settings.queue_timeout_s)


def job_policy(settings: MediaSettings) -> JobPolicy:
    return JobPolicy(bucket=settings.bucket, preview_size=settings.preview_size,
                     progress_every_s=settings.progress_every_s)


def object_store(settings: MediaSettings) -> S3ObjectStore:
    """Media's bucket on the S3 API."""
    return S3ObjectStore(settings.s3, bucket=settings.bucket)


def build_deps(settings: MediaSettings, *, redis: Redis, publisher: EventPublisher,
               renderer: ImageRenderer | None = None, store: ObjectStore | None = None,
               media_registry: Registry | None = None, quota: QuotaLedger | None = None,
               cancels: CancelBoard | None = None, metrics: MediaMetrics | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """The handlers' dependencies.

    The registries' projection, the quota and the cancel board live in Redis. Off
    (`MEDIA_ENABLED=false`) no renderer or store is built or used, overrides included. On,
    the renderer is the ComfyUI pool on `MEDIA_COMFYUI_URLS` and the store is
    `MEDIA_BUCKET` on `NECTAR_S3_URL`; without worker URLs the service does not start."""
    metrics = metrics or MediaMetrics.for_registry(registry)
    common = {"metrics": metrics, "limits": settings.limits, "policy": job_policy(settings),
              "registry": media_registry or RedisRegistry(redis),
              "quota": quota or RedisQuotaLedger(redis),
              "cancels": cancels or RedisCancelBoard(redis), "publisher": publisher}
    if not settings.enabled:
        return Deps(**common)  # type: ignore[arg-type]
    if renderer is None:
        if not settings.worker_urls:
            raise ConfigurationError(
                "MEDIA_ENABLED=true needs ComfyUI workers: set MEDIA_COMFYUI_URLS to their "
                "base URLs, comma-separated (or MEDIA_ENABLED=false: requests are then "
                "answered `not_available`)")
        renderer = ComfyUIPool(pool_settings(settings), metrics)
    return Deps(**common, renderer=renderer,  # type: ignore[arg-type]
                store=store or object_store(settings))
