"""The media service's app: consumes image requests, answers with image results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette

from nectar_contracts import Event, ImageFailed, ImageReady, ImageRequested
from nectar_media.bootstrap import build_deps
from nectar_media.handlers import HANDLERS, Deps
from nectar_media.settings import MediaSettings
from nectar_runtime import Runtime, ServiceSpec, lifecycles, subscriptions

SERVICE = "media"


def tuning(settings: MediaSettings) -> Mapping[type[Event], Mapping[str, Any]]:
    """Index options that come from settings: renders at once = the pool's capacity."""
    return {ImageRequested: {"max_in_flight": settings.concurrent_renders}}


def create_app(settings: MediaSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, registry=runtime.registry)
    spec = ServiceSpec(
        subscriptions=subscriptions(SERVICE, HANDLERS, deps, tune=tuning(settings)),
        publishes=[ImageReady, ImageFailed],
        managed=lifecycles(renderer=deps.renderer, object_store=deps.store),
    )
    return runtime.build(spec), runtime
