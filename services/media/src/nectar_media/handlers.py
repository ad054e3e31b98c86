"""Media handlers: `verb_noun(event, deps) -> list[Event]` (the events to publish).

A request is answered once: its outcome (`image_ready` or `image_failed`) has an id derived
from the request's with the same index, so when a redelivery produces an outcome again,
JetStream drops it as a duplicate of the first one published.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Literal

from nectar_contracts import Event, ImageFailed, ImageReady, ImageRequested
from nectar_media.domain import (
    BadImageRequest,
    ContentBlocked,
    RenderFailed,
    RequestLimits,
    image_mime,
    object_key,
    plan_job,
)
from nectar_media.metrics import MediaMetrics
from nectar_media.ports import ImageRenderer, ObjectStore
from nectar_runtime import Index, On

PRODUCER = "media"

log = logging.getLogger("nectar.media.handlers")


@dataclass(frozen=True)
class Deps:
    """What media handlers need. `renderer` and `store` are both None while image generation
    is off (`MEDIA_ENABLED=false`), and both set when it is on."""

    metrics: MediaMetrics
    limits: RequestLimits = RequestLimits()
    renderer: ImageRenderer | None = None
    store: ObjectStore | None = None

    def __post_init__(self) -> None:
        if (self.renderer is None) != (self.store is None):
            raise ValueError("a renderer needs an object store and the other way round")


async def render_image(event: ImageRequested, deps: Deps) -> list[Event]:
    """On `media.image_requested`: render the picture, store it, emit `media.image_ready`
    with its URL; otherwise emit `media.image_failed` with the reason the edge words for the
    user:
    - `not_available`: image generation is off; no renderer is touched;
    - `refused`: a blank or over-long prompt (nothing rendered), or the renderer's safety
      check blocked it (`ContentBlocked`);
    - `internal`: no picture came out (`RenderFailed`), or what came out is not an image
      (nothing stored).

    Side effect: one object, `images/<user>/<request id>.<ext>`, in the object store. When the
    store is down the handler raises `ObjectStoreUnavailable` and the runtime retries the
    request for as long as the outage lasts.

    Redelivery (a replica died mid-render, or the store was down): the job id is the request's
    event id and the seed derives from it, so the job renders the same picture into the same
    key, and the outcome has the same event id. A render takes as long as it takes: the
    runtime heartbeats the message meanwhile, so it is not redelivered while this replica
    lives. Requests of one user are rendered one after the other (the runtime's per-user
    ordering).
    """
    renderer, store = deps.renderer, deps.store
    if renderer is None or store is None:
        return _failed(event, deps, "not_available", "image generation is off "
                       "(MEDIA_ENABLED=false)")
    try:
        job = plan_job(event.event_id, event.user_id, event.character, event.prompt,
                       deps.limits)
    except BadImageRequest as exc:
        return _failed(event, deps, "refused", f"bad request: {exc}")
    started = time.perf_counter()
    try:
        image = await renderer.render(job)
    except ContentBlocked as exc:
        return _failed(event, deps, "refused", f"content blocked: {exc}")
    except RenderFailed as exc:
        return _failed(event, deps, "internal", f"render failed: {exc}")
    deps.metrics.render_seconds.observe(time.perf_counter() - started)
    mime_type = image_mime(image.data)
    if mime_type is None:
        return _failed(event, deps, "internal", f"the renderer returned {len(image.data)} "
                       "bytes that are not an image")
    stored = await store.put(object_key(job, mime_type), image.data, mime_type)
    deps.metrics.requests.labels("ready").inc()
    log.info("image ready", extra={"key": stored.key, "bytes": len(image.data),
                                   "seconds": round(time.perf_counter() - started, 3)})
    return [event.caused(
        ImageReady, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, url=stored.url, mime_type=mime_type,
    )]


def _failed(event: ImageRequested, deps: Deps,
            reason: Literal["not_available", "refused", "internal"],
            detail: str) -> list[Event]:
    deps.metrics.requests.labels("failed" if reason == "internal" else reason).inc()
    if reason != "not_available":
        log.warning("image failed", extra={"reason": reason, "detail": detail})
    return [event.caused(
        ImageFailed, producer=PRODUCER, chat_id=event.chat_id, character=event.character,
        session=event.session, language=event.language, reason=reason, detail=detail,
    )]


# The index the runtime wires: one durable consumer, `media-image_requested`. Its name never
# changes (a renamed consumer is a new one, which starts at new messages and strands what the
# old one had not delivered). A render holds a GPU for 30-90 s: one at a time per replica
# unless settings give the pool more (`MEDIA_CONCURRENT_RENDERS`, see `app.tuning`); the rest
# wait in the stream. The message is heartbeated while it renders, so the ack wait does not
# bound a render: it only says how soon a dead replica's job is taken over.
HANDLERS: Index = {
    ImageRequested: On(render_image, "Render an image of the character",
                       max_in_flight=1, ack_wait_s=30),
}
