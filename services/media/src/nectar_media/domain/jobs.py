"""From a request to a job, and from a job to where its picture is stored. Pure."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence

from nectar_media.domain.errors import BadImageRequest, MissingModel, NotVisual
from nectar_media.domain.images import EXTENSIONS, image_mime
from nectar_media.domain.model import (
    ImageJob,
    ImageKind,
    ImageSize,
    LoraVersion,
    Reference,
    RequestLimits,
    ShopItem,
    Tuning,
)

#: seeds stay below 2**63: every sampler and JSON number handles them
_SEED_BITS = 63
#: longest object key S3 accepts, in bytes of UTF-8
MAX_KEY_BYTES = 1024
#: Telegram's caption limit, in characters
MAX_CAPTION = 1024
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def normalize_prompt(prompt: str) -> str:
    """Control characters dropped, runs of white space (newlines included) made one space.
    Format characters such as the zero-width joiner stay: emoji sequences need them."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in prompt)
    return " ".join(kept.split())


def seed_of(job_id: uuid.UUID) -> int:
    """The sampler seed of a job: fixed by its id, spread over the whole range."""
    digest = hashlib.blake2b(job_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _SEED_BITS)


def preview_seed(character: str, item_id: str, lora_version: int, tuning_version: int) -> int:
    """The seed of a shop preview: fixed by what the preview shows, so a re-render after a
    cache loss draws the same picture."""
    digest = hashlib.blake2b(f"{character}|{item_id}|{lora_version}|{tuning_version}"
                             .encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _SEED_BITS)


def parse_size(size: str | None, limits: RequestLimits) -> ImageSize:
    """The requested size, or the default; `BadImageRequest` for one that cannot be drawn."""
    if size is None or not size.strip():
        return limits.size
    try:
        parsed = ImageSize.parse(size)
    except ValueError as exc:
        raise BadImageRequest(str(exc)) from None
    if parsed.pixels > limits.max_pixels:
        raise BadImageRequest(f"image size {parsed}: at most {limits.max_pixels} pixels")
    return parsed


def check_prompt(prompt: str, limits: RequestLimits, *, required: bool = True) -> str:
    """The normalized prompt, or `BadImageRequest` (blank when required, or too long)."""
    text = normalize_prompt(prompt)
    if required and not text:
        raise BadImageRequest("the prompt is empty")
    if len(text) > limits.max_prompt_chars:
        raise BadImageRequest(f"the prompt has {len(text)} characters; at most "
                              f"{limits.max_prompt_chars} are drawn")
    return text


def check_item(item_id: str | None, item: ShopItem | None) -> ShopItem | None:
    """The item to draw: `BadImageRequest` for an unknown one, `NotVisual` for one that has
    no picture. Checked before anything is queued."""
    if item_id is None:
        return None
    if item is None:
        raise BadImageRequest(f"unknown shop item {item_id!r}")
    if not item.visual:
        raise NotVisual(f"shop item {item_id!r} is not visual: it cannot be drawn")
    if not item.reference_key:
        raise BadImageRequest(f"shop item {item_id!r} has no reference image")
    return item


def check_lora(character: str, active_version: int | None,
               lora: LoraVersion | None) -> LoraVersion:
    """The character's active LoRA version: `BadImageRequest` for a character without one
    (unknown), `MissingModel` when the active version is not registered."""
    if active_version is None:
        raise BadImageRequest(f"unknown character {character!r}: no LoRA version is active")
    if lora is None:
        raise MissingModel(f"character {character!r}: active LoRA version {active_version} "
                           "is not registered")
    return lora


def check_reference(item: ShopItem, data: bytes | None, limits: RequestLimits) -> Reference:
    """The item's reference image, validated: present, an image, at most the size limit."""
    if data is None:
        raise BadImageRequest(f"shop item {item.item_id!r}: reference image "
                              f"{item.reference_key!r} is missing from the store")
    if len(data) > limits.max_reference_bytes:
        raise BadImageRequest(f"shop item {item.item_id!r}: reference image of {len(data)} "
                              f"bytes; at most {limits.max_reference_bytes}")
    mime = image_mime(data)
    if mime is None:
        raise BadImageRequest(f"shop item {item.item_id!r}: reference {item.reference_key!r} "
                              "is not a PNG, JPEG or WebP image")
    return Reference(item_id=item.item_id, data=data,
                     sha256=hashlib.sha256(data).hexdigest(), extension=EXTENSIONS[mime])


