"""In-memory state of one emulated ComfyUI worker: queue, history, files, sockets, counters.

Everything is mutated on the event loop without awaiting in between, so each change is
atomic without locks (the same rule as the other emulators).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

from .._server import Signal
from .faults import FaultBook
from .nodes import MODEL_FOLDERS, Inventory
from .settings import ComfyUIEmulatorSettings
from .timing import GpuState, Timings

__all__ = ["ComfyUIEmulator", "Counters", "QueueItem", "StoredFile"]

log = logging.getLogger("nectar_emulators.comfyui")


@dataclass
class QueueItem:
    """A queued prompt: ComfyUI's `(number, prompt_id, prompt, extra_data, outputs)` tuple."""

    number: float
    prompt_id: str
    prompt: dict[str, Any]
    extra_data: dict[str, Any]
    outputs: list[str]
    seq: int

    def as_list(self) -> list[Any]:
        return [self.number, self.prompt_id, self.prompt, self.extra_data, self.outputs]

    @property
    def client_id(self) -> str | None:
        client = self.extra_data.get("client_id")
        return client if isinstance(client, str) and client else None


@dataclass
class StoredFile:
    data: bytes
    sha256: str
    at: float = field(default_factory=time.time)


@dataclass
class Counters:
    """What the benchmark reads: work done and what it cost."""

    prompts_queued: int = 0
    prompts_rejected: int = 0
    prompts_executed: int = 0
    prompts_succeeded: int = 0
    prompts_failed: int = 0
    prompts_interrupted: int = 0
    checkpoint_loads: int = 0
    lora_loads: int = 0
    ipadapter_loads: int = 0
    steps: int = 0
    nodes_executed: int = 0
    nodes_cached: int = 0
    images_saved: int = 0
    busy_s: float = 0.0
    model_s: float = 0.0
    restarts: int = 0
    websocket_drops: int = 0
    http_faults: int = 0

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["busy_s"] = round(self.busy_s, 6)
        out["model_s"] = round(self.model_s, 6)
        return out


class Connection:
    """One WebSocket client; frames go out in order through a per-socket queue."""

    def __init__(self, sid: str, websocket: WebSocket) -> None:
        self.sid = sid
        self.websocket = websocket
        self.outbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self.feature_flags: dict[str, Any] = {}
        self.writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while True:
            frame = await self.outbox.get()
            if frame is None:
                return
            try:
                if isinstance(frame, bytes):
                    await self.websocket.send_bytes(frame)
                else:
                    await self.websocket.send_text(frame)
            except Exception:  # noqa: BLE001 (the client went away; its reader unregisters it)
                return

    def send(self, frame: str | bytes) -> None:
        self.outbox.put_nowait(frame)

    async def close(self, code: int = 1000) -> None:
        self.outbox.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer, 1.0)
        if self.websocket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(code=code)


