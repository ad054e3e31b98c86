"""The ComfyUI emulator's control API, under `/_emulator/` (tests, the local stack, benchmarks).

| request | effect |
| --- | --- |
| `GET /_emulator/state` | worker name, timings, what is loaded, queue, counters, faults, sockets |
| `GET` / `DELETE /_emulator/counters` | the counters (prompts, loads, steps, busy seconds); reset them |
| `GET /_emulator/executions` | the last 1,000 executions: status, wall and model seconds, loads |
| `GET /_emulator/inventory` | installed model files per folder and the input files |
| `POST /_emulator/inventory {"add": {folder: [files]}, "remove": {folder: [files]}}` | install or remove model files |
| `GET` / `POST /_emulator/timings {field: value, ...}` | read or change timings and `time_scale` |
| `POST /_emulator/faults` (a `FaultSpec`), `GET`, `DELETE` | script failures (see `faults.py`) |
| `POST /_emulator/restart {"down_s": 0}` | a process restart: queue, running prompt, history, caches and loaded models are lost, sockets close (1012); routes answer 503 for `down_s` seconds |
| `POST /_emulator/websockets/drop {"client_id"?}` | close one client's socket (or all) now, code 1011 |
| `POST /_emulator/reset` | back to the settings: everything above, uploads and outputs too |
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import FaultSpec
from .state import ComfyUIEmulator

__all__ = ["control_routes"]


def _emulator(request: Request) -> ComfyUIEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


def _invalid(exc: Exception) -> JSONResponse:
    if isinstance(exc, ValidationError):
        detail: Any = exc.errors(include_url=False, include_context=False)
    else:
        detail = str(exc)
    return JSONResponse({"error": "invalid control request", "detail": detail},
                        status_code=422)


async def _body(request: Request) -> Any:
    raw = await request.body()
    return await request.json() if raw.strip() else {}


def _timings_json(emulator: ComfyUIEmulator) -> dict[str, float]:
    return dict(emulator.timings.__dict__)


def _inventory_json(emulator: ComfyUIEmulator) -> dict[str, Any]:
    folders = {folder: emulator.inventory.files(folder)
               for folder in emulator.inventory.models}
    return {"models": folders, "input": sorted(emulator.inventory.input_files)}


async def get_state(request: Request) -> Response:
    """`GET /_emulator/state`: one look at the whole worker."""
    emulator = _emulator(request)
    gpu = emulator.gpu
    return JSONResponse({
        "worker_name": emulator.settings.worker_name,
        "down": emulator.is_down(),
        "timings": _timings_json(emulator),
        "loaded": {"checkpoint": gpu.checkpoint, "loras": sorted(gpu.loras),
                   "aux": sorted(gpu.aux)},
        "queue": {"running": emulator.running.prompt_id if emulator.running else None,
                  "pending": [item.prompt_id for item in emulator.pending]},
        "counters": emulator.counters.as_json(),
        "faults": [fault.as_json() for fault in emulator.faults.faults],
        "sockets": sorted(emulator.sockets),
        "history_size": len(emulator.history),
        "files": {kind: sum(1 for k in emulator.files if k[0] == kind)
                  for kind in ("input", "output", "temp")},
    })


async def get_counters(request: Request) -> Response:
    """`GET /_emulator/counters`."""
    return JSONResponse(_emulator(request).counters.as_json())


async def reset_counters(request: Request) -> Response:
    """`DELETE /_emulator/counters`: zero the counters and forget the executions log."""
    emulator = _emulator(request)
    emulator.counters = type(emulator.counters)()
    emulator.executions.clear()
    return JSONResponse(emulator.counters.as_json())


async def get_executions(request: Request) -> Response:
    """`GET /_emulator/executions`: recent executions, oldest first."""
    return JSONResponse({"executions": list(_emulator(request).executions)})


class _InventoryChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    add: dict[str, list[str]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(default_factory=dict)


async def get_inventory(request: Request) -> Response:
    """`GET /_emulator/inventory`."""
    return JSONResponse(_inventory_json(_emulator(request)))


async def change_inventory(request: Request) -> Response:
    """`POST /_emulator/inventory {"add": {...}, "remove": {...}}`: install/remove files."""
    emulator = _emulator(request)
    try:
        change = _InventoryChange.model_validate(await _body(request))
        unknown = (set(change.add) | set(change.remove)) - set(emulator.inventory.models)
        if unknown:
            raise ValueError(f"unknown model folder(s): {sorted(unknown)}")
    except (ValueError, ValidationError) as exc:
        return _invalid(exc)
    models = emulator.inventory.models
    for folder, names in change.add.items():
        models[folder].extend(n for n in names if n not in models[folder])
    for folder, names in change.remove.items():
        models[folder] = [n for n in models[folder] if n not in names]
    return JSONResponse(_inventory_json(emulator))


class _TimingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checkpoint_load_s: float | None = Field(default=None, ge=0)
    lora_switch_s: float | None = Field(default=None, ge=0)
    ipadapter_load_s: float | None = Field(default=None, ge=0)
    text_encode_s: float | None = Field(default=None, ge=0)
    step_s: float | None = Field(default=None, ge=0)
    vae_decode_s: float | None = Field(default=None, ge=0)
    time_scale: float | None = Field(default=None, ge=0)


async def get_timings(request: Request) -> Response:
    """`GET /_emulator/timings`."""
    return JSONResponse(_timings_json(_emulator(request)))


async def set_timings(request: Request) -> Response:
    """`POST /_emulator/timings {...}`: change some timings (applies from the next node)."""
    emulator = _emulator(request)
    try:
        change = _TimingsChange.model_validate(await _body(request))
    except (ValueError, ValidationError) as exc:
        return _invalid(exc)
    for key, value in change.model_dump(exclude_none=True).items():
        setattr(emulator.timings, key, value)
    return JSONResponse(_timings_json(emulator))


async def add_fault(request: Request) -> Response:
    """`POST /_emulator/faults`: queue a fault (201 with its id)."""
    try:
        spec = FaultSpec.model_validate(await _body(request))
    except (ValueError, ValidationError) as exc:
        return _invalid(exc)
    fault = _emulator(request).faults.add(spec)
    return JSONResponse({"fault": fault.as_json()}, status_code=201)


async def list_faults(request: Request) -> Response:
    """`GET /_emulator/faults`: faults still queued."""
    return JSONResponse({"faults": [f.as_json() for f in _emulator(request).faults.faults]})


async def clear_faults(request: Request) -> Response:
    """`DELETE /_emulator/faults`."""
    return JSONResponse({"cleared": _emulator(request).faults.clear()})


class _Restart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    down_s: float = Field(default=0.0, ge=0, le=3600)


async def restart(request: Request) -> Response:
    """`POST /_emulator/restart {"down_s": N}`: kill and restart the emulated process."""
    try:
        body = _Restart.model_validate(await _body(request))
    except (ValueError, ValidationError) as exc:
        return _invalid(exc)
    emulator = _emulator(request)
    lost_running = emulator.running.prompt_id if emulator.running else None
    lost_pending = [item.prompt_id for item in emulator.pending]
    await request.app.state.worker.restart(body.down_s)
    return JSONResponse({"restarted": True, "down_s": body.down_s,
                         "lost_running": lost_running, "lost_pending": lost_pending})


class _Drop(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str | None = None


async def drop_websockets(request: Request) -> Response:
    """`POST /_emulator/websockets/drop {"client_id"?}`: close sockets server-side now."""
    try:
        body = _Drop.model_validate(await _body(request))
    except (ValueError, ValidationError) as exc:
        return _invalid(exc)
    dropped = await _emulator(request).drop_sockets(body.client_id)
    return JSONResponse({"dropped": dropped})


async def reset(request: Request) -> Response:
    """`POST /_emulator/reset`: a fresh worker as configured by the settings."""
    emulator = _emulator(request)
    await request.app.state.worker.stop()
    await emulator.drop_sockets(code=1012)
    emulator.reset()
    request.app.state.worker.start()
    return JSONResponse({"reset": True})


def control_routes() -> list[Route]:
    return [
        Route("/_emulator/state", get_state, methods=["GET"]),
        Route("/_emulator/counters", get_counters, methods=["GET"]),
        Route("/_emulator/counters", reset_counters, methods=["DELETE"]),
        Route("/_emulator/executions", get_executions, methods=["GET"]),
        Route("/_emulator/inventory", get_inventory, methods=["GET"]),
        Route("/_emulator/inventory", change_inventory, methods=["POST"]),
        Route("/_emulator/timings", get_timings, methods=["GET"]),
        Route("/_emulator/timings", set_timings, methods=["POST"]),
        Route("/_emulator/faults", add_fault, methods=["POST"]),
        Route("/_emulator/faults", list_faults, methods=["GET"]),
        Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
        Route("/_emulator/restart", restart, methods=["POST"]),
        Route("/_emulator/websockets/drop", drop_websockets, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]
