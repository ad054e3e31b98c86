"""Media context: image jobs on the ComfyUI pool, and the registries they are rendered from.

Jobs (one user each): `image_requested` -> (`image_progress`)* -> exactly one of
`image_ready`, `image_failed` or `image_cancelled` (all three carry the request's derived id
with the same index, so a redelivered job that ends differently is a duplicate).
`image_cancel_requested` asks media to stop a job.

Registries (system events, user id 0, kept forever in the MEDIA stream; media projects them):
LoRA versions per character keyed to their base model and which one is active; IP-Adapter
tuning versioned per base model; the shop catalog (a `visual` flag and a reference image).
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from nectar_contracts.chat import ConversationRef, Plan
from nectar_contracts.envelope import Event

ImageKind = Literal["chat", "shop_preview"]
ImageFailReason = Literal["not_available", "not_visual", "missing_model", "content_blocked",
                          "worker_error", "timeout", "cancelled", "quota", "bad_input"]
ImageStage = Literal["queued", "loading", "sampling", "decoding", "saving"]
#: IPAdapterAdvanced's `weight_type` values (cubiq/ComfyUI_IPAdapter_plus, WEIGHT_TYPES)
IPAdapterWeightType = Literal[
    "linear", "ease in", "ease out", "ease in-out", "reverse in-out", "weak input",
    "weak output", "weak middle", "strong middle", "style transfer", "composition",
    "strong style transfer", "style and composition", "style transfer precise",
    "composition precise"]

_JOB_ID = "The image job (set by the requester; one job, one outcome)."
_STATUS_MESSAGE = ("Telegram message the edge shows the job's progress in (echoed back by "
                   "media), if any.")


class ImageRequested(ConversationRef):
    """An image of the character was asked for: a chat picture (`/image`, or an intent the
    llm detected) or a shop preview of an item on the character. Media resolves the
    character's active LoRA version and the IP-Adapter tuning of its base model itself."""

    type: Literal["media.image_requested"] = Field("media.image_requested", description="Event type.")
    schema_version: Literal[2] = Field(2, description="Schema version of this event type.")
    job_id: uuid.UUID = Field(description=_JOB_ID)
    prompt: str = Field(max_length=16384, description="What to draw, as the user said it. "
                        "Media refuses a blank or over-long one with `image_failed` "
                        "(bad_input) rather than the schema, so the user hears why.")
    item_id: str | None = Field(default=None, max_length=128, description="Shop item to "
                                "render on the character (IP-Adapter reference), if any.",
                                examples=["red_dress"])
    kind: ImageKind = Field(default="chat", description="`chat`: a picture in the "
                            "conversation, counted against the plan's daily images; "
                            "`shop_preview`: an item on the character, served from the "
                            "preview cache when rendered before, not counted.")
    size: str | None = Field(default=None, max_length=16, description="WIDTHxHEIGHT in "
                             "pixels; unset: media's default size.", examples=["832x1216"])
    language: str = Field(description="Language for captions and errors.")
    plan: Plan = Field(default="free", description="The user's plan when asking (its daily "
                       "image quota applies to chat pictures).")
    status_message_id: int | None = Field(default=None, description=_STATUS_MESSAGE)


class _JobOutcome(ConversationRef):
    """Fields shared by the events of one job."""

    job_id: uuid.UUID = Field(description=_JOB_ID)
    kind: ImageKind = Field(default="chat", description="The request's kind.")
    item_id: str | None = Field(default=None, description="The request's shop item, if any.")
    language: str = Field(description="The request's language.")
    status_message_id: int | None = Field(default=None, description=_STATUS_MESSAGE)