class ComfyUIEmulator:
    """State shared by every request of one app (one emulated worker)."""

    def __init__(self, settings: ComfyUIEmulatorSettings) -> None:
        self.settings = settings
        self.timings: Timings = settings.timings()
        self.inventory = Inventory(models=self._default_models())
        self.gpu = GpuState()
        self.faults = FaultBook()
        self.counters = Counters()
        self.changed = Signal()
        self.interrupt = asyncio.Event()
        self.pending: list[QueueItem] = []
        self.running: QueueItem | None = None
        self.history: OrderedDict[str, dict[str, Any]] = OrderedDict()
        #: (type, subfolder, filename) -> file; "input", "output" and "temp" like ComfyUI's dirs
        self.files: OrderedDict[tuple[str, str, str], StoredFile] = OrderedDict()
        self.sockets: dict[str, Connection] = {}
        #: node signature -> (outputs, ui) kept from the prompts run so far (classic cache)
        self.node_cache: dict[str, tuple[tuple[Any, ...], dict[str, Any] | None]] = {}
        self.flags: dict[str, bool] = {}
        self.executions: deque[dict[str, Any]] = deque(maxlen=1000)
        self.number = 0
        self.seq = 0
        self.down_until = 0.0
        self.client_id: str | None = None
        self.last_node_id: str | None = None

    def _default_models(self) -> dict[str, list[str]]:
        models: dict[str, list[str]] = {folder: [] for folder in MODEL_FOLDERS}
        models["checkpoints"] = list(self.settings.checkpoints)
        models["loras"] = list(self.settings.loras)
        models["ipadapter"] = list(self.settings.ipadapter)
        models["clip_vision"] = list(self.settings.clip_vision)
        return models

    # Queue

    def queue_remaining(self) -> int:
        return len(self.pending) + (1 if self.running is not None else 0)

    def queue_info(self) -> dict[str, Any]:
        return {"exec_info": {"queue_remaining": self.queue_remaining()}}

    def queue_updated(self) -> None:
        """ComfyUI broadcasts a `status` frame to every socket whenever the queue changes."""
        self.send("status", {"status": self.queue_info()})
        self.changed.notify()

    def enqueue(self, item: QueueItem) -> None:
        self.pending.append(item)
        self.pending.sort(key=lambda i: (i.number, i.seq))
        self.counters.prompts_queued += 1
        self.queue_updated()

    def next_item(self) -> QueueItem | None:
        if not self.pending:
            return None
        item = self.pending.pop(0)
        self.running = item
        self.queue_updated()
        return item

    def delete_pending(self, prompt_id: str) -> bool:
        for index, item in enumerate(self.pending):
            if item.prompt_id == prompt_id:
                del self.pending[index]
                self.queue_updated()
                return True
        return False

    def wipe_queue(self) -> None:
        self.pending.clear()
        self.queue_updated()

    def interrupt_if_running(self, prompt_id: str | None) -> bool:
        """Interrupt the running prompt (any, when `prompt_id` is None); True if one was."""
        if self.running is None:
            if prompt_id is None:
                self.interrupt.set()  # like the real flag: reset when the next prompt starts
            return False
        if prompt_id is not None and self.running.prompt_id != prompt_id:
            return False
        self.interrupt.set()
        self.changed.notify()
        return True

    def record_history(self, item: QueueItem, entry: dict[str, Any]) -> None:
        self.history.pop(item.prompt_id, None)
        self.history[item.prompt_id] = entry
        while len(self.history) > self.settings.history_max_items:
            self.history.popitem(last=False)

    # Files

    def store_file(self, kind: str, subfolder: str, filename: str, data: bytes) -> None:
        key = (kind, subfolder, filename)
        self.files.pop(key, None)
        self.files[key] = StoredFile(data, hashlib.sha256(data).hexdigest())
        if kind == "input":
            self.inventory.input_files.add(f"{subfolder}/{filename}" if subfolder else filename)
        else:
            generated = [k for k in self.files if k[0] != "input"]
            for old in generated[: max(0, len(generated) - self.settings.max_output_files)]:
                del self.files[old]

    def input_file(self, name: str) -> StoredFile | None:
        subfolder, _, filename = name.removesuffix(" [input]").rpartition("/")
        return self.files.get(("input", subfolder, filename))

    # WebSocket fan-out

    def send(self, event: str, data: dict[str, Any], sid: str | None = None) -> None:
        """A JSON frame to one client, or to every client when `sid` is None (ComfyUI's rule)."""
        frame = json.dumps({"type": event, "data": data}, ensure_ascii=False)
        self._fan_out(frame, sid)

    def send_bytes(self, event: int, payload: bytes, sid: str | None = None) -> None:
        self._fan_out(event.to_bytes(4, "big") + payload, sid)

    def _fan_out(self, frame: str | bytes, sid: str | None) -> None:
        if sid is None:
            for connection in list(self.sockets.values()):
                connection.send(frame)
        elif sid in self.sockets:
            self.sockets[sid].send(frame)

    async def drop_sockets(self, sid: str | None = None, code: int = 1011) -> int:
        """Close sockets server-side (one client's, or all): a dropped connection."""
        targets = [c for c in self.sockets.values() if sid is None or c.sid == sid]
        for connection in targets:
            if self.sockets.get(connection.sid) is connection:
                del self.sockets[connection.sid]
        for connection in targets:
            await connection.close(code)
        self.counters.websocket_drops += len(targets)
        return len(targets)

    # Whole-worker operations

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def forget_runtime(self) -> None:
        """What a process restart loses: queue, running prompt, history, caches, models."""
        self.pending.clear()
        self.running = None
        self.history.clear()
        self.node_cache.clear()
        self.gpu.unload()
        self.flags.clear()
        self.interrupt.clear()
        self.client_id = None
        self.last_node_id = None
        self.number = 0

    def reset(self) -> None:
        """Back to the settings: everything above, plus files, inventory, faults, counters."""
        self.forget_runtime()
        self.files.clear()
        self.inventory = Inventory(models=self._default_models())
        self.timings = self.settings.timings()
        self.faults.clear()
        self.counters = Counters()
        self.executions.clear()
        self.down_until = 0.0
