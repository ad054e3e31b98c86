"""ComfyUI emulator: one emulated GPU worker speaking ComfyUI's HTTP and WebSocket protocol.

`POST /prompt` validates an API-format graph like the real server (unknown node types,
missing inputs, mismatched links, models that are not installed -> 400 with `node_errors`),
queues it, and a single worker task executes prompts one at a time in FIFO order, emitting
the real event sequence on `/ws?clientId=` (`execution_start`, `execution_cached`,
`executing`, `progress`, `executed`, `execution_success`, `executing {node: null}`) and
writing `/history/{id}`. SaveImage stores a real PNG of the requested size that shows what
was asked (checkpoint, LoRAs and strengths, IP-Adapter reference, prompt text, seed, worker);
`/view` serves it. Time is modelled per node (`timing.py`): checkpoint loads, LoRA switches
and sampler steps cost configurable seconds, scaled by `time_scale`, and the worker keeps
what it loaded. Failures are scripted through `/_emulator/faults` (`faults.py`) and
`/_emulator/restart`; see `control.py` for the whole control API.
"""

from .app import create_app
from .settings import ComfyUIEmulatorSettings

__all__ = ["ComfyUIEmulatorSettings", "create_app"]
