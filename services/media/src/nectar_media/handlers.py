"""Media handlers: `verb_noun(event, deps) -> list[Event]` (the events to publish).

A job is answered once: its outcome (`image_ready`, `image_failed` or `image_cancelled`)
has an id derived from the request's with index 0, so when a redelivery produces an outcome
again, JetStream drops it as a duplicate of the first one published. Progress events are
published while the job runs (indexes 1, 2, ...), at most one every `progress_every_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nectar_contracts import (
    Event,
    ImageCancelled,
    ImageCancelRequested,
    ImageFailed,
    ImageProgress,
    ImageReady,
    ImageRequested,
    LoraActivated,
    LoraRegistered,
    ShopItemRemoved,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
    UserDeleted,
)
from nectar_contracts.plans import PlanCatalog, load_plan_catalog
from nectar_runtime import Index, On
from nectar_runtime.objectstore import ObjectNotFound, user_prefix

from nectar_media.catalog import active_lora, active_tuning
from nectar_media.domain import (
    Activation,
    BadImageRequest,
    Cancelled,
    ImageJob,
    ImageSize,
    JobFailed,
    LoraVersion,
    MissingModel,
    Progress,
    QuotaExceeded,
    RequestLimits,
    ShopItem,
    Tuning,
    caption_of,
    check_item,
    check_lora,
    check_prompt,
    check_reference,
    image_key,
    image_mime,
    parse_size,
    plan_job,
    png_size,
    preview_key,
)
from nectar_media.metrics import MediaMetrics
from nectar_media.ports import (
    CancelBoard,
    EventPublisher,
    ImageRenderer,
    ObjectStore,
    QuotaLedger,
    Registry,
)

PRODUCER = "media"

log = logging.getLogger("nectar.media.handlers")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class JobPolicy:
    """How jobs are answered (from `MediaSettings`)."""

    bucket: str = "nectar-media"
    preview_size: str = "832x1216"
    progress_every_s: float = 2.0
    plans: PlanCatalog = field(default_factory=load_plan_catalog)

    def daily_images(self, plan: str) -> int:
        return self.plans[plan].entitlements.images


@dataclass(frozen=True)
class Deps:
    """What media handlers need. `renderer` and `store` are both None while image generation
    is off (`MEDIA_ENABLED=false`), and both set when it is on; the registries are projected
    either way."""

    metrics: MediaMetrics
    registry: Registry
    quota: QuotaLedger
    cancels: CancelBoard
    publisher: EventPublisher
    limits: RequestLimits = RequestLimits()
    policy: JobPolicy = field(default_factory=JobPolicy)
    renderer: ImageRenderer | None = None
    store: ObjectStore | None = None
    clock: Callable[[], dt.datetime] = _utcnow

    def __post_init__(self) -> None:
        if (self.renderer is None) != (self.store is None):
            raise ValueError("a renderer needs an object store and the other way round")


# --- jobs -------------------------------------------------------------------------------

async def render_image(event: ImageRequested, deps: Deps) -> list[Event]:
    """On `media.image_requested`: check the request, resolve what it is drawn with, render
    it on the pool, store it, and answer once:
    - `media.image_ready` (object key, size, seed, worker, base model, LoRA and tuning
      versions, queue and render seconds); a shop preview already rendered for this
      character x item x LoRA version x tuning version comes from the cache (`cached`);
    - `media.image_cancelled` when the user cancelled it (before or while it ran);
    - `media.image_failed` with its reason: not_available (off; nothing touched),
      bad_input (prompt, size, unknown character or item, a reference that is missing, not
      an image or over the size limit), not_visual (refused before anything is queued),
      quota (the plan's daily chat pictures are used; nothing rendered), missing_model,
      content_blocked, timeout, cancelled (interrupted on the worker by someone else),
      worker_error (an execution error, an output that is not an image, no worker).
    While it runs, `media.image_progress` is published at most every `progress_every_s`.

    Side effects: the image in object storage (a user's under `users/<id>/images/` by
    content; previews under `previews/` with a `.json` sidecar); a chat picture counts
    once against the user's daily quota, and only when it is ready (a failure spends
    nothing).

    Redelivery (a replica died, the store was down): the seed derives from the job, so the
    same picture is rendered into the same key and the quota counts the job once; the
    outcome has the same event id. The message is heartbeated while it renders.
    """
    if deps.renderer is None or deps.store is None:
        return _failed(event, deps, "not_available",
                       "image generation is off (MEDIA_ENABLED=false)")
    if await deps.cancels.requested(event.job_id):
        return _cancelled(event, deps, while_running=False)
    started = time.monotonic()
    try:
        resolved = await _resolve(event, deps)
        if event.kind == "shop_preview":
            cached = await _cached_preview(event, resolved, deps)
            if cached:
                return cached
        job = await _job(event, resolved, deps)
        rendered = await _render(event, job, deps)
    except Cancelled as exc:
        return _cancelled(event, deps, while_running=exc.while_running)
    except JobFailed as exc:
        return _failed(event, deps, exc.reason, str(exc))
    mime_type = image_mime(rendered.data)
    if mime_type is None:
        return _failed(event, deps, "worker_error", f"the worker returned {len(rendered.data)} "
                       "bytes that are not an image")
    width, height = png_size(rendered.data) or (job.size.width, job.size.height)
    if job.kind == "shop_preview" and job.item is not None and job.tuning is not None:
        key = preview_key(job.character, job.item.item_id, job.lora.version,
                          job.tuning.version)
        await deps.store.put(key, rendered.data, mime_type)
        await deps.store.put(key + ".json", json.dumps({
            "worker": rendered.worker, "seed": job.seed, "width": width, "height": height,
            "render_s": round(rendered.render_s, 3)}).encode(), "application/json")
    else:
        key = image_key(job.user_id, rendered.data, mime_type)
        await deps.store.put(key, rendered.data, mime_type)
    if job.kind == "chat":
        await deps.quota.spend(event.user_id, deps.clock().date(), event.job_id)
    queue_s = max(0.0, (deps.clock() - event.occurred_at).total_seconds()
                  - rendered.render_s)
    deps.metrics.requests.labels("ready").inc()
    deps.metrics.render_seconds.observe(rendered.render_s)
    deps.metrics.queue_seconds.observe(queue_s)
    log.info("image ready", extra={"job_id": str(event.job_id), "key": key,
                                   "worker": rendered.worker, "bytes": len(rendered.data),
                                   "seconds": round(time.monotonic() - started, 3)})
    return [event.caused(
        ImageReady, producer=PRODUCER, **_job_fields(event), bucket=deps.policy.bucket,
        object_key=key, mime_type=mime_type, width=width, height=height, seed=job.seed,
        worker=rendered.worker, base_model=job.lora.base_model, lora_version=job.lora.version,
        tuning_version=job.tuning.version if job.item is not None and job.tuning else None,
        queue_s=round(queue_s, 3), render_s=round(rendered.render_s, 3),
        caption=caption_of(resolved.prompt, job.item),
    )]


@dataclass(frozen=True)
class _Resolved:
    """A checked request and what it is drawn with (before the reference is fetched)."""

    prompt: str
    size: ImageSize
    lora: LoraVersion
    item: ShopItem | None
    tuning: Tuning | None
    tuning_version: int | None


async def _resolve(event: ImageRequested, deps: Deps) -> _Resolved:
    """The checked request, or the domain error that refuses it (nothing queued)."""
    preview = event.kind == "shop_preview"
    prompt = check_prompt(event.prompt, deps.limits, required=not preview)
    if preview and event.item_id is None:
        raise BadImageRequest("a shop preview needs an item")
    size = parse_size(event.size or (deps.policy.preview_size if preview else None),
                      deps.limits)
    item = check_item(event.item_id, await deps.registry.item(event.item_id)
                      if event.item_id else None)
    version, lora = await active_lora(deps.registry, event.character)
    lora = check_lora(event.character, version, lora)
    if event.kind == "chat":
        limit = deps.policy.daily_images(event.plan)
        used = await deps.quota.used(event.user_id, deps.clock().date())
        if used >= limit:
            raise QuotaExceeded(f"plan {event.plan}: {used} of {limit} images today")
    tuning: Tuning | None = None
    tuning_version: int | None = None
    if item is not None:
        tuning_version, tuning = await active_tuning(deps.registry, lora.base_model)
        if tuning is None:
            raise MissingModel(f"base model {lora.base_model!r}: active IP-Adapter tuning "
                               f"version {tuning_version} is not registered")
    return _Resolved(prompt, size, lora, item, tuning, tuning_version)


async def _job(event: ImageRequested, resolved: _Resolved, deps: Deps) -> ImageJob:
    """The job, with the item's reference image fetched and checked."""
    assert deps.store is not None
    reference = None
    item = resolved.item
    if item is not None:
        assert item.reference_key is not None
        try:
            data: bytes | None = (await deps.store.get(item.reference_key)).data
        except ObjectNotFound:
            data = None
        reference = check_reference(item, data, deps.limits)
    return plan_job(job_id=event.job_id, user_id=event.user_id, character=event.character,
                    prompt=resolved.prompt, size=resolved.size, lora=resolved.lora,
                    kind=event.kind, item=item, tuning=resolved.tuning, reference=reference)


