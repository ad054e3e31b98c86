"""Pure media logic: jobs and their checks, object keys, the ComfyUI graph, scheduling, the
registries' rules. No I/O."""

from nectar_media.domain.errors import (
    BadImageRequest,
    Cancelled,
    ContentBlocked,
    Interrupted,
    JobFailed,
    MissingModel,
    NotVisual,
    QuotaExceeded,
    RenderFailed,
    RenderTimeout,
)
from nectar_media.domain.images import image_mime, png_is_complete, png_size
from nectar_media.domain.jobs import (
    caption_of,
    check_item,
    check_lora,
    check_object_key,
    check_prompt,
    check_reference,
    image_key,
    next_version,
    normalize_prompt,
    parse_size,
    plan_job,
    preview_key,
    preview_seed,
    reference_key,
    seed_of,
)
from nectar_media.domain.model import (
    Activation,
    ImageJob,
    ImageSize,
    LoraVersion,
    Progress,
    Reference,
    RenderedImage,
    RequestLimits,
    ShopItem,
    Tuning,
    default_tuning,
)

__all__ = ["Activation", "BadImageRequest", "Cancelled", "ContentBlocked", "ImageJob",
           "ImageSize", "Interrupted", "JobFailed", "LoraVersion", "MissingModel", "NotVisual",
           "Progress", "QuotaExceeded", "Reference", "RenderFailed", "RenderTimeout",
           "RenderedImage", "RequestLimits", "ShopItem", "Tuning", "caption_of", "check_item",
           "check_lora", "check_object_key", "check_prompt", "check_reference",
           "default_tuning", "image_key", "image_mime", "next_version", "normalize_prompt",
           "parse_size", "plan_job", "png_is_complete", "png_size", "preview_key",
           "preview_seed", "reference_key", "seed_of"]
