"""Ports of the media service: what renders a picture, and where pictures go."""

from __future__ import annotations

from typing import Protocol

from nectar_media.domain import ImageJob, RenderedImage, StoredObject


class ImageRenderer(Protocol):
    """Renders image jobs (a pool of ComfyUI workers; `FakeImageRenderer` in tests).

    `render` returns the encoded picture, or raises:
    - `ContentBlocked`: a safety check refused the prompt or the picture. The request is
      answered with `media.image_failed` (refused).
    - `RenderFailed`: no picture came out (a model the workers do not have; a worker error,
      crash or timeout after the adapter has tried the job on another worker; no worker
      up). Answered with `media.image_failed` (internal) at once: a picture that arrives
      minutes late, out of the conversation, is worse than an apology the user can act on.
    Nothing else escapes: client, protocol and WebSocket errors are translated by the
    adapter. A render may take minutes; the caller sets no deadline shorter than the job's.
    The same job (same seed) renders the same picture.
    """

    async def render(self, job: ImageJob) -> RenderedImage: ...


class ObjectStore(Protocol):
    """Where pictures go (the S3 API: SeaweedFS locally, S3 in production;
    `FakeObjectStore` in tests).

    Keys follow `check_object_key`; a key that breaks it is a `ValueError` (a bug, never an
    input). `put` is idempotent by key: putting a key again replaces its object. Raises
    `ObjectStoreUnavailable` when the store does not answer or fails (timeout, 5xx): an
    outage, retried by the runtime for as long as it lasts.
    """

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store `data` under `key`; the object and the URL it can be fetched from."""
        ...

    async def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such key."""
        ...
