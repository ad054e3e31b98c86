"""The node classes the emulator knows, described the way ComfyUI's `/object_info` does.

Each `NodeClass` carries `input_types(inventory)`, the same shape as a ComfyUI node's
`INPUT_TYPES()`: `{"required": {name: (type, options)}, "optional": {...}}`, where `type`
is a socket type ("MODEL", "CLIP", ...), a widget type ("INT", "FLOAT", "STRING") or a list
of allowed values (a combo). Combo lists of model files come from the live inventory, so a
file removed through the control API disappears from `/object_info` and fails validation
with `value_not_in_list`, as an uninstalled model does on a real server.

Core nodes follow ComfyUI's `nodes.py` (inputs, limits, return types); the IP-Adapter nodes
follow `cubiq/ComfyUI_IPAdapter_plus` (`IPAdapterPlus.py`, `utils.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "IPADAPTER_PRESETS",
    "MAX_RESOLUTION",
    "MODEL_FOLDERS",
    "NODE_CLASSES",
    "SAMPLERS",
    "SCHEDULERS",
    "Inventory",
    "NodeClass",
    "is_sdxl_checkpoint",
    "node_info",
    "resolve_ipadapter_preset",
]

MAX_RESOLUTION = 16384
MAX_SEED = 0xFFFFFFFFFFFFFFFF

# comfy/samplers.py: KSAMPLER_NAMES + ["ddim", "uni_pc", "uni_pc_bh2"], and SCHEDULER_HANDLERS.
SAMPLERS = [
    "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2",
    "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral",
    "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp",
    "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu",
    "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm", "ipndm_v", "deis",
    "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
    "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp",
    "er_sde", "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc",
    "uni_pc_bh2",
]
SCHEDULERS = [
    "simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal",
    "linear_quadratic", "kl_optimal",
]

# IPAdapterPlus.py: IPAdapterUnifiedLoader's presets and IPAdapterAdvanced's option lists.
IPADAPTER_PRESETS = [
    "LIGHT - SD1.5 only (low strength)",
    "STANDARD (medium strength)",
    "VIT-G (medium strength)",
    "PLUS (high strength)",
    "PLUS FACE (portraits)",
    "FULL FACE - SD1.5 only (portraits stronger)",
]
WEIGHT_TYPES = [
    "linear", "ease in", "ease out", "ease in-out", "reverse in-out", "weak input",
    "weak output", "weak middle", "strong middle", "style transfer", "composition",
    "strong style transfer", "style and composition", "style transfer precise",
    "composition precise",
]
COMBINE_EMBEDS = ["concat", "add", "subtract", "average", "norm average"]
EMBEDS_SCALING = ["V only", "K+V", "K+V w/ C penalty", "K+mean(V) w/ C penalty"]

#: Model folders `GET /models` lists (ComfyUI's folder_paths plus the IP-Adapter extension's).
MODEL_FOLDERS = [
    "checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models",
    "clip_vision", "style_models", "embeddings", "diffusers", "vae_approx", "controlnet",
    "gligen", "upscale_models", "hypernetworks", "photomaker", "classifiers", "ipadapter",
]


@dataclass
class Inventory:
    """Installed model files per folder, plus the files in the input directory."""

    models: dict[str, list[str]] = field(default_factory=dict)
    #: input files as ComfyUI names them: "name.png" or "subfolder/name.png"
    input_files: set[str] = field(default_factory=set)

    def files(self, folder: str) -> list[str]:
        return sorted(self.models.get(folder, []), key=str.lower)

    def top_level_input_images(self) -> list[str]:
        """LoadImage's combo: image files directly in the input directory, sorted."""
        return sorted(
            name for name in self.input_files
            if "/" not in name and name.lower().endswith(_IMAGE_SUFFIXES)
        )


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")

InputTypes = dict[str, dict[str, tuple[Any, dict[str, Any]]]]


@dataclass(frozen=True)
class NodeClass:
    """One node class: inputs (a function of the inventory), outputs and UI facts."""

    name: str
    display_name: str
    category: str
    input_types: Callable[[Inventory], InputTypes]
    return_types: tuple[str, ...]
    return_names: tuple[str, ...] | None = None
    output_node: bool = False
    description: str = ""
    python_module: str = "nodes"
    #: inputs the node checks itself (VALIDATE_INPUTS): skipped by the generic combo check
    custom_validated: frozenset[str] = frozenset()


