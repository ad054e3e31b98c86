"""Composition root of the media service: settings -> adapters -> `Deps`, each adapter
overridable by keyword. Nothing connects here (a `Managed` adapter opens in the runtime's
lifespan)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry

from nectar_media.handlers import Deps
from nectar_media.metrics import MediaMetrics
from nectar_media.ports import ImageRenderer, ObjectStore
from nectar_media.settings import MediaSettings
from nectar_runtime import ConfigurationError


def build_deps(settings: MediaSettings, *, renderer: ImageRenderer | None = None,
               store: ObjectStore | None = None, metrics: MediaMetrics | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """The handlers' dependencies.

    Off (`MEDIA_ENABLED=false`) no renderer or store is built or used, overrides included.
    On, both are needed; neither has a production adapter yet (the ComfyUI worker pool and
    the S3 store come with the media feature), so today they can only be passed in, and
    without them the service does not start."""
    metrics = metrics or MediaMetrics.for_registry(registry)
    if not settings.enabled:
        return Deps(metrics=metrics, limits=settings.limits)
    missing = [what for what, given in (("an image renderer", renderer),
                                        ("an object store", store)) if given is None]
    if missing:
        raise ConfigurationError(
            f"MEDIA_ENABLED=true needs {' and '.join(missing)}, and this build has no "
            "adapter for them yet (the ComfyUI worker pool and the S3 store come with the "
            "media feature); set MEDIA_ENABLED=false meanwhile: requests are then answered "
            "`not_available`")
    return Deps(metrics=metrics, limits=settings.limits, renderer=renderer, store=store)
