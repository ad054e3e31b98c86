"""Pure media logic: image jobs, their limits, seeds and object keys. No I/O."""

from nectar_media.domain.errors import (
    BadImageRequest,
    ContentBlocked,
    ObjectStoreUnavailable,
    RenderFailed,
)
from nectar_media.domain.images import image_mime
from nectar_media.domain.jobs import (
    check_object_key,
    normalize_prompt,
    object_key,
    plan_job,
    seed_of,
)
from nectar_media.domain.model import (
    ImageJob,
    ImageSize,
    RenderedImage,
    RequestLimits,
    StoredObject,
)

__all__ = ["BadImageRequest", "ContentBlocked", "ImageJob", "ImageSize",
           "ObjectStoreUnavailable", "RenderFailed", "RenderedImage", "RequestLimits",
           "StoredObject", "check_object_key", "image_mime", "normalize_prompt", "object_key",
           "plan_job", "seed_of"]
