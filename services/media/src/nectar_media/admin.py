"""Operator commands behind `nectar media ...`: the registries (LoRA versions, IP-Adapter
tuning, shop items), previews and the projection's rebuild.

Every change is an event published on the MEDIA stream (the log is the source of truth) and
then applied to the projection right away through the same handler the service runs, so the
next command sees it (the service applies it again: the projection is idempotent). Checks
happen here, before anything is published: a version is registered once, only a registered
version can be activated, a rollback needs an earlier activation, a reference image must be
an image of at most `MEDIA_MAX_REFERENCE_MB`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nectar_contracts import (
    EVENT_TYPES,
    Event,
    ImageRequested,
    LoraActivated,
    LoraRegistered,
    ShopItemRemoved,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
)
from nectar_contracts.media import REGISTRY_EVENTS
from redis.asyncio import Redis

from nectar_media import handlers
from nectar_media.bootstrap import build_deps, object_store
from nectar_media.catalog import active_lora, active_tuning
from nectar_media.domain import image_mime, next_version, reference_key
from nectar_media.domain.registry import active_version, rollback_target
from nectar_media.handlers import Deps
from nectar_media.settings import MediaSettings

PRODUCER = "media"
#: the seed's weight range and end_at range for IP-Adapter, and its step
WEIGHT_RANGE = (0.0, 0.5)
END_AT_RANGE = (0.7, 0.9)
STEP = 0.05


class AdminError(Exception):
    """An operator command that cannot be done as asked (nothing was published)."""


class NatsPublisher:
    """Publishes events to JetStream and waits for each ack (`EventPublisher`)."""

    def __init__(self, nats_url: str) -> None:
        self.nats_url = nats_url
        self.nc: Any = None
        self.js: Any = None

    async def __aenter__(self) -> NatsPublisher:
        import nats

        self.nc = await nats.connect(servers=self.nats_url.split(","), connect_timeout=5,
                                     max_reconnect_attempts=2)
        self.js = self.nc.jetstream()
        try:
            await self.js.stream_info("MEDIA")
        except Exception as exc:
            await self.nc.close()
            raise AdminError("the MEDIA stream does not exist: start the stack (or the media "
                             "service) once first") from exc
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.nc.close()

    async def publish(self, event: Event) -> None:
        await self.js.publish(event.subject, event.model_dump_json().encode(),
                              headers={"Nats-Msg-Id": str(event.event_id)}, timeout=10)


@contextlib.asynccontextmanager
async def session(settings: MediaSettings) -> AsyncIterator[tuple[Deps, NatsPublisher]]:
    """The service's own dependencies (its composition root) with a NATS publisher."""
    redis = Redis.from_url(settings.infra.redis_url, socket_timeout=5,
                           socket_connect_timeout=5)
    try:
        async with NatsPublisher(settings.infra.nats_url) as publisher:
            deps = build_deps(settings.model_copy(update={"enabled": False}), redis=redis,
                              publisher=publisher)
            yield deps, publisher
    finally:
        await redis.aclose()


_PROJECT: dict[type[Event], Callable[..., Any]] = {
    LoraRegistered: handlers.project_lora_registered,
    LoraActivated: handlers.project_lora_activated,
    TuningRegistered: handlers.project_tuning_registered,
    TuningActivated: handlers.project_tuning_activated,
    ShopItemUpserted: handlers.project_item_upserted,
    ShopItemRemoved: handlers.project_item_removed,
}


async def _record(deps: Deps, publisher: NatsPublisher, events: list[Event]) -> list[Event]:
    for event in events:
        await publisher.publish(event)
        await _PROJECT[type(event)](event, deps)
    return events


def _new(cls: type[Event], **fields: Any) -> Event:
    return cls.new(producer=PRODUCER, user_id=0, **fields)


# --- LoRA versions ----------------------------------------------------------------------

