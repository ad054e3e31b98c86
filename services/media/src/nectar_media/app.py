"""The media service's app: consumes image requests, cancels and the registries; publishes
image outcomes and progress, and (through its operator commands) the registry events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from nectar_contracts import Event, ImageRequested
from nectar_contracts.media import JOB_EVENTS, REGISTRY_EVENTS
from nectar_runtime import Runtime, ServiceSpec, lifecycles, subscriptions
from starlette.applications import Starlette

from nectar_media.bootstrap import build_deps
from nectar_media.handlers import HANDLERS, Deps
from nectar_media.seeding import seed_job
from nectar_media.settings import MediaSettings

SERVICE = "media"

#: what media publishes: job outcomes and progress (the handlers), the registry events (its
#: operator commands and the seed); `image_requested` for shop previews (`prerender`) and
#: `image_cancel_requested` come from the edge too
PUBLISHES: tuple[type[Event], ...] = tuple(
    e for e in JOB_EVENTS if e.event_name() != "image_cancel_requested") + REGISTRY_EVENTS


def tuning(settings: MediaSettings, deps: Deps) -> Mapping[type[Event], Mapping[str, Any]]:
    """Index options that come from settings: jobs at once = the pool's capacity, so that
    when the pool is full, requests wait in the stream."""
    capacity = settings.concurrent_renders or (
        deps.renderer.capacity() if deps.renderer is not None else 1)
    return {ImageRequested: {"max_in_flight": capacity}}


def create_app(settings: MediaSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, redis=runtime.redis, publisher=runtime.bus,
                              registry=runtime.registry)
    background: list[Callable[[], Awaitable[None]]] = []
    if settings.seed_file:
        background.append(seed_job(settings, deps))
    spec = ServiceSpec(
        subscriptions=subscriptions(SERVICE, HANDLERS, deps, tune=tuning(settings, deps)),
        publishes=list(PUBLISHES),
        managed=lifecycles(object_store=deps.store, renderer=deps.renderer),
        background=background,
    )
    return runtime.build(spec), runtime