async def _cached_preview(event: ImageRequested, resolved: _Resolved,
                          deps: Deps) -> list[Event] | None:
    """The cached preview of this character x item x LoRA version x tuning version."""
    assert deps.store is not None and resolved.item is not None
    assert resolved.tuning_version is not None
    lora, item = resolved.lora, resolved.item
    key = preview_key(event.character, item.item_id, lora.version, resolved.tuning_version)
    try:
        meta = json.loads((await deps.store.get(key + ".json")).data)
        if not await deps.store.exists(key):
            return None
    except (ObjectNotFound, ValueError):
        return None
    deps.metrics.requests.labels("cached").inc()
    return [event.caused(
        ImageReady, producer=PRODUCER, **_job_fields(event), bucket=deps.policy.bucket,
        object_key=key, mime_type="image/png",
        width=int(meta.get("width", resolved.size.width)),
        height=int(meta.get("height", resolved.size.height)),
        seed=int(meta.get("seed", 0)), worker=str(meta.get("worker", "")),
        base_model=lora.base_model, lora_version=lora.version,
        tuning_version=resolved.tuning_version, queue_s=0.0, render_s=0.0, cached=True,
        caption=caption_of(resolved.prompt, item))]


async def _render(event: ImageRequested, job: ImageJob, deps: Deps):  # type: ignore[no-untyped-def]
    """The job on the pool, with progress published (throttled) and cancels noticed."""
    assert deps.renderer is not None
    latest: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        latest[:] = [progress]

    async def cancelled() -> bool:
        try:
            return await deps.cancels.requested(event.job_id)
        except Exception:  # noqa: BLE001 - a cancel that cannot be read waits for the next
            return False

    async def report() -> None:
        published: Progress | None = None
        index = 0
        while True:
            await asyncio.sleep(deps.policy.progress_every_s)
            if not latest or latest[0] == published:
                continue
            published = latest[0]
            index += 1
            try:
                await deps.publisher.publish(event.caused(
                    ImageProgress, producer=PRODUCER, index=index, **_job_fields(event),
                    stage=published.stage, percent=published.percent, step=published.step,
                    steps=published.steps, worker=published.worker))
            except Exception as exc:  # noqa: BLE001 - progress is cosmetic
                log.info("progress not published", extra={"error": repr(exc)[:200]})

    reporter = asyncio.create_task(report())
    try:
        return await deps.renderer.render(job, on_progress, cancelled)
    finally:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter


