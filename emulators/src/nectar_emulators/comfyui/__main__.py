"""`python -m nectar_emulators.comfyui`: run one emulated ComfyUI worker."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .._server import add_server_arguments, run_cli, server_settings
from .app import create_app
from .settings import ComfyUIEmulatorSettings


def parse_args(argv: Sequence[str] | None = None) -> ComfyUIEmulatorSettings:
    """Settings from COMFYEMU_* environment variables, overridden by command-line flags."""
    defaults = ComfyUIEmulatorSettings()
    parser = argparse.ArgumentParser(
        prog="python -m nectar_emulators.comfyui",
        description="Local ComfyUI emulator: one GPU worker speaking ComfyUI's HTTP and "
        "WebSocket API (POST /prompt, /ws, /history, /view, /upload/image, /object_info, "
        "/queue, /interrupt, /api/jobs/{id}/cancel, /system_stats), rendering real PNGs, with "
        "a control API under /_emulator. Defaults come from COMFYEMU_* environment variables "
        "(COMFYEMU_PORT, COMFYEMU_WORKER_NAME, COMFYEMU_TIME_SCALE, COMFYEMU_LORAS as JSON, "
        "...).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_server_arguments(parser, defaults)
    parser.add_argument("--worker-name", default=defaults.worker_name,
                        help="name drawn on the images and shown by /_emulator/state")
    parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                        help="installed checkpoint (repeatable; replaces the defaults)")
    parser.add_argument("--lora", action="append", default=[], metavar="FILE",
                        help="installed LoRA (repeatable; replaces the defaults)")
    parser.add_argument("--time-scale", type=float, default=defaults.time_scale,
                        help="wall seconds per modelled second (0.01 = 100x faster)")
    parser.add_argument("--checkpoint-load-s", type=float, default=defaults.checkpoint_load_s,
                        help="modelled seconds to load another checkpoint")
    parser.add_argument("--lora-switch-s", type=float, default=defaults.lora_switch_s,
                        help="modelled seconds to load a LoRA that is not loaded")
    parser.add_argument("--step-s", type=float, default=defaults.step_s,
                        help="modelled seconds per sampler step")
    parser.add_argument("--previews", action="store_true", default=defaults.previews,
                        help="send binary JPEG preview frames while sampling")
    args = parser.parse_args(argv)
    for name in ("time_scale", "checkpoint_load_s", "lora_switch_s", "step_s"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be >= 0")
    return defaults.model_copy(update={
        **server_settings(args),
        "worker_name": args.worker_name,
        "checkpoints": args.checkpoint or defaults.checkpoints,
        "loras": args.lora or defaults.loras,
        "time_scale": args.time_scale,
        "checkpoint_load_s": args.checkpoint_load_s,
        "lora_switch_s": args.lora_switch_s,
        "step_s": args.step_s,
        "previews": args.previews,
    })


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    run_cli(create_app(settings), settings.host, settings.port, settings.log_level)


if __name__ == "__main__":
    main()
