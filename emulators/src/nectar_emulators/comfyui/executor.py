"""The emulated GPU worker: takes prompts off the queue one at a time and "runs" them.

What a client sees follows ComfyUI's `main.prompt_worker` and `execution.PromptExecutor`:

1. taking the prompt off the queue broadcasts `status`;
2. `execution_start`, then `execution_cached {nodes}` (nodes whose outputs the cache holds);
3. per node that runs: `progress_state`, `executing {node, display_node, prompt_id}`, for a
   sampler one `progress {value, max}` (and `progress_state`) per step, `executed {node,
   output}` for nodes with UI output (SaveImage), `progress_state` when it finishes; a cached
   output node replays its `executed`;
4. `execution_success`, or `execution_error` / `execution_interrupted` (the latter goes to
   every socket when the prompt had no client id);
5. the history entry is written and `status` broadcast, then `executing {node: null}`.

JSON events go only to the socket whose `clientId` equals the prompt's `client_id`; a
prompt without one gets no `executing`/`executed` frames, while `progress` and
`progress_state` then reach every socket (the real server sends those with a None sid).

Node outputs are small value objects (which checkpoint, which LoRAs, the prompt text, the
latent size, the sampling parameters) so that VAEDecode + SaveImage can draw what the
graph asked for. Costs come from `timing.GpuState`; sleeps wake early on an interrupt.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import os
import time
from dataclasses import dataclass, field, replace
from typing import Any

from PIL import Image

from .faults import Fault
from .nodes import (
    NODE_CLASSES,
    Inventory,
    PresetUnavailable,
    is_sdxl_checkpoint,
    resolve_ipadapter_preset,
)
from .render import ImageSpec, LoraUse, ReferenceUse, preview_jpeg, render_png
from .state import ComfyUIEmulator, QueueItem
from .timing import NodeCost

__all__ = ["Worker", "execution_order", "node_signatures"]

log = logging.getLogger("nectar_emulators.comfyui")

PREVIEW_IMAGE = 1  # protocol.BinaryEventTypes.PREVIEW_IMAGE
JPEG = 1


# Values flowing along the graph's links.


@dataclass(frozen=True)
class ModelValue:
    checkpoint: str
    loras: tuple[LoraUse, ...] = ()
    references: tuple[ReferenceUse, ...] = ()
    freeu: bool = False


@dataclass(frozen=True)
class ClipValue:
    checkpoint: str
    loras: tuple[LoraUse, ...] = ()


@dataclass(frozen=True)
class VaeValue:
    checkpoint: str


@dataclass(frozen=True)
class Conditioning:
    text: str


@dataclass(frozen=True)
class Sampling:
    model: ModelValue
    positive: str
    negative: str
    seed: int
    steps: int
    cfg: float
    sampler: str
    scheduler: str
    denoise: float


@dataclass(frozen=True)
class Latent:
    width: int
    height: int
    batch_size: int
    sampling: Sampling | None = None


@dataclass(frozen=True)
class LoadedImage:
    name: str
    data: bytes = field(repr=False)
    width: int
    height: int


@dataclass(frozen=True)
class Images:
    items: tuple[ImageSpec | LoadedImage, ...]


@dataclass(frozen=True)
class IPAdapterValue:
    file: str
    clip_vision: str | None


@dataclass(frozen=True)
class ClipVisionValue:
    file: str


@dataclass(frozen=True)
class Mask:
    source: str


class NodeFailure(Exception):
    """A node raised: becomes an `execution_error` event."""

    def __init__(self, message: str, exception_type: str = "Exception",
                 where: str = "nodes.py") -> None:
        super().__init__(message)
        self.message = message
        self.exception_type = exception_type
        self.traceback = [
            ('  File "/ComfyUI/execution.py", line 496, in execute\n'
             "    output_data, output_ui, has_subgraph, has_pending_tasks = await "
             "get_output_data(...)\n"),
            (f'  File "/ComfyUI/{where}", in <node function>\n    raise {exception_type}'
             f"({message!r})\n"),
        ]


class Interrupted(Exception):
    """The prompt was interrupted (`/interrupt`, a job cancel)."""


# Graph helpers (pure).


def _is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)


def execution_order(prompt: dict[str, Any], outputs: list[str]) -> list[str]:
    """Nodes to run, dependencies first, output by output (only what outputs need)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(node_id: str) -> None:
        if node_id in seen:
            return
        seen.add(node_id)
        node_class = NODE_CLASSES[prompt[node_id]["class_type"]]
        declared = node_class.input_types  # order of inputs as the class declares them
        inputs = prompt[node_id].get("inputs") or {}
        spec = declared(Inventory())
        ranked = [n for c in ("required", "optional") for n in spec.get(c, {})]
        names = sorted(inputs, key=lambda n: ranked.index(n) if n in ranked else len(ranked))
        for name in names:
            if _is_link(inputs[name]):
                visit(inputs[name][0])
        order.append(node_id)

    for output in sorted(outputs, key=_node_sort_key):
        visit(output)
    return order


