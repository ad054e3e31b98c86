"""How long an emulated node takes: a small model of one GPU worker.

A real ComfyUI worker runs one prompt at a time and keeps what it loaded: node outputs are
cached by input signature (so a second prompt with the same checkpoint and LoRA does not
even run those loader nodes), and the last checkpoint and LoRA weights stay in memory. The
emulator charges, in model seconds (multiplied by `time_scale` to get wall seconds):

| node (when it runs, i.e. not served from the cache) | cost |
| --- | --- |
| CheckpointLoaderSimple, another checkpoint than the loaded one | `checkpoint_load_s` (drops the loaded LoRAs) |
| LoraLoader / LoraLoaderModelOnly, a LoRA file not among the loaded ones | `lora_switch_s` |
| IPAdapterModelLoader / CLIPVisionLoader / IPAdapterUnifiedLoader, a file not loaded | `ipadapter_load_s` per file |
| CLIPTextEncode | `text_encode_s` |
| KSampler | `steps x step_s` (one progress event per step) |
| VAEDecode | `vae_decode_s` |
| anything else | 0 |

A loader that re-runs with a file already loaded (say only the LoRA strength changed)
costs nothing extra. After a prompt finishes, the loaded LoRAs are the ones it used.
`unload()` (`POST /free {"unload_models": true}` or a restart) forgets everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GpuState", "NodeCost", "Timings"]


@dataclass
class Timings:
    """Model seconds per operation, and the factor that turns them into wall seconds."""

    checkpoint_load_s: float = 6.0
    lora_switch_s: float = 1.5
    ipadapter_load_s: float = 2.0
    text_encode_s: float = 0.05
    step_s: float = 0.12
    vae_decode_s: float = 0.4
    time_scale: float = 1.0

    def wall(self, model_seconds: float) -> float:
        return model_seconds * self.time_scale


@dataclass(frozen=True)
class NodeCost:
    """What running one node costs: a lump before its work, then `steps` steps."""

    lump_s: float = 0.0
    steps: int = 0
    step_s: float = 0.0
    checkpoint_loads: int = 0
    lora_loads: int = 0
    ipadapter_loads: int = 0

    @property
    def total_s(self) -> float:
        return self.lump_s + self.steps * self.step_s


@dataclass
class GpuState:
    """What one worker has loaded right now."""

    checkpoint: str | None = None
    loras: set[str] = field(default_factory=set)
    aux: set[str] = field(default_factory=set)
    #: LoRA files the running prompt has used so far (becomes `loras` when it finishes)
    _prompt_loras: set[str] = field(default_factory=set)

    def start_prompt(self) -> None:
        self._prompt_loras = set()

    def run_node(
        self, class_type: str, inputs: dict[str, Any], timings: Timings,
        aux_files: tuple[str, ...] = (),
    ) -> NodeCost:
        """The cost of running `class_type` with `inputs` now; updates what is loaded.

        `aux_files` names the IP-Adapter / CLIP-Vision files a loader node brings in (the
        unified loader resolves them from its preset).
        """
        if class_type == "CheckpointLoaderSimple":
            ckpt = str(inputs.get("ckpt_name"))
            if ckpt == self.checkpoint:
                return NodeCost()
            self.checkpoint = ckpt
            self.loras = set()
            return NodeCost(lump_s=timings.checkpoint_load_s, checkpoint_loads=1)
        if class_type in ("LoraLoader", "LoraLoaderModelOnly"):
            lora = str(inputs.get("lora_name"))
            self._prompt_loras.add(lora)
            if lora in self.loras:
                return NodeCost()
            self.loras.add(lora)
            return NodeCost(lump_s=timings.lora_switch_s, lora_loads=1)
        if class_type in ("IPAdapterModelLoader", "CLIPVisionLoader", "IPAdapterUnifiedLoader"):
            new = [f for f in aux_files if f not in self.aux]
            self.aux.update(new)
            return NodeCost(lump_s=timings.ipadapter_load_s * len(new), ipadapter_loads=len(new))
        if class_type == "CLIPTextEncode":
            return NodeCost(lump_s=timings.text_encode_s)
        if class_type == "KSampler":
            return NodeCost(steps=int(inputs.get("steps", 0)), step_s=timings.step_s)
        if class_type == "VAEDecode":
            return NodeCost(lump_s=timings.vae_decode_s)
        return NodeCost()

    def note_cached_lora(self, lora_name: str) -> None:
        """A LoRA loader served from the cache still belongs to the running prompt."""
        self._prompt_loras.add(lora_name)

    def finish_prompt(self, success: bool) -> None:
        """After a successful prompt the loaded LoRAs are exactly the ones it used."""
        if success:
            self.loras = set(self._prompt_loras)
        self._prompt_loras = set()

    def unload(self) -> None:
        self.checkpoint = None
        self.loras = set()
        self.aux = set()
        self._prompt_loras = set()