async def lora_list(settings: MediaSettings, character: str | None = None) -> list[dict]:
    """Each character's versions, the active one and the activation log."""
    async with session(settings) as (deps, _):
        characters = [character] if character else await deps.registry.characters()
        out = []
        for name in characters:
            log = await deps.registry.lora_log(name)
            out.append({
                "character": name, "active": active_version(log),
                "rollback_to": rollback_target(log),
                "versions": [asdict(v) for v in await deps.registry.lora_versions(name)],
                "log": [asdict(a) for a in log]})
        return out


async def lora_add(settings: MediaSettings, *, character: str, base_model: str, file: str,
                   sha256: str, strength: float = 0.85, trigger_words: tuple[str, ...] = (),
                   version: int | None = None, activate: bool = False,
                   note: str = "") -> list[Event]:
    """Register a LoRA version (the next number unless given); activate it if asked."""
    async with session(settings) as (deps, publisher):
        existing = [v.version for v in await deps.registry.lora_versions(character)]
        version = version or next_version(existing)
        if version in existing:
            raise AdminError(f"{character} already has LoRA version {version}; versions are "
                             "immutable: register a new one")
        try:
            events = [_new(LoraRegistered, character=character, version=version,
                           base_model=base_model, file=file, sha256=sha256.lower(),
                           strength=strength, trigger_words=list(trigger_words), note=note)]
        except ValueError as exc:
            raise AdminError(str(exc)) from exc
        if activate:
            events.append(_new(LoraActivated, character=character, version=version,
                               note=note))
        return await _record(deps, publisher, events)


async def lora_activate(settings: MediaSettings, character: str, version: int,
                        note: str = "") -> Event:
    async with session(settings) as (deps, publisher):
        versions = [v.version for v in await deps.registry.lora_versions(character)]
        if version not in versions:
            raise AdminError(f"{character} has no LoRA version {version} (registered: "
                             f"{versions or 'none'})")
        if active_version(await deps.registry.lora_log(character)) == version:
            raise AdminError(f"{character}: version {version} is already active")
        [event] = await _record(deps, publisher, [_new(
            LoraActivated, character=character, version=version, note=note)])
        return event


async def lora_rollback(settings: MediaSettings, character: str, note: str = "") -> Event:
    """Activate the version that was active before the current one."""
    async with session(settings) as (deps, publisher):
        target = rollback_target(await deps.registry.lora_log(character))
        if target is None:
            raise AdminError(f"{character}: nothing to roll back to")
        [event] = await _record(deps, publisher, [_new(
            LoraActivated, character=character, version=target, rollback=True, note=note)])
        return event


# --- IP-Adapter tuning ------------------------------------------------------------------

def tuning_warnings(weight: float, end_at: float) -> list[str]:
    """Where a tuning leaves the seed's guidance (moderate weight, early handoff, 0.05
    steps): not refused, said."""
    out = []
    if not WEIGHT_RANGE[0] <= weight <= WEIGHT_RANGE[1]:
        out.append(f"weight {weight:g} is outside the lower half of 0-1: the reference may "
                   "take over the face")
    if not END_AT_RANGE[0] <= end_at <= END_AT_RANGE[1]:
        out.append(f"end_at {end_at:g} is outside 0.7-0.9: the last steps should belong to "
                   "the LoRA")
    for name, value in (("weight", weight), ("end_at", end_at)):
        if abs(value / STEP - round(value / STEP)) > 1e-6:
            out.append(f"{name} {value:g} is not on the 0.05 grid: sweep in 0.05 steps")
    return out


async def tuning_list(settings: MediaSettings, base_model: str | None = None) -> list[dict]:
    async with session(settings) as (deps, _):
        bases = [base_model] if base_model else await deps.registry.base_models()
        out = []
        for base in bases:
            log = await deps.registry.tuning_log(base)
            version, tuning = await active_tuning(deps.registry, base)
            out.append({"base_model": base, "active": version,
                        "active_tuning": asdict(tuning) if tuning else None,
                        "rollback_to": rollback_target(log),
                        "versions": [asdict(t) for t in await deps.registry.tunings(base)],
                        "log": [asdict(a) for a in log]})
        return out


