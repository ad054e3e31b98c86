"""API-format graphs for tests and benchmarks (what a client would POST as `prompt`).

`text_to_image(...)` builds the companion render: checkpoint -> LoRA -> FreeU_V2 -> (optional
IP-Adapter) -> KSampler -> VAEDecode -> SaveImage, with HoneyChat's template values as
defaults. `ipadapter="unified"` uses IPAdapterUnifiedLoader (brings its CLIP-Vision);
`"model_loader"` uses IPAdapterModelLoader and wires a CLIPVisionLoader unless
`clip_vision=False`, which reproduces the "Missing CLIPVision model." gap.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["text_to_image"]


def text_to_image(
    *,
    positive: str = "portrait of Mira, soft light",
    negative: str = "blurry, lowres",
    checkpoint: str = "sd_xl_base_1.0.safetensors",
    lora: str | None = "character_mira_v1.safetensors",
    lora_strength: float = 0.85,
    seed: int = 1,
    steps: int = 28,
    cfg: float = 5.5,
    sampler: str = "dpmpp_2m_sde_gpu",
    scheduler: str = "karras",
    width: int = 832,
    height: int = 1216,
    batch_size: int = 1,
    filename_prefix: str = "nectar",
    freeu: bool = True,
    ipadapter: Literal["unified", "model_loader"] | None = None,
    reference_image: str = "reference.png",
    ipadapter_preset: str = "PLUS (high strength)",
    ipadapter_file: str = "ip-adapter-plus_sdxl_vit-h.safetensors",
    clip_vision: bool = True,
    clip_vision_file: str = "CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors",
    ipadapter_weight: float = 0.4,
    ipadapter_end_at: float = 0.8,
) -> dict[str, Any]:
    """The graph; node ids are fixed: 4 checkpoint, 10 LoRA, 11 FreeU, 12-16 IP-Adapter,
    6/7 prompts, 5 latent, 3 KSampler, 8 VAEDecode, 9 SaveImage."""
    graph: dict[str, Any] = {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": checkpoint}},
    }
    model: list[Any] = ["4", 0]
    clip: list[Any] = ["4", 1]
    if lora is not None:
        graph["10"] = {"class_type": "LoraLoader", "inputs": {
            "model": model, "clip": clip, "lora_name": lora,
            "strength_model": lora_strength, "strength_clip": lora_strength}}
        model, clip = ["10", 0], ["10", 1]
    if freeu:
        graph["11"] = {"class_type": "FreeU_V2", "inputs": {
            "model": model, "b1": 1.1, "b2": 1.2, "s1": 0.9, "s2": 0.2}}
        model = ["11", 0]
    if ipadapter is not None:
        graph["12"] = {"class_type": "LoadImage", "inputs": {"image": reference_image}}
        advanced: dict[str, Any] = {
            "image": ["12", 0], "weight": ipadapter_weight, "weight_type": "ease in-out",
            "combine_embeds": "concat", "start_at": 0.0, "end_at": ipadapter_end_at,
            "embeds_scaling": "V only"}
        if ipadapter == "unified":
            graph["13"] = {"class_type": "IPAdapterUnifiedLoader", "inputs": {
                "model": model, "preset": ipadapter_preset}}
            advanced.update(model=["13", 0], ipadapter=["13", 1])
        else:
            graph["13"] = {"class_type": "IPAdapterModelLoader",
                           "inputs": {"ipadapter_file": ipadapter_file}}
            advanced.update(model=model, ipadapter=["13", 0])
            if clip_vision:
                graph["15"] = {"class_type": "CLIPVisionLoader",
                               "inputs": {"clip_name": clip_vision_file}}
                advanced["clip_vision"] = ["15", 0]
        graph["14"] = {"class_type": "IPAdapterAdvanced", "inputs": advanced}
        model = ["14", 0]
    graph.update({
        "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": clip, "text": positive}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": clip, "text": negative}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {
            "width": width, "height": height, "batch_size": batch_size}},
        "3": {"class_type": "KSampler", "inputs": {
            "model": model, "seed": seed, "steps": steps, "cfg": cfg, "sampler_name": sampler,
            "scheduler": scheduler, "positive": ["6", 0], "negative": ["7", 0],
            "latent_image": ["5", 0], "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {
            "images": ["8", 0], "filename_prefix": filename_prefix}},
    })
    return graph