def _job_fields(event: ImageRequested) -> dict[str, object]:
    return {"chat_id": event.chat_id, "character": event.character, "session": event.session,
            "job_id": event.job_id, "kind": event.kind, "item_id": event.item_id,
            "language": event.language, "status_message_id": event.status_message_id}


def _failed(event: ImageRequested, deps: Deps, reason: str, detail: str) -> list[Event]:
    deps.metrics.requests.labels(reason).inc()
    if reason not in ("not_available", "quota"):
        log.warning("image failed", extra={"job_id": str(event.job_id), "reason": reason,
                                           "detail": detail[:500]})
    return [event.caused(ImageFailed, producer=PRODUCER, **_job_fields(event),
                         reason=reason, detail=detail[:2000])]


def _cancelled(event: ImageRequested, deps: Deps, *, while_running: bool) -> list[Event]:
    deps.metrics.requests.labels("cancelled").inc()
    log.info("image cancelled", extra={"job_id": str(event.job_id),
                                       "while_running": while_running})
    return [event.caused(ImageCancelled, producer=PRODUCER, **_job_fields(event),
                         while_running=while_running)]


async def cancel_image(event: ImageCancelRequested, deps: Deps) -> list[Event]:
    """On `media.image_cancel_requested`: record the cancel where every replica sees it.
    The replica running the job notices within half a second and stops it on its worker; a
    job still waiting in the stream is answered `image_cancelled` when its turn comes; a
    job already finished is not affected. Emits nothing; a redelivery records it again."""
    await deps.cancels.request(event.job_id)
    log.info("cancel requested", extra={"job_id": str(event.job_id)})
    return []


# --- registries -------------------------------------------------------------------------

def _at_ms(event: Event) -> int:
    return int(event.occurred_at.timestamp() * 1000)


