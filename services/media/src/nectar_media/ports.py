"""Ports of the media service: what renders a picture, where pictures go, the registries'
projection, the daily quota, cancel requests, and the live publication of progress.

Object storage is the runtime's `nectar_runtime.objectstore.ObjectStore` (S3 API; the
`InMemoryObjectStore` fake): `get` raises `ObjectNotFound`, an outage raises
`ObjectStoreUnavailable`, which the runtime retries for as long as it lasts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from nectar_contracts import Event
from nectar_runtime.objectstore import ObjectStore

from nectar_media.domain import (
    Activation,
    ImageJob,
    LoraVersion,
    Progress,
    RenderedImage,
    ShopItem,
    Tuning,
)

__all__ = ["CancelBoard", "EventPublisher", "ImageRenderer", "ObjectStore", "ProgressCallback",
           "QuotaLedger", "Registry"]

ProgressCallback = Callable[[Progress], None]
CancelCheck = Callable[[], Awaitable[bool]]


class ImageRenderer(Protocol):
    """Renders jobs on a pool of ComfyUI workers (`ComfyUIPool`; `FakeImageRenderer`).

    `render` returns the encoded picture with the worker and the queue and render seconds,
    reporting progress through `on_progress` (called often; the caller throttles) and
    asking `cancelled()` every so often. It raises the domain errors, one per outcome:
    - `MissingModel`: no worker has the job's checkpoint or LoRA (checked against the
      workers' inventory before anything is submitted), or an IP-Adapter file is missing;
    - `ContentBlocked`: a safety check refused the prompt or the picture;
    - `RenderTimeout`: the job did not finish within the pool's deadline (it is cancelled
      on its worker);
    - `Interrupted`: someone else interrupted it on the worker;
    - `RenderFailed`: an execution error, an output that is not an image, no worker up for
      longer than the pool waits, or the job lost on every worker it was tried on (a worker
      that dies mid-job has its job rerun elsewhere first);
    - `Cancelled`: `cancelled()` answered True (the job is stopped on its worker).
    Nothing else escapes: HTTP, WebSocket and protocol errors are the adapter's business.
    The same job renders the same picture (its seed is part of it).
    """

    async def render(self, job: ImageJob, on_progress: ProgressCallback,
                     cancelled: CancelCheck) -> RenderedImage: ...

    def capacity(self) -> int:
        """Jobs the pool takes at once (the image consumer's `max_in_flight`)."""
        ...


class Registry(Protocol):
    """The projection of the registry events (Redis: `RedisRegistry`; `FakeRegistry`).

    Writes are idempotent and commutative, so events projected twice or out of order give
    the same state: a version is registered once (the first registration wins; a different
    one under the same number is refused with False), activation logs replay by time
    (`domain.registry`), items are last-writer-wins by `at_ms` (a removal is a tombstone).
    An outage raises `Unavailable` (redis), which the runtime retries.
    """

    async def add_lora(self, lora: LoraVersion) -> bool: ...

    async def log_lora_activation(self, character: str, entry: Activation, event_id: str) -> None: ...

    async def lora_versions(self, character: str) -> list[LoraVersion]: ...

    async def lora_log(self, character: str) -> list[Activation]: ...

    async def characters(self) -> list[str]: ...

    async def add_tuning(self, tuning: Tuning) -> bool: ...

    async def log_tuning_activation(self, base_model: str, entry: Activation, event_id: str) -> None: ...

    async def tunings(self, base_model: str) -> list[Tuning]: ...

    async def tuning_log(self, base_model: str) -> list[Activation]: ...

    async def base_models(self) -> list[str]: ...

    async def put_item(self, item: ShopItem | None, item_id: str, at_ms: int) -> bool:
        """Store `item` (None: removed) unless a newer write for `item_id` is stored."""
        ...

    async def item(self, item_id: str) -> ShopItem | None: ...

    async def items(self) -> list[ShopItem]: ...


class QuotaLedger(Protocol):
    """Images rendered per user per UTC day (Redis: `RedisQuotaLedger`). `spend` is
    idempotent by job id (a redelivered job is counted once) and returns the count."""

    async def used(self, user_id: int, day: dt.date) -> int: ...

    async def spend(self, user_id: int, day: dt.date, job_id: uuid.UUID) -> int: ...


class CancelBoard(Protocol):
    """Cancel requests, shared by every replica (Redis: `RedisCancelBoard`): the replica
    rendering a job need not be the one that consumed the cancel."""

    async def request(self, job_id: uuid.UUID) -> None: ...

    async def requested(self, job_id: uuid.UUID) -> bool: ...


class EventPublisher(Protocol):
    """Publishes an event now (the runtime's `EventBus`): progress cannot wait for the
    handler to return."""

    async def publish(self, event: Event) -> None: ...