async def tuning_add(settings: MediaSettings, *, base_model: str, weight: float,
                     end_at: float, weight_type: str = "ease in-out",
                     preset: str = "PLUS (high strength)", activate: bool = True,
                     note: str = "") -> list[Event]:
    async with session(settings) as (deps, publisher):
        existing = [t.version for t in await deps.registry.tunings(base_model)]
        version = next_version(existing)
        try:
            events = [_new(TuningRegistered, base_model=base_model, version=version,
                           weight=weight, end_at=end_at, weight_type=weight_type,
                           preset=preset, note=note)]
        except ValueError as exc:
            raise AdminError(str(exc)) from exc
        if activate:
            events.append(_new(TuningActivated, base_model=base_model, version=version,
                               note=note))
        return await _record(deps, publisher, events)


async def tuning_activate(settings: MediaSettings, base_model: str, version: int,
                          note: str = "") -> Event:
    async with session(settings) as (deps, publisher):
        versions = [t.version for t in await deps.registry.tunings(base_model)]
        if version not in versions:
            raise AdminError(f"{base_model} has no tuning version {version} (registered: "
                             f"{versions or 'none'})")
        [event] = await _record(deps, publisher, [_new(
            TuningActivated, base_model=base_model, version=version, note=note)])
        return event


async def tuning_rollback(settings: MediaSettings, base_model: str, note: str = "") -> Event:
    async with session(settings) as (deps, publisher):
        target = rollback_target(await deps.registry.tuning_log(base_model))
        if target is None:
            raise AdminError(f"{base_model}: nothing to roll back to")
        [event] = await _record(deps, publisher, [_new(
            TuningActivated, base_model=base_model, version=target, rollback=True, note=note)])
        return event


# --- shop items -------------------------------------------------------------------------

async def items_list(settings: MediaSettings) -> list[dict]:
    async with session(settings) as (deps, _):
        return [asdict(item) for item in await deps.registry.items()]


async def items_add(settings: MediaSettings, *, item_id: str, title: str, visual: bool,
                    reference: Path | None = None, prompt_hint: str = "") -> Event:
    """Add or change an item. A visual item needs a reference image (an image of at most
    the size limit), stored in media's bucket by content."""
    if visual and reference is None:
        raise AdminError("a visual item needs --reference IMAGE")
    if not visual and reference is not None:
        raise AdminError("a non-visual item has no reference image")
    fields: dict[str, Any] = {}
    store = None
    if reference is not None:
        blob = reference.read_bytes()
        limit = settings.limits.max_reference_bytes
        if len(blob) > limit:
            raise AdminError(f"{reference}: {len(blob)} bytes; a reference is at most "
                             f"{limit} bytes")
        mime = image_mime(blob)
        if mime is None:
            raise AdminError(f"{reference}: not a PNG, JPEG or WebP image")
        key = reference_key(item_id, blob, mime)
        fields = {"reference_key": key, "reference_sha256": hashlib.sha256(blob).hexdigest()}
        store = object_store(settings)
        await store.start()
        try:
            await store.put(key, blob, mime)
        finally:
            await store.close()
    async with session(settings) as (deps, publisher):
        try:
            event = _new(ShopItemUpserted, item_id=item_id, title=title, visual=visual,
                         prompt_hint=prompt_hint, **fields)
        except ValueError as exc:
            raise AdminError(str(exc)) from exc
        [event] = await _record(deps, publisher, [event])
        return event


async def items_remove(settings: MediaSettings, item_id: str) -> Event:
    async with session(settings) as (deps, publisher):
        if await deps.registry.item(item_id) is None:
            raise AdminError(f"no shop item {item_id!r}")
        [event] = await _record(deps, publisher, [_new(ShopItemRemoved, item_id=item_id)])
        return event


# --- previews ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PrerenderResult:
    item_id: str
    outcome: str  # ready, cached, failed, cancelled, timeout
    detail: str = ""


