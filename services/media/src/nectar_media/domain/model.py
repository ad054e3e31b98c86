"""Value types of an image job: what is asked, what it is rendered with, what comes back."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import ClassVar, Literal

_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$", re.IGNORECASE)

ImageKind = Literal["chat", "shop_preview"]


@dataclass(frozen=True)
class ImageSize:
    """Width and height in pixels. Diffusion models draw in a latent space 8 times smaller
    than the picture, so both sides are multiples of 8."""

    width: int
    height: int

    STEP: ClassVar[int] = 8
    MIN: ClassVar[int] = 256
    MAX: ClassVar[int] = 2048

    def __post_init__(self) -> None:
        for name, side in (("width", self.width), ("height", self.height)):
            if not self.MIN <= side <= self.MAX or side % self.STEP:
                raise ValueError(f"image {name} {side} px: must be a multiple of {self.STEP} "
                                 f"from {self.MIN} to {self.MAX}")

    @classmethod
    def parse(cls, text: str) -> ImageSize:
        """`"832x1216"` (also `832 X 1216`, `832×1216`)."""
        match = _SIZE.match(text)
        if match is None:
            raise ValueError(f"image size {text!r}: expected WIDTHxHEIGHT, e.g. 1024x1024")
        return cls(int(match[1]), int(match[2]))

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class RequestLimits:
    """What one request may ask for (from settings)."""

    max_prompt_chars: int = 1000
    size: ImageSize = ImageSize(1024, 1024)
    #: largest width x height a request may ask for
    max_pixels: int = 1536 * 1536
    #: largest reference image accepted, in bytes
    max_reference_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class LoraVersion:
    """One version of a character's LoRA, keyed to the checkpoint it was trained on."""

    character: str
    version: int
    base_model: str
    file: str
    sha256: str
    strength: float = 0.85
    trigger_words: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Tuning:
    """IP-Adapter settings for one base model. Version 0 is the built-in default, used until
    an operator registers one."""

    base_model: str
    version: int
    weight: float = 0.4
    end_at: float = 0.8
    weight_type: str = "ease in-out"
    preset: str = "PLUS (high strength)"
    note: str = ""


def default_tuning(base_model: str) -> Tuning:
    """The tuning a base model gets before any is registered: the middle of the seed's ranges
    (weight in the lower half of 0-1, end_at 0.8), HoneyChat's template values."""
    return Tuning(base_model=base_model, version=0)


@dataclass(frozen=True)
class ShopItem:
    """An item of the shop catalog. Only `visual` items can be drawn; they have a reference
    image in media's bucket."""

    item_id: str
    title: str
    visual: bool
    reference_key: str | None = None
    reference_sha256: str | None = None
    prompt_hint: str = ""


@dataclass(frozen=True)
class Activation:
    """One entry of a registry's activation log."""

    version: int
    at_ms: int
    rollback: bool = False
    note: str = ""


@dataclass(frozen=True)
class Reference:
    """A shop item's reference image, fetched from object storage by media (never handed to
    ComfyUI as a URL that could expire before the worker reads it)."""

    item_id: str
    data: bytes
    sha256: str
    extension: str


@dataclass(frozen=True)
class ImageJob:
    """One picture to render, fully resolved: the character's LoRA version (and so the base
    model), the IP-Adapter tuning and reference when an item is drawn, the final prompt and
    the seed (derived from the job id, so a redelivered job renders the same picture)."""

    job_id: uuid.UUID
    user_id: int
    character: str
    prompt: str
    size: ImageSize
    seed: int
    lora: LoraVersion
    kind: ImageKind = "chat"
    item: ShopItem | None = None
    tuning: Tuning | None = None
    reference: Reference | None = field(default=None, repr=False)

    @property
    def checkpoint(self) -> str:
        return self.lora.base_model


@dataclass(frozen=True)
class RenderedImage:
    """What the renderer returns: the encoded picture (its type is read from the bytes) and
    where and how long it took."""

    data: bytes
    worker: str = ""
    queue_s: float = 0.0
    render_s: float = 0.0
    #: seconds that were ComfyUI's: from our submit to its last event for the prompt
    #: (validation, its queue, the execution); the rest of `render_s` is ours (the
    #: reference upload before, the image download after)
    comfy_s: float = 0.0


Stage = Literal["queued", "loading", "sampling", "decoding", "saving"]


@dataclass(frozen=True)
class Progress:
    """How far a job is: its stage, an overall percentage, the sampler step."""

    stage: Stage
    percent: int
    step: int | None = None
    steps: int | None = None
    worker: str | None = None