async def project_lora_registered(event: LoraRegistered, deps: Deps) -> list[Event]:
    """On `media.lora_registered`: add the version to the projection (the first
    registration of a number wins; a different one under a taken number is logged and
    ignored). Emits nothing; idempotent."""
    added = await deps.registry.add_lora(LoraVersion(
        character=event.character, version=event.version, base_model=event.base_model,
        file=event.file, sha256=event.sha256, strength=event.strength,
        trigger_words=tuple(event.trigger_words), note=event.note))
    if not added:
        log.error("LoRA version registered twice with different contents; the first stays",
                  extra={"character": event.character, "version": event.version})
    return []


async def project_lora_activated(event: LoraActivated, deps: Deps) -> list[Event]:
    """On `media.lora_activated`: append to the character's activation log (replayed by
    time, so the order of projection does not matter). Emits nothing; idempotent."""
    await deps.registry.log_lora_activation(event.character, Activation(
        version=event.version, at_ms=_at_ms(event), rollback=event.rollback, note=event.note),
        str(event.event_id))
    return []


async def project_tuning_registered(event: TuningRegistered, deps: Deps) -> list[Event]:
    """On `media.tuning_registered`: add the tuning version of the base model. Emits
    nothing; idempotent."""
    added = await deps.registry.add_tuning(Tuning(
        base_model=event.base_model, version=event.version, weight=event.weight,
        end_at=event.end_at, weight_type=event.weight_type, preset=event.preset,
        note=event.note))
    if not added:
        log.error("tuning version registered twice with different contents; the first stays",
                  extra={"base_model": event.base_model, "version": event.version})
    return []


async def project_tuning_activated(event: TuningActivated, deps: Deps) -> list[Event]:
    """On `media.tuning_activated`: append to the base model's activation log. Emits
    nothing; idempotent."""
    await deps.registry.log_tuning_activation(event.base_model, Activation(
        version=event.version, at_ms=_at_ms(event), rollback=event.rollback, note=event.note),
        str(event.event_id))
    return []


async def project_item_upserted(event: ShopItemUpserted, deps: Deps) -> list[Event]:
    """On `media.shop_item_upserted`: store the item unless a newer write of it is stored
    (last writer wins by `occurred_at`). Emits nothing; idempotent."""
    await deps.registry.put_item(ShopItem(
        item_id=event.item_id, title=event.title, visual=event.visual,
        reference_key=event.reference_key, reference_sha256=event.reference_sha256,
        prompt_hint=event.prompt_hint), event.item_id, _at_ms(event))
    return []


async def project_item_removed(event: ShopItemRemoved, deps: Deps) -> list[Event]:
    """On `media.shop_item_removed`: a tombstone, unless a newer write is stored. Emits
    nothing; idempotent."""
    await deps.registry.put_item(None, event.item_id, _at_ms(event))
    return []


# The index the runtime wires. Consumer names never change (a renamed consumer is a new one,
# which strands what the old one had not delivered).
# - `media-image_requested`: a render holds a GPU for 5-90 s; `max_in_flight` is the pool's
#   capacity (`app.tuning`), so when the pool is full requests wait in the stream. The
#   message is heartbeated while it renders: the ack wait only says how soon a dead
#   replica's job is taken over.
# - the registries are projections: they read the whole stream (`deliver_all`).
async def forget_user(event: UserDeleted, deps: Deps) -> list[Event]:
    """On `billing.user_deleted`: delete the user's images (`users/<id>/` of the bucket).
    Emits nothing. A redelivery deletes what is left; an outage of S3 is retried. Without
    object storage (images off) there is nothing to delete."""
    if deps.store is None:
        return []
    removed = await deps.store.delete_prefix(user_prefix(event.user_id))
    log.info("images of a deleted user erased", extra={"user_id": event.user_id,
                                                       "objects": removed})
    return []


HANDLERS: Index = {
    ImageRequested: On(render_image, "Render an image of the character",
                       max_in_flight=1, ack_wait_s=30),
    ImageCancelRequested: On(cancel_image, "Stop an image job"),
    LoraRegistered: On(project_lora_registered, "Project a character LoRA version",
                       deliver_all=True),
    LoraActivated: On(project_lora_activated, "Project a LoRA activation or rollback",
                      deliver_all=True),
    TuningRegistered: On(project_tuning_registered, "Project an IP-Adapter tuning version",
                         deliver_all=True),
    TuningActivated: On(project_tuning_activated, "Project a tuning activation or rollback",
                        deliver_all=True),
    ShopItemUpserted: On(project_item_upserted, "Project a shop item", deliver_all=True),
    ShopItemRemoved: On(project_item_removed, "Project a shop item's removal",
                        deliver_all=True),
    UserDeleted: On(forget_user, "Erase a deleted user's images"),
}
