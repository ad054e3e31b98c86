"""Scripted failures: what can go wrong with a real ComfyUI worker, on demand.

`POST /_emulator/faults` takes one `FaultSpec`; each fault fires `times` times (null: until
`DELETE /_emulator/faults`) and then disappears. Kinds:

- `http_error`: the next calls to `route` (a path without the `/api` prefix, shell-style
  wildcards allowed: `/prompt`, `/history/*`, `*`; `/ws` refuses the WebSocket handshake)
  and `method` (default any) answer `status` (default 500) with aiohttp's plain-text body.
- `execution_error`: when node `node` (a class_type or a node id; default KSampler) runs,
  after step `at_step` for a sampler (default: before its work), the prompt fails with an
  `execution_error` event carrying `exception_type` / `message` (default: a CUDA OOM).
- `hang`: the prompt stops at that node/step and never finishes; with `interruptible`
  false (the default, like a wedged GPU) not even `/interrupt` frees it, only a restart.
- `drop_websocket`: at that node/step the server closes the WebSocket of the prompt's
  client (or every socket when `all_clients`), code 1011; the prompt itself goes on.
- `non_image_output`: the next SaveImage/PreviewImage writes something that is not a PNG:
  `variant` `text` (a `.png` name holding text, the default), `truncated` (a cut PNG),
  `webp` (a real image, in WebP, named `.webp`) or `no_images` (a `text` output only).
"""

from __future__ import annotations

import fnmatch
import itertools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Fault", "FaultBook", "FaultSpec"]

FaultKind = Literal["http_error", "execution_error", "hang", "drop_websocket", "non_image_output"]
_EXECUTION_KINDS = ("execution_error", "hang", "drop_websocket")

OOM_MESSAGE = "Allocation on device 0 would exceed allowed memory. (out of memory)"


class FaultSpec(BaseModel):
    """One scripted failure, as posted to `/_emulator/faults`."""

    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    times: int | None = Field(default=1, ge=1, description="Firings before it is used up; "
                              "null = until cleared.")
    route: str | None = Field(default=None, description="http_error: path pattern without "
                              "the /api prefix, e.g. /prompt, /history/*, *.")
    method: str | None = Field(default=None, description="http_error: HTTP method, any if unset.")
    status: int = Field(default=500, ge=400, le=599, description="http_error: status code.")
    node: str = Field(default="KSampler", description="Execution faults: class_type or node id "
                      "of the node where it fires.")
    at_step: int | None = Field(default=None, ge=0, description="Execution faults on a sampler: "
                                "fire after this step (0 or unset: before the first).")
    message: str = Field(default=OOM_MESSAGE, description="execution_error: exception_message.")
    exception_type: str = Field(default="torch.OutOfMemoryError",
                                description="execution_error: exception_type.")
    interruptible: bool = Field(default=False, description="hang: whether /interrupt ends it.")
    all_clients: bool = Field(default=False, description="drop_websocket: every socket, not "
                              "only the prompt's client.")
    variant: Literal["text", "truncated", "webp", "no_images"] = Field(
        default="text", description="non_image_output: what is written instead of a PNG.")

    @model_validator(mode="after")
    def _route_for_http(self) -> FaultSpec:
        if self.kind == "http_error" and not self.route:
            raise ValueError("http_error needs a route, e.g. /prompt or *")
        return self


class Fault:
    """A queued FaultSpec with its remaining uses."""

    _ids = itertools.count(1)

    def __init__(self, spec: FaultSpec) -> None:
        self.id = next(self._ids)
        self.spec = spec
        self.remaining = spec.times
        self.fired = 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(exclude_none=True),
                "remaining": self.remaining, "fired": self.fired}


class FaultBook:
    """The queued faults; `take_*` finds the first match and uses one firing of it."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, spec: FaultSpec) -> Fault:
        fault = Fault(spec)
        self.faults.append(fault)
        return fault

    def clear(self) -> int:
        count = len(self.faults)
        self.faults.clear()
        return count

    def _use(self, fault: Fault) -> Fault:
        fault.fired += 1
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self.faults.remove(fault)
        return fault

    def take_http(self, path: str, method: str) -> Fault | None:
        route = path.removeprefix("/api") if path.startswith("/api/") else path
        for fault in self.faults:
            spec = fault.spec
            if spec.kind != "http_error" or spec.route is None:
                continue
            if spec.method and spec.method.upper() != method.upper():
                continue
            if route == spec.route or fnmatch.fnmatchcase(route, spec.route):
                return self._use(fault)
        return None

    def take_execution(
        self, node_id: str, class_type: str, step: int | None
    ) -> Fault | None:
        """An execution fault for this node: `step` None = before the node's work,
        otherwise just after sampler step `step`."""
        for fault in self.faults:
            spec = fault.spec
            if spec.kind not in _EXECUTION_KINDS or spec.node not in (node_id, class_type):
                continue
            wanted = spec.at_step or None
            if wanted == step:
                return self._use(fault)
        return None

    def take_output(self) -> Fault | None:
        for fault in self.faults:
            if fault.spec.kind == "non_image_output":
                return self._use(fault)
        return None