def _node_sort_key(node_id: str) -> tuple[int, int | str]:
    return (0, int(node_id)) if node_id.isdigit() else (1, node_id)


def node_signatures(
    prompt: dict[str, Any], input_hash: dict[str, str] | None = None
) -> dict[str, str]:
    """Cache key per node: its class, literal inputs and upstream signatures (like ComfyUI's
    input-signature cache). LoadImage also keys on the file's content hash (IS_CHANGED)."""
    memo: dict[str, str] = {}
    input_hash = input_hash or {}

    def sign(node_id: str, stack: tuple[str, ...] = ()) -> str:
        if node_id in memo:
            return memo[node_id]
        if node_id in stack:  # only in a branch validation already refused; never runs
            return f"cycle:{node_id}"
        node = prompt[node_id]
        inputs = node.get("inputs") or {}
        parts: list[Any] = [node["class_type"]]
        for name in sorted(inputs):
            value = inputs[name]
            if _is_link(value) and value[0] in prompt:
                parts.append([name, "link", sign(value[0], (*stack, node_id)), value[1]])
            else:
                parts.append([name, "value", value])
        if node["class_type"] == "LoadImage":
            parts.append(["file", input_hash.get(str(inputs.get("image")), "")])
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode())
        memo[node_id] = digest.hexdigest()
        return memo[node_id]

    for node_id in prompt:
        sign(node_id)
    return memo


def _format_input(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# The worker.


class Worker:
    """Runs the emulator's queue; `start()` in the app's lifespan, `stop()` to end it."""

    def __init__(self, emulator: ComfyUIEmulator) -> None:
        self.emulator = emulator
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name="comfyui-emulator-worker")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
            self.task = None

    async def restart(self, down_s: float = 0.0) -> None:
        """Kill the "process": the running prompt dies without a trace, sockets close, the
        queue/history/caches are lost; files on "disk" stay. Back after `down_s`."""
        emulator = self.emulator
        await self.stop()
        emulator.forget_runtime()
        emulator.counters.restarts += 1
        emulator.down_until = time.monotonic() + down_s
        await emulator.drop_sockets(code=1012)  # 1012: service restart
        self.start()

    async def _loop(self) -> None:
        emulator = self.emulator
        while True:
            await emulator.changed.wait_until(
                lambda: (bool(emulator.pending) and not emulator.is_down()) or bool(emulator.flags),
                timeout=0.5 if emulator.is_down() else None,
            )
            self._apply_flags()
            if emulator.is_down():
                await asyncio.sleep(min(0.05, max(0.0, emulator.down_until - time.monotonic())))
                continue
            item = emulator.next_item()
            if item is None:
                continue
            try:
                await self._execute(item)
            except asyncio.CancelledError:
                raise
            except Exception:  # an emulator bug must not kill the worker
                log.exception("emulated execution crashed", extra={"prompt_id": item.prompt_id})
                emulator.running = None
                emulator.queue_updated()

    def _apply_flags(self) -> None:
        flags = self.emulator.flags
        if not flags:
            return
        if flags.get("unload_models") or flags.get("free_memory"):
            self.emulator.gpu.unload()
            self.emulator.node_cache.clear()
        flags.clear()

    async def _execute(self, item: QueueItem) -> None:
        run = _Run(self.emulator, item)
        await run.execute()