def final_prompt(prompt: str, lora: LoraVersion, item: ShopItem | None) -> str:
    """What the sampler is told: the LoRA's trigger words, the user's words, the item's hint
    (the hint alone when a preview has no words of its own)."""
    parts = [", ".join(lora.trigger_words)] if lora.trigger_words else []
    if prompt:
        parts.append(prompt)
    if item is not None and item.prompt_hint:
        parts.append(item.prompt_hint)
    return ", ".join(p for p in parts if p) or "portrait"


def plan_job(*, job_id: uuid.UUID, user_id: int, character: str, prompt: str,
             size: ImageSize, lora: LoraVersion, kind: ImageKind = "chat",
             item: ShopItem | None = None, tuning: Tuning | None = None,
             reference: Reference | None = None) -> ImageJob:
    """The job for a checked request. A shop preview's seed is fixed by what it shows (the
    cache key); a chat picture's by its job id."""
    if item is not None and (tuning is None or reference is None):
        raise ValueError("an item needs its tuning and reference")
    seed = (preview_seed(character, item.item_id, lora.version, tuning.version)
            if kind == "shop_preview" and item is not None and tuning is not None
            else seed_of(job_id))
    return ImageJob(job_id=job_id, user_id=user_id, character=character,
                    prompt=final_prompt(prompt, lora, item), size=size, seed=seed, lora=lora,
                    kind=kind, item=item, tuning=tuning, reference=reference)


def caption_of(prompt: str, item: ShopItem | None) -> str:
    """The photo's caption: the item's title for a preview, else the user's words."""
    text = item.title if item is not None and not prompt else prompt
    return text if len(text) <= MAX_CAPTION else text[:MAX_CAPTION - 1] + "…"


def _extension(mime_type: str) -> str:
    try:
        return EXTENSIONS[mime_type]
    except KeyError:
        raise ValueError(f"no object key for {mime_type!r}") from None


def image_key(user_id: int, data: bytes, mime_type: str) -> str:
    """`users/<user>/images/<sha256>.<ext>`: by content, under the user's prefix (erasure
    deletes the prefix). A redelivered job that renders the same bytes writes the same key."""
    return (f"users/{int(user_id)}/images/{hashlib.sha256(data).hexdigest()}."
            f"{_extension(mime_type)}")


def _segment(text: str) -> str:
    return _SAFE.sub("_", text).strip("._") or "_"


def preview_key(character: str, item_id: str, lora_version: int, tuning_version: int) -> str:
    """`previews/<character>/<item>/lora-v<L>-tuning-v<T>.png`: one cached preview per
    character x item x LoRA version x tuning version, so a new or rolled-back version never
    serves a picture drawn with another one."""
    return (f"previews/{_segment(character)}/{_segment(item_id)}/"
            f"lora-v{lora_version}-tuning-v{tuning_version}.png")


def reference_key(item_id: str, data: bytes, mime_type: str) -> str:
    """`catalog/items/<item>/<sha256>.<ext>`: a shop item's reference image, by content."""
    return (f"catalog/items/{_segment(item_id)}/{hashlib.sha256(data).hexdigest()}."
            f"{_extension(mime_type)}")


def check_object_key(key: str) -> None:
    """Raise `ValueError` for a key S3 refuses (empty, over 1024 bytes of UTF-8) or that
    path-style stores resolve differently (leading `/`, empty, `.` or `..` segments)."""
    size = len(key.encode("utf-8", errors="surrogatepass"))
    if not key or size > MAX_KEY_BYTES:
        raise ValueError(f"object key of {size} bytes: must be 1 to {MAX_KEY_BYTES}")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise ValueError(f"object key {key!r}: empty, '.' or '..' segment")


def next_version(existing: Sequence[int]) -> int:
    """The version number after the highest one registered."""
    return max(existing, default=0) + 1
