"""The ComfyUI graph of a job, as a pure function of what it draws.

    CheckpointLoaderSimple -> LoraLoader -> FreeU_V2 -> [IPAdapterUnifiedLoader ->
    IPAdapterAdvanced] -> KSampler -> VAEDecode -> SaveImage

The LoRA comes before IP-Adapter, and IP-Adapter lets go at `end_at`, so the last sampling
steps belong to the LoRA and the face reasserts (seed: "IP-Adapter + LoRA for product
catalog rendering"). The IP-Adapter pair is loaded by `IPAdapterUnifiedLoader`, which brings
its CLIP-Vision model with it: with `IPAdapterModelLoader` a `CLIPVisionLoader` has to be
wired to `clip_vision` or the run fails with "Missing CLIPVision model." (HoneyChat's public
template has exactly that gap). Without an item there are no IP-Adapter nodes at all.

Node ids are fixed, so a graph is diffable and golden-file tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nectar_media.domain.model import ImageJob, ImageSize, LoraVersion, Stage, Tuning

Graph = dict[str, dict[str, Any]]

CHECKPOINT, LORA, FREEU, REFERENCE, IPADAPTER_LOADER, IPADAPTER = "1", "2", "3", "4", "5", "6"
POSITIVE, NEGATIVE, LATENT, SAMPLER, DECODE, SAVE = "7", "8", "9", "10", "11", "12"


@dataclass(frozen=True)
class SamplerSettings:
    """KSampler and FreeU values (HoneyChat's template values by default)."""

    steps: int = 28
    cfg: float = 5.5
    sampler_name: str = "dpmpp_2m_sde_gpu"
    scheduler: str = "karras"
    negative: str = "blurry, lowres, deformed, bad anatomy, watermark, text"
    freeu: tuple[float, float, float, float] = (1.1, 1.2, 0.9, 0.2)


def build_workflow(lora: LoraVersion, tuning: Tuning | None, prompt: str,
                   reference_image: str | None, seed: int, size: ImageSize, *,
                   sampler: SamplerSettings = SamplerSettings(),
                   filename_prefix: str = "nectar") -> Graph:
    """The API-format graph for one picture. `reference_image` is the file name ComfyUI gave
    the uploaded reference (`/upload/image`), never a URL; with it `tuning` is required."""
    if (reference_image is None) != (tuning is None):
        raise ValueError("a reference image and a tuning go together")
    b1, b2, s1, s2 = sampler.freeu
    graph: Graph = {
        CHECKPOINT: {"class_type": "CheckpointLoaderSimple",
                     "inputs": {"ckpt_name": lora.base_model}},
        LORA: {"class_type": "LoraLoader", "inputs": {
            "model": [CHECKPOINT, 0], "clip": [CHECKPOINT, 1], "lora_name": lora.file,
            "strength_model": lora.strength, "strength_clip": lora.strength}},
        FREEU: {"class_type": "FreeU_V2", "inputs": {
            "model": [LORA, 0], "b1": b1, "b2": b2, "s1": s1, "s2": s2}},
    }
    model: list[Any] = [FREEU, 0]
    if reference_image is not None and tuning is not None:
        graph[REFERENCE] = {"class_type": "LoadImage", "inputs": {"image": reference_image}}
        graph[IPADAPTER_LOADER] = {"class_type": "IPAdapterUnifiedLoader", "inputs": {
            "model": model, "preset": tuning.preset}}
        graph[IPADAPTER] = {"class_type": "IPAdapterAdvanced", "inputs": {
            "model": [IPADAPTER_LOADER, 0], "ipadapter": [IPADAPTER_LOADER, 1],
            "image": [REFERENCE, 0], "weight": tuning.weight, "weight_type": tuning.weight_type,
            "combine_embeds": "concat", "start_at": 0.0, "end_at": tuning.end_at,
            "embeds_scaling": "V only"}}
        model = [IPADAPTER, 0]
    graph.update({
        POSITIVE: {"class_type": "CLIPTextEncode", "inputs": {"clip": [LORA, 1],
                                                             "text": prompt}},
        NEGATIVE: {"class_type": "CLIPTextEncode", "inputs": {"clip": [LORA, 1],
                                                             "text": sampler.negative}},
        LATENT: {"class_type": "EmptyLatentImage", "inputs": {
            "width": size.width, "height": size.height, "batch_size": 1}},
        SAMPLER: {"class_type": "KSampler", "inputs": {
            "model": model, "seed": seed, "steps": sampler.steps, "cfg": sampler.cfg,
            "sampler_name": sampler.sampler_name, "scheduler": sampler.scheduler,
            "positive": [POSITIVE, 0], "negative": [NEGATIVE, 0], "latent_image": [LATENT, 0],
            "denoise": 1.0}},
        DECODE: {"class_type": "VAEDecode", "inputs": {"samples": [SAMPLER, 0],
                                                       "vae": [CHECKPOINT, 2]}},
        SAVE: {"class_type": "SaveImage", "inputs": {"images": [DECODE, 0],
                                                     "filename_prefix": filename_prefix}},
    })
    return graph


def job_workflow(job: ImageJob, reference_image: str | None, *,
                 sampler: SamplerSettings = SamplerSettings()) -> Graph:
    """The graph of a job (its reference uploaded as `reference_image`)."""
    return build_workflow(job.lora, job.tuning if job.item is not None else None, job.prompt,
                          reference_image if job.item is not None else None, job.seed,
                          job.size, sampler=sampler,
                          filename_prefix=f"nectar/{job.job_id}")


#: the stage a running node means, by class
_STAGES: dict[str, Stage] = {
    "CheckpointLoaderSimple": "loading", "LoraLoader": "loading", "FreeU_V2": "loading",
    "LoadImage": "loading", "IPAdapterUnifiedLoader": "loading", "IPAdapterAdvanced": "loading",
    "CLIPTextEncode": "loading", "EmptyLatentImage": "loading", "KSampler": "sampling",
    "VAEDecode": "decoding", "SaveImage": "saving",
}


def stage_of(graph: Graph, node: str | None) -> Stage | None:
    """The stage a job is in while `node` of its graph runs."""
    if node is None or node not in graph:
        return None
    return _STAGES.get(str(graph[node].get("class_type")))


def percent_of(stage: Stage, step: int | None = None, steps: int | None = None) -> int:
    """An overall estimate: loading 5, sampling 10-90 by step, decoding 92, saving 97."""
    if stage == "queued":
        return 0
    if stage == "loading":
        return 5
    if stage == "sampling":
        if step is None or not steps:
            return 10
        return 10 + round(80 * min(step, steps) / steps)
    return 92 if stage == "decoding" else 97
