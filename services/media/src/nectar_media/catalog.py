"""Reading the registries' projection the way jobs and operators need it: the active LoRA
version of a character, the active IP-Adapter tuning of a base model."""

from __future__ import annotations

from nectar_media.domain import LoraVersion, Tuning, default_tuning
from nectar_media.domain.registry import active_version
from nectar_media.ports import Registry


async def active_lora(registry: Registry, character: str) -> tuple[int | None, LoraVersion | None]:
    """(active version, its registration): (None, None) for a character without one; a
    version whose registration is not projected (yet) comes with None."""
    version = active_version(await registry.lora_log(character))
    if version is None:
        return None, None
    found = next((v for v in await registry.lora_versions(character) if v.version == version),
                 None)
    return version, found


async def active_tuning(registry: Registry, base_model: str) -> tuple[int, Tuning | None]:
    """(active version, its registration) of a base model; (0, the built-in default) before
    any tuning is activated for it."""
    version = active_version(await registry.tuning_log(base_model))
    if version is None:
        return 0, default_tuning(base_model)
    found = next((t for t in await registry.tunings(base_model) if t.version == version), None)
    return version, found