async def prerender(settings: MediaSettings, character: str, *, timeout_s: float = 600.0,
                    on_done: Callable[[PrerenderResult], None] | None = None,
                    ) -> list[PrerenderResult]:
    """Ask media for a preview of every visual item on `character` (shop previews of user
    0: cached ones come back at once, the rest are rendered one at a time, so users keep
    the pool), and wait for each outcome."""
    async with session(settings) as (deps, publisher):
        version, lora = await active_lora(deps.registry, character)
        if version is None:
            raise AdminError(f"unknown character {character!r}: no LoRA version is active")
        items = [i for i in await deps.registry.items() if i.visual]
        if not items:
            return []
        jobs: dict[uuid.UUID, str] = {}
        results: dict[str, PrerenderResult] = {}
        finished = asyncio.Event()

        async def on_message(msg: Any) -> None:
            try:
                data = json.loads(msg.data)
                cls = EVENT_TYPES.get(data.get("type"))
                job_id = uuid.UUID(data.get("job_id", ""))
            except (ValueError, TypeError):
                return
            item_id = jobs.get(job_id)
            if item_id is None or item_id in results or cls is None:
                return
            name = cls.event_name()
            if name == "image_progress":
                return
            outcome = {"image_ready": "cached" if data.get("cached") else "ready",
                       "image_failed": "failed", "image_cancelled": "cancelled"}[name]
            result = PrerenderResult(item_id, outcome, data.get("detail") or
                                     data.get("object_key", ""))
            results[item_id] = result
            if on_done is not None:
                on_done(result)
            if len(results) == len(jobs):
                finished.set()

        subscription = await publisher.nc.subscribe("nectar.media.0.*", cb=on_message)
        try:
            for item in items:
                job_id = uuid.uuid4()
                jobs[job_id] = item.item_id
                await publisher.publish(ImageRequested.new(
                    producer=PRODUCER, user_id=0, chat_id=0, character=character,
                    session="prerender", job_id=job_id, prompt="", item_id=item.item_id,
                    kind="shop_preview", language="en", plan="elite"))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(finished.wait(), timeout_s)
        finally:
            await subscription.unsubscribe()
        for item_id in jobs.values():
            if item_id not in results:
                results[item_id] = PrerenderResult(item_id, "timeout",
                                                   f"no answer in {timeout_s:g} s")
                if on_done is not None:
                    on_done(results[item_id])
        return [results[i.item_id] for i in items]


# --- rebuild ----------------------------------------------------------------------------

async def rebuild(settings: MediaSettings, apply: bool) -> dict[str, Any]:
    """Wipe the registries' projection and replay every registry event of the MEDIA stream
    into it (a dry run counts them)."""
    import nats
    from nats.js.api import DeliverPolicy

    subjects = [cls.subscription_subject().replace("*", "0") for cls in REGISTRY_EVENTS]
    nc = await nats.connect(servers=settings.infra.nats_url.split(","), connect_timeout=5)
    counts: dict[str, int] = {}
    events: list[Event] = []
    try:
        js = nc.jetstream()
        info = await js.stream_info("MEDIA")
        last = info.state.last_seq
        if last:
            sub = await js.subscribe("nectar.media.0.>", ordered_consumer=True,
                                     deliver_policy=DeliverPolicy.ALL)
            try:
                while True:
                    try:
                        msg = await sub.next_msg(timeout=5)
                    except nats.errors.TimeoutError:
                        break  # no registry event at all, or the last one was read
                    if msg.subject in subjects:
                        cls = EVENT_TYPES[json.loads(msg.data)["type"]]
                        events.append(cls.model_validate_json(msg.data))
                        counts[cls.event_name()] = counts.get(cls.event_name(), 0) + 1
                    if msg.metadata.num_pending == 0:
                        break
            finally:
                await sub.unsubscribe()
    finally:
        await nc.close()
    report: dict[str, Any] = {"events": counts, "applied": False}
    if not apply:
        return report
    from nectar_media.adapters.redis_state import RedisRegistry

    redis = Redis.from_url(settings.infra.redis_url, socket_timeout=5)
    try:
        registry = RedisRegistry(redis)
        report["wiped_keys"] = await registry.wipe()
        deps = build_deps(settings.model_copy(update={"enabled": False}), redis=redis,
                          publisher=NatsPublisher(settings.infra.nats_url),
                          media_registry=registry)
        for event in events:
            await _PROJECT[type(event)](event, deps)
        report["applied"] = True
    finally:
        await redis.aclose()
    return report
