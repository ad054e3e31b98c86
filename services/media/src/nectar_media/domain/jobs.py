"""From a request to a job, and from a job to where its picture is stored. Pure."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

from nectar_media.domain.errors import BadImageRequest
from nectar_media.domain.model import ImageJob, RequestLimits

#: seeds stay below 2**63: every sampler and JSON number handles them
_SEED_BITS = 63
#: longest object key S3 accepts, in bytes of UTF-8
MAX_KEY_BYTES = 1024
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def normalize_prompt(prompt: str) -> str:
    """Control characters dropped, runs of white space (newlines included) made one space.
    Format characters such as the zero-width joiner stay: emoji sequences need them."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in prompt)
    return " ".join(kept.split())


def seed_of(job_id: uuid.UUID) -> int:
    """The sampler seed of a job: fixed by its id, spread over the whole range."""
    digest = hashlib.blake2b(job_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _SEED_BITS)


def plan_job(job_id: uuid.UUID, user_id: int, character: str, prompt: str,
             limits: RequestLimits) -> ImageJob:
    """The job for a request, or `BadImageRequest` saying what is wrong with it."""
    text = normalize_prompt(prompt)
    if not text:
        raise BadImageRequest("the prompt is empty")
    if len(text) > limits.max_prompt_chars:
        raise BadImageRequest(f"the prompt has {len(text)} characters; at most "
                              f"{limits.max_prompt_chars} are drawn")
    return ImageJob(job_id=job_id, user_id=user_id, character=character, prompt=text,
                    size=limits.size, seed=seed_of(job_id))


def object_key(job: ImageJob, mime_type: str) -> str:
    """`images/<user>/<job id>.<ext>`: one key per job, so a redelivered job overwrites its
    own object instead of leaving a second one, and a user's pictures share one prefix
    (erasure deletes the prefix)."""
    try:
        extension = _EXTENSIONS[mime_type]
    except KeyError:
        raise ValueError(f"no object key for {mime_type!r}") from None
    return f"images/{job.user_id}/{job.job_id}.{extension}"


def check_object_key(key: str) -> None:
    """Raise `ValueError` for a key S3 refuses (empty, over 1024 bytes of UTF-8) or that
    path-style stores resolve differently (leading `/`, empty, `.` or `..` segments)."""
    size = len(key.encode("utf-8", errors="surrogatepass"))
    if not key or size > MAX_KEY_BYTES:
        raise ValueError(f"object key of {size} bytes: must be 1 to {MAX_KEY_BYTES}")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise ValueError(f"object key {key!r}: empty, '.' or '..' segment")
