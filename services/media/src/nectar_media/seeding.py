"""A registry seed: LoRA versions, tunings and shop items from a TOML file, turned into
registry events (`MEDIA_SEED_FILE`; `demo` is the packaged demo catalog of the local stack).

Seed events are dated 2000-01-01 and their ids derive from their content, so publishing the
seed again (every start) changes nothing: registrations are idempotent, activation logs and
items replay by time, and whatever an operator did since is newer than the seed. Entries the
projection already has are not published again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nectar_contracts import (
    Event,
    LoraActivated,
    LoraRegistered,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
    keyed_uuid7,
)

from nectar_media.domain import image_mime, reference_key

log = logging.getLogger("nectar.media.seed")

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "catalog.toml"
SEEDED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PRODUCER = "media"


class SeedError(ValueError):
    """The seed file cannot be read or has a wrong entry."""


@dataclass(frozen=True)
class SeedItem:
    event: ShopItemUpserted
    reference: bytes | None


@dataclass(frozen=True)
class Seed:
    """The events of a seed file, and the reference images its items need stored."""

    events: tuple[Event, ...]
    references: dict[str, tuple[bytes, str]]  # key -> (bytes, content type)


def seed_path(value: str) -> Path:
    return DEMO_FILE if value.strip() == "demo" else Path(value)


def _event(cls: type[Event], key: str, **fields: Any) -> Event:
    event_id = keyed_uuid7(f"media-seed|{key}", SEEDED_AT)
    return cls(event_id=event_id, correlation_id=event_id, producer=PRODUCER, user_id=0,
               occurred_at=SEEDED_AT, **fields)


def load_seed(path: Path) -> Seed:
    """The seed's events (registrations, then activations, then items); `SeedError` naming
    the entry that is wrong."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SeedError(f"seed file {path}: {exc}") from exc
    events: list[Event] = []
    references: dict[str, tuple[bytes, str]] = {}
    activations: list[Event] = []
    try:
        for raw in data.get("lora", []):
            entry = dict(raw)
            active = bool(entry.pop("active", False))
            events.append(_event(LoraRegistered, f"lora|{entry['character']}|"
                                 f"{entry['version']}", **entry))
            if active:
                activations.append(_event(LoraActivated, f"lora-active|{entry['character']}|"
                                          f"{entry['version']}", character=entry["character"],
                                          version=entry["version"], note="seed"))
        for raw in data.get("tuning", []):
            entry = dict(raw)
            active = bool(entry.pop("active", False))
            events.append(_event(TuningRegistered, f"tuning|{entry['base_model']}|"
                                 f"{entry['version']}", **entry))
            if active:
                activations.append(_event(TuningActivated, f"tuning-active|"
                                          f"{entry['base_model']}|{entry['version']}",
                                          base_model=entry["base_model"],
                                          version=entry["version"], note="seed"))
        events.extend(activations)
        for raw in data.get("item", []):
            entry = dict(raw)
            item_id = entry.pop("id")
            reference = entry.pop("reference", None)
            fields: dict[str, Any] = {"item_id": item_id, **entry}
            if reference is not None:
                blob = (path.parent / reference).read_bytes()
                mime = image_mime(blob)
                if mime is None:
                    raise SeedError(f"seed item {item_id!r}: {reference} is not an image")
                key = reference_key(item_id, blob, mime)
                references[key] = (blob, mime)
                fields.update(reference_key=key,
                              reference_sha256=hashlib.sha256(blob).hexdigest())
            events.append(_event(ShopItemUpserted, f"item|{item_id}", **fields))
    except SeedError:
        raise
    except Exception as exc:
        raise SeedError(f"seed file {path}: {type(exc).__name__}: {exc}"[:500]) from exc
    return Seed(tuple(events), references)


async def missing_from(events: tuple[Event, ...], deps: Any) -> list[Event]:
    """The seed events the projection does not reflect yet."""
    registry = deps.registry
    out: list[Event] = []
    for event in events:
        if isinstance(event, LoraRegistered):
            known = any(v.version == event.version
                        for v in await registry.lora_versions(event.character))
        elif isinstance(event, LoraActivated):
            known = bool(await registry.lora_log(event.character))
        elif isinstance(event, TuningRegistered):
            known = any(t.version == event.version
                        for t in await registry.tunings(event.base_model))
        elif isinstance(event, TuningActivated):
            known = bool(await registry.tuning_log(event.base_model))
        elif isinstance(event, ShopItemUpserted):
            known = await registry.item(event.item_id) is not None
        else:
            known = False
        if not known:
            out.append(event)
    return out


def seed_job(settings: Any, deps: Any) -> Callable[[], Awaitable[None]]:
    """The service's start-up job: store the seed's reference images, publish what the
    projection lacks. Raises (and is retried by the runtime) while S3 or NATS is down."""

    async def seed_registry() -> None:
        seed = load_seed(seed_path(settings.seed_file))
        if deps.store is not None:
            for key, (blob, mime) in seed.references.items():
                if not await deps.store.exists(key):
                    await deps.store.put(key, blob, mime)
        events = await missing_from(seed.events, deps)
        for event in events:
            await deps.publisher.publish(event)
        log.info("registry seed published", extra={"file": settings.seed_file,
                                                   "events": len(events),
                                                   "already_there": len(seed.events)
                                                   - len(events)})

    return seed_registry