def _float(default: float, lo: float, hi: float, step: float = 0.01, **extra: Any) -> tuple:
    return ("FLOAT", {"default": default, "min": lo, "max": hi, "step": step, **extra})


def _int(default: int, lo: int, hi: int, step: int = 1, **extra: Any) -> tuple:
    return ("INT", {"default": default, "min": lo, "max": hi, "step": step, **extra})


def _checkpoint_loader(inv: Inventory) -> InputTypes:
    return {"required": {"ckpt_name": (inv.files("checkpoints"), {})}}


def _lora_loader(inv: Inventory) -> InputTypes:
    return {"required": {
        "model": ("MODEL", {}),
        "clip": ("CLIP", {}),
        "lora_name": (inv.files("loras"), {}),
        "strength_model": _float(1.0, -100.0, 100.0),
        "strength_clip": _float(1.0, -100.0, 100.0),
    }}


def _lora_loader_model_only(inv: Inventory) -> InputTypes:
    return {"required": {
        "model": ("MODEL", {}),
        "lora_name": (inv.files("loras"), {}),
        "strength_model": _float(1.0, -100.0, 100.0),
    }}


def _freeu_v2(_: Inventory) -> InputTypes:
    return {"required": {
        "model": ("MODEL", {}),
        "b1": _float(1.3, 0.0, 10.0),
        "b2": _float(1.4, 0.0, 10.0),
        "s1": _float(0.9, 0.0, 10.0),
        "s2": _float(0.2, 0.0, 10.0),
    }}


def _clip_text_encode(_: Inventory) -> InputTypes:
    return {"required": {
        "text": ("STRING", {"multiline": True, "dynamicPrompts": True}),
        "clip": ("CLIP", {}),
    }}


def _empty_latent(_: Inventory) -> InputTypes:
    return {"required": {
        "width": _int(512, 16, MAX_RESOLUTION, 8),
        "height": _int(512, 16, MAX_RESOLUTION, 8),
        "batch_size": _int(1, 1, 4096),
    }}


def _ksampler(_: Inventory) -> InputTypes:
    return {"required": {
        "model": ("MODEL", {}),
        "seed": _int(0, 0, MAX_SEED, control_after_generate=True),
        "steps": _int(20, 1, 10000),
        "cfg": _float(8.0, 0.0, 100.0, 0.1, round=0.01),
        "sampler_name": (SAMPLERS, {}),
        "scheduler": (SCHEDULERS, {}),
        "positive": ("CONDITIONING", {}),
        "negative": ("CONDITIONING", {}),
        "latent_image": ("LATENT", {}),
        "denoise": _float(1.0, 0.0, 1.0),
    }}


def _vae_decode(_: Inventory) -> InputTypes:
    return {"required": {"samples": ("LATENT", {}), "vae": ("VAE", {})}}


def _save_image(_: Inventory) -> InputTypes:
    return {
        "required": {
            "images": ("IMAGE", {}),
            "filename_prefix": ("STRING", {"default": "ComfyUI"}),
        },
        "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"},
    }


def _preview_image(_: Inventory) -> InputTypes:
    return {
        "required": {"images": ("IMAGE", {})},
        "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"},
    }


def _load_image(inv: Inventory) -> InputTypes:
    return {"required": {"image": (inv.top_level_input_images(), {"image_upload": True})}}


def _clip_vision_loader(inv: Inventory) -> InputTypes:
    return {"required": {"clip_name": (inv.files("clip_vision"), {})}}


def _ipadapter_model_loader(inv: Inventory) -> InputTypes:
    return {"required": {"ipadapter_file": (inv.files("ipadapter"), {})}}


def _ipadapter_unified_loader(_: Inventory) -> InputTypes:
    return {
        "required": {"model": ("MODEL", {}), "preset": (IPADAPTER_PRESETS, {})},
        "optional": {"ipadapter": ("IPADAPTER", {})},
    }


