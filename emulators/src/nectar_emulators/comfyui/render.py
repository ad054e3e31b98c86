"""The emulated "image": a real PNG of the requested size that shows what was asked.

The picture is a card: a background whose colours come from the seed, a thumbnail of the
IP-Adapter reference image when there is one, and text lines naming the worker, the
checkpoint, each LoRA with its strengths, the IP-Adapter reference with weight and end_at,
seed, steps, sampler, cfg, size, and the positive prompt (wrapped). The prompt graph is also
stored in a `prompt` tEXt chunk, as ComfyUI's SaveImage does. Same inputs, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

__all__ = ["ImageSpec", "LoraUse", "ReferenceUse", "preview_jpeg", "render_png"]

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class LoraUse:
    name: str
    strength_model: float
    strength_clip: float | None


@dataclass(frozen=True)
class ReferenceUse:
    """An IP-Adapter applied to the model: which reference image, how strongly, until when."""

    image: str
    weight: float
    start_at: float
    end_at: float
    weight_type: str
    ipadapter: str
    image_bytes: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ImageSpec:
    """Everything the render shows, gathered from the graph as it executed."""

    worker: str
    checkpoint: str
    loras: tuple[LoraUse, ...]
    references: tuple[ReferenceUse, ...]
    freeu: bool
    positive: str
    negative: str
    seed: int
    steps: int
    cfg: float
    sampler: str
    scheduler: str
    denoise: float
    width: int
    height: int
    batch_index: int = 0
    batch_size: int = 1

    def lines(self) -> list[str]:
        out = [f"worker: {self.worker}", f"checkpoint: {self.checkpoint}"]
        for lora in self.loras:
            clip = "" if lora.strength_clip is None else f" / clip {lora.strength_clip:g}"
            out.append(f"lora: {lora.name} @ {lora.strength_model:g}{clip}")
        for ref in self.references:
            out.append(f"ip-adapter: {ref.image} weight {ref.weight:g} "
                       f"start_at {ref.start_at:g} end_at {ref.end_at:g} ({ref.weight_type})")
        if self.freeu:
            out.append("freeu_v2: on")
        batch = f" #{self.batch_index + 1}/{self.batch_size}" if self.batch_size > 1 else ""
        out.append(f"seed: {self.seed}{batch}  steps: {self.steps}  cfg: {self.cfg:g}  "
                   f"{self.sampler}/{self.scheduler}  denoise: {self.denoise:g}")
        out.append(f"size: {self.width}x{self.height}")
        out.append(f"prompt: {self.positive}")
        if self.negative:
            out.append(f"negative: {self.negative}")
        return out


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _palette(seed: int, batch_index: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    digest = hashlib.sha256(f"{seed}:{batch_index}".encode()).digest()
    top = (40 + digest[0] % 120, 40 + digest[1] % 120, 40 + digest[2] % 120)
    bottom = (digest[3] % 80, digest[4] % 80, digest[5] % 80)
    return top, bottom


def _background(spec: ImageSpec) -> Image.Image:
    top, bottom = _palette(spec.seed, spec.batch_index)
    # A banded vertical gradient: flat bands draw and compress fast at any size.
    image = Image.new("RGB", (spec.width, spec.height), top)
    draw = ImageDraw.Draw(image)
    bands = 32
    for band in range(bands):
        t = band / (bands - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        y0 = spec.height * band // bands
        y1 = spec.height * (band + 1) // bands
        draw.rectangle((0, y0, spec.width, y1), fill=colour)  # type: ignore[arg-type]
    return image


def _thumbnail(data: bytes, box: int) -> Image.Image | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            thumb = img.convert("RGB")
            thumb.thumbnail((box, box))
            return thumb
    except (OSError, ValueError):  # an unreadable reference fails earlier, at LoadImage
        return None


def _headline(draw: ImageDraw.ImageDraw, spec: ImageSpec, margin: int) -> None:
    """The LoRA names (character and version) and the reference, large, across the middle."""
    words = [Path(lora.name).stem for lora in spec.loras] or [Path(spec.checkpoint).stem]
    words += [f"+ {Path(ref.image).stem}" for ref in spec.references]
    size = max(10, min(spec.width // 14, spec.height // 10))
    font = _font(size)
    y = spec.height // 2 - (len(words) * int(size * 1.2)) // 2
    for word in words:
        while size > 10 and draw.textlength(word, font=font) > spec.width - 2 * margin:
            size = int(size * 0.85)
            font = _font(size)
        width = draw.textlength(word, font=font)
        x = max(margin, int((spec.width - width) / 2))
        draw.text((x + 2, y + 2), word, font=font, fill=(0, 0, 0))
        draw.text((x, y), word, font=font, fill=(255, 236, 160))
        y += int(size * 1.2)


def render_png(spec: ImageSpec, prompt: dict[str, Any] | None = None) -> bytes:
    """A PNG of `spec.width` x `spec.height` showing the spec; `prompt` goes in a tEXt chunk."""
    image = _background(spec)
    draw = ImageDraw.Draw(image)
    margin = max(4, min(spec.width, spec.height) // 32)
    size = max(9, min(spec.width // 36, spec.height // 24))
    font = _font(size)
    y = margin
    for ref in spec.references:
        if ref.image_bytes:
            thumb = _thumbnail(ref.image_bytes, max(16, min(spec.width, spec.height) // 4))
            if thumb is not None:
                x = spec.width - margin - thumb.width
                image.paste(thumb, (max(0, x), y))
                draw.rectangle((max(0, x) - 1, y - 1, max(0, x) + thumb.width, y + thumb.height),
                               outline=(255, 255, 255))
                break
    _headline(draw, spec, margin)
    columns = max(8, int((spec.width - 2 * margin) / (size * 0.55)))
    for line in spec.lines():
        for piece in textwrap.wrap(line, columns) or [""]:
            if y + size > spec.height - margin:
                break
            draw.text((margin + 1, y + 1), piece, font=font, fill=(0, 0, 0))
            draw.text((margin, y), piece, font=font, fill=(255, 255, 255))
            y += int(size * 1.3)
    info = PngInfo()
    if prompt is not None:
        info.add_text("prompt", json.dumps(prompt, sort_keys=True))
    info.add_itxt("nectar_emulator", json.dumps(spec.lines(), ensure_ascii=False))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, compress_level=1)
    return out.getvalue()


def preview_jpeg(spec: ImageSpec, step: int, steps: int, max_side: int = 256) -> bytes:
    """A small preview frame for step `step` of `steps` (darker early, like a denoising)."""
    scale = min(1.0, max_side / max(spec.width, spec.height))
    width, height = max(8, int(spec.width * scale)), max(8, int(spec.height * scale))
    top, bottom = _palette(spec.seed, spec.batch_index)
    level = step / max(steps, 1)
    colour = tuple(int((a + b) / 2 * level) for a, b in zip(top, bottom, strict=True))
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=60)
    return out.getvalue()
