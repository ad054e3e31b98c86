"""Settings of the ComfyUI emulator (environment prefix `COMFYEMU_`).

List fields take JSON in the environment, e.g.
`COMFYEMU_LORAS='["character_mira_v1.safetensors"]'`.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .timing import Timings

DEFAULT_CHECKPOINTS = ["sd_xl_base_1.0.safetensors", "juggernautXL_v9Rundiffusionphoto2.safetensors"]
DEFAULT_LORAS = [
    "character_mira_v1.safetensors",
    "character_mira_v2.safetensors",
    "character_kai_v1.safetensors",
    "character_luna_v3.safetensors",
]
DEFAULT_IPADAPTER = [
    "ip-adapter_sdxl_vit-h.safetensors",
    "ip-adapter-plus_sdxl_vit-h.safetensors",
    "ip-adapter-plus-face_sdxl_vit-h.safetensors",
]
DEFAULT_CLIP_VISION = ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"]


class ComfyUIEmulatorSettings(BaseSettings):
    """Everything tunable about one emulated ComfyUI worker; CLI flags override these."""

    model_config = SettingsConfigDict(env_prefix="COMFYEMU_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8188, description="TCP port to listen on (ComfyUI's own default).")
    log_level: str = Field(default="info", description="stdlib logging level name.")
    worker_name: str = Field(default="comfy-emu-0", description="Name drawn on every image and "
                             "reported by /_emulator/state, to tell workers apart.")

    checkpoints: list[str] = Field(default_factory=lambda: list(DEFAULT_CHECKPOINTS),
                                   description="Installed files in models/checkpoints.")
    loras: list[str] = Field(default_factory=lambda: list(DEFAULT_LORAS),
                             description="Installed files in models/loras.")
    ipadapter: list[str] = Field(default_factory=lambda: list(DEFAULT_IPADAPTER),
                                 description="Installed files in models/ipadapter.")
    clip_vision: list[str] = Field(default_factory=lambda: list(DEFAULT_CLIP_VISION),
                                   description="Installed files in models/clip_vision.")

    checkpoint_load_s: float = Field(default=Timings.checkpoint_load_s, ge=0,
                                     description="Model seconds to load another checkpoint.")
    lora_switch_s: float = Field(default=Timings.lora_switch_s, ge=0,
                                 description="Model seconds to load a LoRA that is not loaded.")
    ipadapter_load_s: float = Field(default=Timings.ipadapter_load_s, ge=0,
                                    description="Model seconds per IP-Adapter/CLIP-Vision file "
                                    "loaded.")
    text_encode_s: float = Field(default=Timings.text_encode_s, ge=0,
                                 description="Model seconds per CLIPTextEncode.")
    step_s: float = Field(default=Timings.step_s, ge=0,
                          description="Model seconds per KSampler step.")
    vae_decode_s: float = Field(default=Timings.vae_decode_s, ge=0,
                                description="Model seconds per VAEDecode.")
    time_scale: float = Field(default=Timings.time_scale, ge=0,
                              description="Wall seconds per model second (0.001 makes a "
                              "28-step SDXL render take milliseconds).")

    previews: bool = Field(default=False, description="Send binary JPEG preview frames during "
                           "sampling (ComfyUI sends none unless started with --preview-method).")
    history_max_items: int = Field(default=10_000, ge=1, description="History entries kept "
                                   "(ComfyUI: 10,000).")
    max_output_files: int = Field(default=5_000, ge=1, description="Output/temp files kept in "
                                  "memory; the oldest go first (a real server keeps them on "
                                  "disk).")
    max_render_pixels: int = Field(default=4096 * 4096, ge=64 * 64, description="Largest "
                                   "width x height x batch a VAEDecode accepts; more fails "
                                   "with a CUDA out-of-memory execution_error.")
    max_upload_size_mb: float = Field(default=100.0, gt=0, description="Upload limit "
                                      "(ComfyUI's --max-upload-size default).")
    comfyui_version: str = Field(default="0.37.0", description="Reported by /system_stats.")
    device_name: str = Field(default="cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
                             description="devices[0].name in /system_stats.")
    vram_total_mb: int = Field(default=24_564, ge=1, description="devices[0].vram_total in MiB.")

    def timings(self) -> Timings:
        return Timings(
            checkpoint_load_s=self.checkpoint_load_s,
            lora_switch_s=self.lora_switch_s,
            ipadapter_load_s=self.ipadapter_load_s,
            text_encode_s=self.text_encode_s,
            step_s=self.step_s,
            vae_decode_s=self.vae_decode_s,
            time_scale=self.time_scale,
        )
