"""Value types of an image job: what is asked, what comes back, where it went."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import ClassVar

_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$", re.IGNORECASE)


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

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class RequestLimits:
    """What one request may ask for (from settings)."""

    max_prompt_chars: int = 1000
    size: ImageSize = ImageSize(1024, 1024)


@dataclass(frozen=True)
class ImageJob:
    """One picture to render. `job_id` is the request's event id; `seed` derives from it, so
    a redelivered request renders the same picture."""

    job_id: uuid.UUID
    user_id: int
    character: str
    prompt: str
    size: ImageSize
    seed: int


@dataclass(frozen=True)
class RenderedImage:
    """What a renderer returns: the encoded picture (its type is read from the bytes)."""

    data: bytes


@dataclass(frozen=True)
class StoredObject:
    """An object in the store and the URL it can be fetched from."""

    key: str
    url: str