class _Run:
    """One prompt's execution."""

    def __init__(self, emulator: ComfyUIEmulator, item: QueueItem) -> None:
        self.emulator = emulator
        self.item = item
        self.prompt = item.prompt
        self.prompt_id = item.prompt_id
        self.client_id = item.client_id
        self.messages: list[list[Any]] = []
        self.outputs: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.values: dict[str, tuple[Any, ...]] = {}
        self.executed: list[str] = []
        self.progress: dict[str, dict[str, Any]] = {}
        self.model_s = 0.0
        self.loads = {"checkpoint": 0, "lora": 0, "ipadapter": 0}
        self._current = ""

    # Events

    def _add_message(self, event: str, data: dict[str, Any], broadcast: bool = False) -> None:
        data = {**data, "timestamp": int(time.time() * 1000)}
        self.messages.append([event, data])
        if self.client_id is not None or broadcast:
            self.emulator.send(event, data, self.client_id)

    def _to_client(self, event: str, data: dict[str, Any]) -> None:
        if self.client_id is not None:
            self.emulator.send(event, data, self.client_id)

    def _progress_state(self, node_id: str, state: str, value: float, maximum: float) -> None:
        self.progress[node_id] = {
            "value": value, "max": maximum, "state": state, "node_id": node_id,
            "prompt_id": self.prompt_id, "display_node_id": node_id,
            "parent_node_id": None, "real_node_id": node_id,
        }
        self.emulator.send("progress_state", {"prompt_id": self.prompt_id,
                                              "nodes": dict(self.progress)}, self.client_id)

    # Timing

    async def _sleep(self, model_seconds: float, *, interruptible: bool = True) -> None:
        wall = self.emulator.timings.wall(model_seconds)
        self.model_s += model_seconds
        if wall <= 0:
            if interruptible and self.emulator.interrupt.is_set():
                raise Interrupted
            return
        if not interruptible:
            await asyncio.sleep(wall)
            return
        try:
            await asyncio.wait_for(self.emulator.interrupt.wait(), wall)
        except TimeoutError:
            return
        raise Interrupted

    async def _fire(self, fault: Fault | None, node_id: str) -> None:
        if fault is None:
            return
        spec = fault.spec
        log.info("fault fires", extra={"kind": spec.kind, "node": node_id,
                                       "prompt_id": self.prompt_id})
        if spec.kind == "execution_error":
            raise NodeFailure(spec.message, spec.exception_type)
        if spec.kind == "drop_websocket":
            await self.emulator.drop_sockets(None if spec.all_clients else self.client_id)
            return
        if spec.kind == "hang":
            if spec.interruptible:
                await self.emulator.interrupt.wait()
                raise Interrupted
            await asyncio.Event().wait()  # only a restart (task cancel) ends this

    # The run

    async def execute(self) -> None:
        emulator = self.emulator
        loop = asyncio.get_running_loop()
        started = loop.time()
        emulator.interrupt.clear()
        emulator.client_id = self.client_id
        emulator.gpu.start_prompt()
        self._add_message("execution_start", {"prompt_id": self.prompt_id})

        hashes = {}
        for name in emulator.inventory.input_files:
            stored = emulator.input_file(name)
            if stored is not None:
                hashes[name] = stored.sha256
        signatures = node_signatures(self.prompt, hashes)
        wanted = set(signatures.values())
        for key in [k for k in emulator.node_cache if k not in wanted]:
            del emulator.node_cache[key]
        cached = [nid for nid in self.prompt if signatures[nid] in emulator.node_cache]
        self._add_message("execution_cached", {"nodes": cached, "prompt_id": self.prompt_id})

        status = "success"
        failure: tuple[str, Exception] | None = None
        try:
            for node_id in execution_order(self.prompt, self.item.outputs):
                await self._run_node(node_id, signatures[node_id])
        except Interrupted as exc:
            status, failure = "interrupted", (self._current, exc)
        except NodeFailure as exc:
            status, failure = "error", (self._current, exc)

        if failure is None:
            self._add_message("execution_success", {"prompt_id": self.prompt_id})
        else:
            self._report_failure(*failure)
        emulator.gpu.finish_prompt(status == "success")
        emulator.last_node_id = None

        wall = loop.time() - started
        self._count(status, wall)
        emulator.record_history(self.item, {
            "prompt": self.item.as_list(),
            "outputs": self.outputs,
            "status": {"status_str": "success" if status == "success" else "error",
                       "completed": status == "success", "messages": self.messages},
            "meta": self.meta,
        })
        emulator.running = None
        emulator.queue_updated()
        if self.client_id is not None:
            emulator.send("executing", {"node": None, "prompt_id": self.prompt_id},
                          self.client_id)
        emulator.client_id = None
        log.info("prompt executed", extra={
            "prompt_id": self.prompt_id, "status": status, "wall_s": round(wall, 4),
            "model_s": round(self.model_s, 3), "worker": emulator.settings.worker_name})

    def _report_failure(self, node_id: str, exc: Exception) -> None:
        class_type = self.prompt[node_id]["class_type"] if node_id in self.prompt else ""
        if isinstance(exc, Interrupted):
            self._add_message("execution_interrupted", {
                "prompt_id": self.prompt_id, "node_id": node_id, "node_type": class_type,
                "executed": list(self.executed)}, broadcast=True)
            return
        assert isinstance(exc, NodeFailure)
        inputs = self.prompt.get(node_id, {}).get("inputs") or {}
        self._add_message("execution_error", {
            "prompt_id": self.prompt_id, "node_id": node_id, "node_type": class_type,
            "executed": list(self.executed),
            "exception_message": exc.message, "exception_type": exc.exception_type,
            "traceback": exc.traceback,
            "current_inputs": {k: [_format_input(v)] for k, v in inputs.items()
                               if not _is_link(v)},
            "current_outputs": list(self.values)})
        if node_id in self.progress:
            self._progress_state(node_id, "error", self.progress[node_id]["value"],
                                 self.progress[node_id]["max"])

    def _count(self, status: str, wall: float) -> None:
        counters = self.emulator.counters
        counters.prompts_executed += 1
        if status == "success":
            counters.prompts_succeeded += 1
        elif status == "interrupted":
            counters.prompts_interrupted += 1
        else:
            counters.prompts_failed += 1
        counters.busy_s += wall
        counters.model_s += self.model_s
        self.emulator.executions.append({
            "prompt_id": self.prompt_id, "status": status, "wall_s": round(wall, 6),
            "model_s": round(self.model_s, 6), "checkpoint_loads": self.loads["checkpoint"],
            "lora_loads": self.loads["lora"], "ipadapter_loads": self.loads["ipadapter"],
            "checkpoint": self.emulator.gpu.checkpoint,
            "loras": sorted(self.emulator.gpu.loras), "finished_at": time.time()})

    async def _run_node(self, node_id: str, signature: str) -> None:
        emulator = self.emulator
        self._current = node_id
        node = self.prompt[node_id]
        class_type = node["class_type"]
        entry = emulator.node_cache.get(signature)
        if entry is not None:
            self.values[node_id] = entry[0]
            emulator.counters.nodes_cached += 1
            if class_type in ("LoraLoader", "LoraLoaderModelOnly"):
                emulator.gpu.note_cached_lora(str(node["inputs"].get("lora_name")))
            if entry[1] is not None:
                self.outputs[node_id] = entry[1]
                self.meta[node_id] = self._meta(node_id)
                self._to_client("executed", {"node": node_id, "display_node": node_id,
                                             "output": entry[1], "prompt_id": self.prompt_id})
            return

        self._progress_state(node_id, "running", 0, 1)
        emulator.last_node_id = node_id
        self._to_client("executing", {"node": node_id, "display_node": node_id,
                                      "prompt_id": self.prompt_id})
        inputs = self._resolve_inputs(node)
        await self._fire(emulator.faults.take_execution(node_id, class_type, None), node_id)
        outputs, ui = await self._perform(node_id, class_type, inputs)
        self.values[node_id] = outputs
        self.executed.append(node_id)
        emulator.counters.nodes_executed += 1
        emulator.node_cache[signature] = (outputs, ui)
        if ui is not None:
            self.outputs[node_id] = ui
            self.meta[node_id] = self._meta(node_id)
            self._to_client("executed", {"node": node_id, "display_node": node_id,
                                         "output": ui, "prompt_id": self.prompt_id})
        last = self.progress.get(node_id, {})
        self._progress_state(node_id, "finished", last.get("max", 1), last.get("max", 1))

    def _meta(self, node_id: str) -> dict[str, Any]:
        return {"node_id": node_id, "display_node": node_id, "parent_node": None,
                "real_node_id": node_id}

    def _resolve_inputs(self, node: dict[str, Any]) -> dict[str, Any]:
        resolved: dict[str, Any] = {}
        for name, value in (node.get("inputs") or {}).items():
            if _is_link(value):
                resolved[name] = self.values[value[0]][value[1]]
            else:
                resolved[name] = value
        return resolved

    def _charge(self, cost: NodeCost) -> None:
        counters = self.emulator.counters
        counters.checkpoint_loads += cost.checkpoint_loads
        counters.lora_loads += cost.lora_loads
        counters.ipadapter_loads += cost.ipadapter_loads
        self.loads["checkpoint"] += cost.checkpoint_loads
        self.loads["lora"] += cost.lora_loads
        self.loads["ipadapter"] += cost.ipadapter_loads

    async def _perform(
        self, node_id: str, class_type: str, inputs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any] | None]:
        emulator = self.emulator
        aux: tuple[str, ...] = ()
        if class_type == "IPAdapterUnifiedLoader":
            model = inputs["model"]
            try:
                aux = resolve_ipadapter_preset(str(inputs["preset"]),
                                               is_sdxl_checkpoint(model.checkpoint),
                                               emulator.inventory)
            except PresetUnavailable as exc:
                raise NodeFailure(str(exc), where="custom_nodes/ComfyUI_IPAdapter_plus/"
                                  "IPAdapterPlus.py") from exc
        elif class_type == "IPAdapterModelLoader":
            aux = (str(inputs["ipadapter_file"]),)
        elif class_type == "CLIPVisionLoader":
            aux = (str(inputs["clip_name"]),)
        self._check_installed(class_type, inputs)
        cost = emulator.gpu.run_node(class_type, inputs, emulator.timings, aux)
        self._charge(cost)
        await self._sleep(cost.lump_s)
        if class_type == "KSampler":
            await self._sample(node_id, inputs, cost)
        return await self._compute(node_id, class_type, inputs, aux)

    def _check_installed(self, class_type: str, inputs: dict[str, Any]) -> None:
        # A file removed after the prompt was queued fails at load time, as on disk.
        folder, key = {
            "CheckpointLoaderSimple": ("checkpoints", "ckpt_name"),
            "LoraLoader": ("loras", "lora_name"),
            "LoraLoaderModelOnly": ("loras", "lora_name"),
            "IPAdapterModelLoader": ("ipadapter", "ipadapter_file"),
            "CLIPVisionLoader": ("clip_vision", "clip_name"),
        }.get(class_type, (None, None))
        if folder is None or key is None:
            return
        name = str(inputs.get(key))
        if name not in self.emulator.inventory.models.get(folder, []):
            raise NodeFailure(f"[Errno 2] No such file or directory: "
                              f"'/ComfyUI/models/{folder}/{name}'", "FileNotFoundError")

    async def _sample(self, node_id: str, inputs: dict[str, Any], cost: NodeCost) -> None:
        emulator = self.emulator
        steps = cost.steps
        preview_spec = None
        for step in range(1, steps + 1):
            await self._sleep(cost.step_s)
            emulator.counters.steps += 1
            self._progress_state(node_id, "running", step, steps)
            emulator.send("progress", {"value": step, "max": steps, "prompt_id": self.prompt_id,
                                       "node": node_id}, self.client_id)
            if emulator.settings.previews:
                if preview_spec is None:
                    preview_spec = self._preview_spec(inputs)
                frame = JPEG.to_bytes(4, "big") + preview_jpeg(preview_spec, step, steps)
                emulator.send_bytes(PREVIEW_IMAGE, frame, self.client_id)
            await self._fire(emulator.faults.take_execution(node_id, "KSampler", step), node_id)

    def _preview_spec(self, inputs: dict[str, Any]) -> ImageSpec:
        latent = inputs["latent_image"]
        return ImageSpec(worker="", checkpoint="", loras=(), references=(), freeu=False,
                         positive="", negative="", seed=int(inputs["seed"]), steps=0, cfg=0.0,
                         sampler="", scheduler="", denoise=1.0, width=latent.width,
                         height=latent.height)

    async def _compute(
        self, node_id: str, class_type: str, inputs: dict[str, Any], aux: tuple[str, ...]
    ) -> tuple[tuple[Any, ...], dict[str, Any] | None]:
        if class_type == "CheckpointLoaderSimple":
            ckpt = str(inputs["ckpt_name"])
            return (ModelValue(ckpt), ClipValue(ckpt), VaeValue(ckpt)), None
        if class_type in ("LoraLoader", "LoraLoaderModelOnly"):
            use = LoraUse(str(inputs["lora_name"]), float(inputs["strength_model"]),
                          float(inputs["strength_clip"]) if "strength_clip" in inputs else None)
            model = inputs["model"]
            new_model = replace(model, loras=(*model.loras, use))
            if class_type == "LoraLoaderModelOnly":
                return (new_model,), None
            clip = inputs["clip"]
            return (new_model, replace(clip, loras=(*clip.loras, use))), None
        if class_type == "FreeU_V2":
            return (replace(inputs["model"], freeu=True),), None
        if class_type == "CLIPTextEncode":
            return (Conditioning(str(inputs["text"])),), None
        if class_type == "EmptyLatentImage":
            return (Latent(int(inputs["width"]), int(inputs["height"]),
                           int(inputs["batch_size"])),), None
        if class_type == "KSampler":
            latent = inputs["latent_image"]
            sampling = Sampling(inputs["model"], inputs["positive"].text, inputs["negative"].text,
                                int(inputs["seed"]), int(inputs["steps"]), float(inputs["cfg"]),
                                str(inputs["sampler_name"]), str(inputs["scheduler"]),
                                float(inputs["denoise"]))
            return (replace(latent, sampling=sampling),), None
        if class_type == "VAEDecode":
            return (self._decode(inputs["samples"], inputs["vae"]),), None
        if class_type in ("SaveImage", "PreviewImage"):
            return (), await self._save(class_type, inputs)
        if class_type == "LoadImage":
            return self._load_image(str(inputs["image"]))
        if class_type == "CLIPVisionLoader":
            return (ClipVisionValue(aux[0]),), None
        if class_type == "IPAdapterModelLoader":
            return (IPAdapterValue(aux[0], None),), None
        if class_type == "IPAdapterUnifiedLoader":
            return (inputs["model"], IPAdapterValue(aux[0], aux[1])), None
        if class_type == "IPAdapterAdvanced":
            return (self._apply_ipadapter(inputs),), None
        raise NodeFailure(f"emulator cannot run {class_type}")  # pragma: no cover

    def _decode(self, latent: Latent, vae: VaeValue) -> Images:
        settings = self.emulator.settings
        if latent.width * latent.height * latent.batch_size > settings.max_render_pixels:
            raise NodeFailure(
                "Allocation on device 0 would exceed allowed memory. (out of memory)",
                "torch.OutOfMemoryError", where="comfy/sd.py")
        sampling = latent.sampling
        model = sampling.model if sampling else ModelValue(vae.checkpoint)
        items = tuple(
            ImageSpec(
                worker=settings.worker_name, checkpoint=model.checkpoint, loras=model.loras,
                references=model.references, freeu=model.freeu,
                positive=sampling.positive if sampling else "",
                negative=sampling.negative if sampling else "",
                seed=sampling.seed if sampling else 0, steps=sampling.steps if sampling else 0,
                cfg=sampling.cfg if sampling else 0.0,
                sampler=sampling.sampler if sampling else "-",
                scheduler=sampling.scheduler if sampling else "-",
                denoise=sampling.denoise if sampling else 0.0,
                width=latent.width, height=latent.height,
                batch_index=index, batch_size=latent.batch_size)
            for index in range(latent.batch_size))
        return Images(items)

    def _load_image(self, name: str) -> tuple[tuple[Any, ...], None]:
        stored = self.emulator.input_file(name)
        if stored is None:
            raise NodeFailure(f"[Errno 2] No such file or directory: '/ComfyUI/input/{name}'",
                              "FileNotFoundError")
        try:
            with Image.open(io.BytesIO(stored.data)) as img:
                width, height = img.size
        except Exception as exc:
            raise NodeFailure(f"cannot identify image file '/ComfyUI/input/{name}'",
                              "PIL.UnidentifiedImageError") from exc
        image = LoadedImage(name.removesuffix(" [input]"), stored.data, width, height)
        return (Images((image,)), Mask(name)), None

    def _apply_ipadapter(self, inputs: dict[str, Any]) -> ModelValue:
        adapter: IPAdapterValue = inputs["ipadapter"]
        clip_vision = inputs.get("clip_vision")
        if clip_vision is None and adapter.clip_vision is None:
            # IPAdapterAdvanced.apply_ipadapter: a bare IPAdapterModelLoader brings no
            # CLIP-Vision; without a CLIPVisionLoader wired in, the extension raises this.
            raise NodeFailure("Missing CLIPVision model.",
                              where="custom_nodes/ComfyUI_IPAdapter_plus/IPAdapterPlus.py")
        images: Images = inputs["image"]
        first = images.items[0]
        name = first.name if isinstance(first, LoadedImage) else "generated image"
        data = first.data if isinstance(first, LoadedImage) else None
        reference = ReferenceUse(name, float(inputs["weight"]), float(inputs["start_at"]),
                                 float(inputs["end_at"]), str(inputs["weight_type"]),
                                 adapter.file, data)
        model: ModelValue = inputs["model"]
        return replace(model, references=(*model.references, reference))

    async def _save(self, class_type: str, inputs: dict[str, Any]) -> dict[str, Any]:
        emulator = self.emulator
        images: Images = inputs["images"]
        if class_type == "SaveImage":
            kind, prefix = "output", str(inputs.get("filename_prefix", "ComfyUI"))
        else:
            suffix = hashlib.sha256(self.prompt_id.encode()).hexdigest()[:5]
            kind, prefix = "temp", f"ComfyUI_temp_{suffix}"
        subfolder, _, base = prefix.replace("\\", "/").rpartition("/")
        normalized = os.path.normpath(subfolder) if subfolder else ""
        if normalized.startswith("..") or os.path.isabs(normalized):
            raise NodeFailure("**** ERROR: Saving image outside the output folder is not "
                              "allowed.", where="folder_paths.py")
        subfolder = "" if normalized == "." else normalized
        fault = emulator.faults.take_output()
        if fault is not None and fault.spec.variant == "no_images":
            return {"text": ["emulated: this node produced no image"]}
        counter = self._next_counter(kind, subfolder, base)
        results = []
        for index, item in enumerate(images.items):
            filename = f"{base}_{counter + index:05}_.png"
            data = await asyncio.to_thread(self._encode, item)
            if fault is not None:
                filename, data = _spoil(fault.spec.variant, filename, data)
            emulator.store_file(kind, subfolder, filename, data)
            emulator.counters.images_saved += 1
            results.append({"filename": filename, "subfolder": subfolder, "type": kind})
        return {"images": results}

    def _encode(self, item: ImageSpec | LoadedImage) -> bytes:
        if isinstance(item, ImageSpec):
            return render_png(item, self.prompt)
        with Image.open(io.BytesIO(item.data)) as img:
            out = io.BytesIO()
            img.convert("RGB").save(out, format="PNG", compress_level=1)
            return out.getvalue()

    def _next_counter(self, kind: str, subfolder: str, base: str) -> int:
        # folder_paths.get_save_image_path: one past the highest counter already on disk.
        highest = 0
        prefix = f"{base}_"
        for file_kind, file_subfolder, filename in self.emulator.files:
            if file_kind != kind or file_subfolder != subfolder:
                continue
            if filename.startswith(prefix):
                digits = filename[len(prefix):len(prefix) + 5]
                if digits.isdigit():
                    highest = max(highest, int(digits))
        return highest + 1


def _spoil(variant: str, filename: str, data: bytes) -> tuple[str, bytes]:
    if variant == "truncated":
        return filename, data[: max(16, len(data) // 3)]
    if variant == "webp":
        with Image.open(io.BytesIO(data)) as img:
            out = io.BytesIO()
            img.save(out, format="WEBP", quality=80)
        return filename.removesuffix(".png") + ".webp", out.getvalue()
    return filename, b"emulated non-image output: this is not a PNG\n"
