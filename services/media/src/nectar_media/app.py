"""The media service's app: consumes image requests, answers with image results."""

from __future__ import annotations

from starlette.applications import Starlette

from nectar_contracts import Event, ImageFailed, ImageReady, ImageRequested
from nectar_media import handlers
from nectar_media.bootstrap import build_deps
from nectar_media.handlers import Deps
from nectar_media.settings import MediaSettings
from nectar_runtime import Runtime, ServiceSpec, Subscription

SERVICE = "media"


def create_app(settings: MediaSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    deps = deps or build_deps()
    runtime = runtime or Runtime(SERVICE, settings.infra)

    async def on_image_requested(event: ImageRequested) -> list[Event]:
        return await handlers.render_image(event, deps)

    spec = ServiceSpec(
        subscriptions=[Subscription("media-image_requested", (ImageRequested,),
                                    on_image_requested, "Render an image of the character")],
        publishes=[ImageReady, ImageFailed],
    )
    return runtime.build(spec), runtime