def _ipadapter_advanced(_: Inventory) -> InputTypes:
    return {
        "required": {
            "model": ("MODEL", {}),
            "ipadapter": ("IPADAPTER", {}),
            "image": ("IMAGE", {}),
            "weight": _float(1.0, -1.0, 5.0, 0.05),
            "weight_type": (WEIGHT_TYPES, {}),
            "combine_embeds": (COMBINE_EMBEDS, {}),
            "start_at": _float(0.0, 0.0, 1.0, 0.001),
            "end_at": _float(1.0, 0.0, 1.0, 0.001),
            "embeds_scaling": (EMBEDS_SCALING, {}),
        },
        "optional": {
            "image_negative": ("IMAGE", {}),
            "attn_mask": ("MASK", {}),
            "clip_vision": ("CLIP_VISION", {}),
        },
    }


_IPADAPTER_MODULE = "custom_nodes.ComfyUI_IPAdapter_plus"

NODE_CLASSES: dict[str, NodeClass] = {
    node.name: node
    for node in [
        NodeClass("CheckpointLoaderSimple", "Load Checkpoint", "loaders", _checkpoint_loader,
                  ("MODEL", "CLIP", "VAE"),
                  description="Loads a diffusion model checkpoint."),
        NodeClass("LoraLoader", "Load LoRA", "loaders", _lora_loader, ("MODEL", "CLIP"),
                  description="LoRAs modify diffusion and CLIP models."),
        NodeClass("LoraLoaderModelOnly", "LoraLoaderModelOnly", "loaders",
                  _lora_loader_model_only, ("MODEL",)),
        NodeClass("FreeU_V2", "FreeU_V2", "model_patches/unet", _freeu_v2, ("MODEL",),
                  python_module="comfy_extras.nodes_freelunch"),
        NodeClass("CLIPTextEncode", "CLIP Text Encode (Prompt)", "conditioning",
                  _clip_text_encode, ("CONDITIONING",),
                  description="Encodes a text prompt with a CLIP model."),
        NodeClass("EmptyLatentImage", "Empty Latent Image", "latent", _empty_latent,
                  ("LATENT",), description="Create a new batch of empty latent images."),
        NodeClass("KSampler", "KSampler", "sampling", _ksampler, ("LATENT",),
                  description="Uses the provided model and conditioning to denoise."),
        NodeClass("VAEDecode", "VAE Decode", "latent", _vae_decode, ("IMAGE",),
                  description="Decodes latent images back into pixel space images."),
        NodeClass("SaveImage", "Save Image", "image", _save_image, (), output_node=True,
                  description="Saves the input images to your ComfyUI output directory."),
        NodeClass("PreviewImage", "Preview Image", "image", _preview_image, (),
                  output_node=True, description="Saves the input images to your ComfyUI "
                  "temp directory."),
        NodeClass("LoadImage", "Load Image", "image", _load_image, ("IMAGE", "MASK"),
                  custom_validated=frozenset({"image"})),
        NodeClass("CLIPVisionLoader", "Load CLIP Vision", "loaders", _clip_vision_loader,
                  ("CLIP_VISION",)),
        NodeClass("IPAdapterModelLoader", "IPAdapter Model Loader", "ipadapter/loaders",
                  _ipadapter_model_loader, ("IPADAPTER",), python_module=_IPADAPTER_MODULE),
        NodeClass("IPAdapterUnifiedLoader", "IPAdapter Unified Loader", "ipadapter",
                  _ipadapter_unified_loader, ("MODEL", "IPADAPTER"),
                  return_names=("model", "ipadapter"), python_module=_IPADAPTER_MODULE),
        NodeClass("IPAdapterAdvanced", "IPAdapter Advanced", "ipadapter",
                  _ipadapter_advanced, ("MODEL",), python_module=_IPADAPTER_MODULE),
    ]
}