class ImageProgress(_JobOutcome):
    """How far a job is (throttled: at most one every `MEDIA_PROGRESS_EVERY_S` per job)."""

    type: Literal["media.image_progress"] = Field("media.image_progress", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    stage: ImageStage = Field(description="queued (waiting for a worker), loading (models), "
                              "sampling, decoding, saving.")
    percent: int = Field(ge=0, le=100, description="Overall progress estimate, 0-100.")
    step: int | None = Field(default=None, ge=0, description="Sampler step, while sampling.")
    steps: int | None = Field(default=None, ge=1, description="Sampler steps in all.")
    worker: str | None = Field(default=None, description="Worker the job runs on, once "
                               "placed.")


class ImageReady(_JobOutcome):
    """The image is rendered and stored in object storage (the edge uploads it to
    Telegram: Telegram cannot fetch a local URL)."""

    type: Literal["media.image_ready"] = Field("media.image_ready", description="Event type.")
    schema_version: Literal[2] = Field(2, description="Schema version of this event type.")
    bucket: str = Field(description="Object storage bucket holding the image.")
    object_key: str = Field(description="Key of the image in `bucket` (a user's images lie "
                            "under `users/<id>/`, shop previews under `previews/`).")
    mime_type: str = Field(default="image/png", description="Image MIME type, read from the "
                           "bytes.")
    width: int = Field(ge=1, description="Width in pixels.")
    height: int = Field(ge=1, description="Height in pixels.")
    seed: int = Field(ge=0, description="Sampler seed.")
    worker: str = Field(description="ComfyUI worker that rendered it (the one that rendered "
                        "the cached preview, for a cache hit).")
    base_model: str = Field(description="Checkpoint file the character's LoRA is keyed to.")
    lora_version: int = Field(ge=1, description="Character LoRA version used.")
    tuning_version: int | None = Field(default=None, ge=0, description="IP-Adapter tuning "
                                       "version of the base model (0: built-in default); "
                                       "None without a shop item.")
    queue_s: float = Field(ge=0, description="Seconds the job waited for a worker.")
    render_s: float = Field(ge=0, description="Seconds from submission to the image.")
    cached: bool = Field(default=False, description="A shop preview served from the cache.")
    caption: str = Field(default="", description="Caption to send with the photo.")


class ImageFailed(_JobOutcome):
    """No image; the edge tells the user why in their language."""

    type: Literal["media.image_failed"] = Field("media.image_failed", description="Event type.")
    schema_version: Literal[2] = Field(2, description="Schema version of this event type.")
    reason: ImageFailReason = Field(description="not_available (image generation off), "
                                    "not_visual (the item has no picture), missing_model (a "
                                    "LoRA or checkpoint no worker has, or no LoRA for the "
                                    "character), content_blocked, worker_error, timeout, "
                                    "cancelled (interrupted on the worker, not by the user), "
                                    "quota (the plan's daily images are used), bad_input "
                                    "(prompt, size, character, item or reference refused).")
    detail: str = Field(default="", description="Operator-facing detail.")


class ImageCancelRequested(Event):
    """The user pressed Cancel on a job's progress message."""

    type: Literal["media.image_cancel_requested"] = Field("media.image_cancel_requested",
                                                          description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    job_id: uuid.UUID = Field(description="The job to stop.")


class ImageCancelled(_JobOutcome):
    """A job stopped because its user cancelled it (queued or running); no image follows."""

    type: Literal["media.image_cancelled"] = Field("media.image_cancelled", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    while_running: bool = Field(description="True when the job was stopped on a worker, "
                                "False when it had not started.")


# --- registries (system events: user id 0) ------------------------------------------------

class LoraRegistered(Event):
    """A character LoRA version exists (immutable: a version is registered once)."""

    type: Literal["media.lora_registered"] = Field("media.lora_registered", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    character: str = Field(min_length=1, max_length=64, description="Character id.",
                           examples=["mira"])
    version: int = Field(ge=1, description="Version number, per character.")
    base_model: str = Field(min_length=1, description="Checkpoint file the LoRA was trained "
                            "on and is rendered with.",
                            examples=["sd_xl_base_1.0.safetensors"])
    file: str = Field(min_length=1, description="LoRA file name in the workers' "
                      "models/loras.", examples=["character_mira_v2.safetensors"])
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the LoRA file.")
    strength: float = Field(ge=0, le=2, description="LoRA strength (model and clip).")
    trigger_words: list[str] = Field(default_factory=list, description="Words prepended to "
                                     "every prompt of the character.")
    note: str = Field(default="", description="Why this version exists (operator's words).")


class LoraActivated(Event):
    """A character's LoRA version becomes the one rendered (a rollback included)."""

    type: Literal["media.lora_activated"] = Field("media.lora_activated", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    character: str = Field(min_length=1, max_length=64, description="Character id.")
    version: int = Field(ge=1, description="The version now active.")
    rollback: bool = Field(default=False, description="True when this undoes the previous "
                           "activation.")
    note: str = Field(default="", description="Why (operator's words).")


class TuningRegistered(Event):
    """An IP-Adapter tuning version for one base model (immutable once registered)."""

    type: Literal["media.tuning_registered"] = Field("media.tuning_registered", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    base_model: str = Field(min_length=1, description="Checkpoint file the tuning is for.")
    version: int = Field(ge=1, description="Version number, per base model.")
    weight: float = Field(ge=0, le=1, description="IP-Adapter weight (the lower half of 0-1 "
                          "keeps the face).")
    end_at: float = Field(gt=0, le=1, description="Fraction of the steps after which "
                          "IP-Adapter lets go (0.7-0.9: the last steps belong to the LoRA).")
    weight_type: IPAdapterWeightType = Field(default="ease in-out", description="IP-Adapter "
                                             "weight schedule.")
    preset: str = Field(default="PLUS (high strength)", description="IPAdapterUnifiedLoader "
                        "preset (picks the IP-Adapter and CLIP-Vision files for the base).")
    note: str = Field(default="", description="Why (operator's words).")


class TuningActivated(Event):
    """A base model's tuning version becomes the one rendered (a rollback included)."""

    type: Literal["media.tuning_activated"] = Field("media.tuning_activated", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    base_model: str = Field(min_length=1, description="Checkpoint file.")
    version: int = Field(ge=1, description="The version now active.")
    rollback: bool = Field(default=False, description="True when this undoes the previous "
                           "activation.")
    note: str = Field(default="", description="Why (operator's words).")


class ShopItemUpserted(Event):
    """A shop item was added or changed."""

    type: Literal["media.shop_item_upserted"] = Field("media.shop_item_upserted", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    item_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Item id.")
    title: str = Field(min_length=1, max_length=200, description="Name shown in the shop.")
    visual: bool = Field(description="Whether the item can be drawn; non-visual items (stat "
                         "boosts, unlocks) never reach the image pipeline.")
    reference_key: str | None = Field(default=None, description="Key of the reference image "
                                      "in media's bucket (visual items).")
    reference_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$",
                                         description="SHA-256 of the reference image.")
    prompt_hint: str = Field(default="", max_length=500, description="Words added to the "
                             "prompt when the item is drawn, e.g. `wearing a red silk dress`.")


class ShopItemRemoved(Event):
    """A shop item was withdrawn."""

    type: Literal["media.shop_item_removed"] = Field("media.shop_item_removed", description="Event type.")
    schema_version: Literal[1] = Field(1, description="Schema version of this event type.")
    item_id: str = Field(description="Item id.")


JOB_EVENTS: tuple[type[Event], ...] = (ImageRequested, ImageProgress, ImageReady, ImageFailed,
                                       ImageCancelRequested, ImageCancelled)
REGISTRY_EVENTS: tuple[type[Event], ...] = (LoraRegistered, LoraActivated, TuningRegistered,
                                            TuningActivated, ShopItemUpserted, ShopItemRemoved)