def node_info(node: NodeClass, inventory: Inventory) -> dict[str, Any]:
    """One entry of `GET /object_info`, in ComfyUI's V1 shape."""
    types = node.input_types(inventory)
    inputs = {
        category: {
            name: [spec[0], spec[1]] if spec[1] else [spec[0]]
            for name, spec in entries.items()
        } if category != "hidden" else dict(entries)
        for category, entries in types.items()
    }
    return {
        "input": inputs,
        "input_order": {category: list(entries) for category, entries in types.items()},
        "is_input_list": False,
        "output": list(node.return_types),
        "output_is_list": [False] * len(node.return_types),
        "output_name": list(node.return_names or node.return_types),
        "name": node.name,
        "display_name": node.display_name,
        "description": node.description,
        "python_module": node.python_module,
        "category": node.category,
        "output_node": node.output_node,
        "has_intermediate_output": False,
        "search_aliases": [],
    }


def is_sdxl_checkpoint(ckpt_name: str) -> bool:
    """Whether a checkpoint file is an SDXL model. A real server reads the weights; the
    emulator goes by the name ("xl" in it, e.g. sd_xl_base_1.0, juggernautXL_v9)."""
    return "xl" in ckpt_name.lower()


# utils.py of ComfyUI_IPAdapter_plus picks files by regular expression per preset.
_CLIP_VISION_PATTERNS = {
    "vit-g": r"(ViT.bigG.14.*39B.b160k|ipadapter.*sdxl|sdxl.*model)\.(bin|safetensors)",
    "default": r"(ViT.H.14.*s32B.b79K|ipadapter.*sd15|sd1.?5.*model)\.(bin|safetensors)",
}
_IPADAPTER_PATTERNS: dict[str, tuple[str | None, str | None]] = {
    # preset prefix: (SD1.5 pattern, SDXL pattern); None = not available for that base
    "light": (r"sd15.light(.v11)?\.(safetensors|bin)$", None),
    "standard": (r"ip.adapter.sd15\.(safetensors|bin)$",
                 r"ip.adapter.sdxl.vit.h\.(safetensors|bin)$"),
    "vit-g": (r"sd15.vit.g\.(safetensors|bin)$", r"ip.adapter.sdxl\.(safetensors|bin)$"),
    "plus (": (r"ip.adapter.plus.sd15\.(safetensors|bin)$",
               r"plus.sdxl.vit.h\.(safetensors|bin)$"),
    "plus face": (r"plus.face.sd15\.(safetensors|bin)$",
                  r"plus.face.sdxl.vit.h\.(safetensors|bin)$"),
    "full": (r"full.face.sd15\.(safetensors|bin)$", None),
}


class PresetUnavailable(Exception):
    """The unified loader cannot serve a preset: the extension raises this at run time."""


def resolve_ipadapter_preset(
    preset: str, sdxl: bool, inventory: Inventory
) -> tuple[str, str]:
    """(ipadapter file, clip_vision file) the unified loader would load for `preset`.

    Raises PresetUnavailable with the extension's own message when a file is missing or
    the preset does not exist for the checkpoint's base model.
    """
    lowered = preset.lower()
    vision_pattern = _CLIP_VISION_PATTERNS[
        "vit-g" if lowered.startswith("vit-g") else "default"]
    vision = [f for f in inventory.files("clip_vision")
              if re.search(vision_pattern, f, re.IGNORECASE)]
    if not vision:
        raise PresetUnavailable("ClipVision model not found.")
    for prefix, (sd15, xl) in _IPADAPTER_PATTERNS.items():
        if lowered.startswith(prefix):
            pattern = xl if sdxl else sd15
            if pattern is None:
                kind = "light" if prefix == "light" else "full face"
                raise PresetUnavailable(f"{kind} model is not supported for SDXL")
            found = [f for f in inventory.files("ipadapter")
                     if re.search(pattern, f, re.IGNORECASE)]
            if not found:
                raise PresetUnavailable("IPAdapter model not found.")
            return found[0], vision[0]
    raise PresetUnavailable("IPAdapter model not found.")


def combo_choices(node: NodeClass, inventory: Inventory) -> Mapping[str, list[str]]:
    """Input name -> allowed values, for the node's combo inputs."""
    out: dict[str, list[str]] = {}
    for category in ("required", "optional"):
        for name, (kind, _) in node.input_types(inventory).get(category, {}).items():
            if isinstance(kind, list):
                out[name] = kind
    return out
