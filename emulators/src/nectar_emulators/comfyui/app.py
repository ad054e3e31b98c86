"""The ComfyUI emulator's Starlette app: ComfyUI's HTTP + WebSocket API and the control API.

ComfyUI routes (each also under `/api/...`, as the real server adds that prefix to all):
`GET /ws?clientId=`, `POST|GET /prompt`, `GET|POST /queue`, `POST /interrupt`, `POST /free`,
`GET|POST /history`, `GET /history/{prompt_id}`, `GET /view`, `POST /upload/image`,
`GET /object_info[/{node_class}]`, `GET /models[/{folder}]`, `GET /embeddings`,
`GET /system_stats`, `GET /features`; and, only under `/api` as upstream defines them,
`GET /api/jobs[/{job_id}]`, `POST /api/jobs/{job_id}/cancel`, `POST /api/jobs/cancel`.

Control API: see `control.py`. `GET /healthz`: liveness (not a ComfyUI route).
"""

from __future__ import annotations

import contextlib
import hashlib
import http
import json
import logging
import mimetypes
import os
import platform
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from .._server import healthz
from .control import control_routes
from .executor import Worker
from .nodes import MODEL_FOLDERS, NODE_CLASSES, node_info
from .settings import ComfyUIEmulatorSettings
from .state import ComfyUIEmulator, Connection, QueueItem
from .validation import validate_prompt

__all__ = ["create_app"]

log = logging.getLogger("nectar_emulators.comfyui")

# execution.SENSITIVE_EXTRA_DATA_KEYS: never stored in the queue or history.
_SENSITIVE_EXTRA = ("auth_token_comfy_org", "api_key_comfy_org")
_FILE_TYPES = ("input", "output", "temp")


def _emulator(request: Request | WebSocket) -> ComfyUIEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


def _server_error() -> Response:
    # What aiohttp answers when a handler raises (e.g. a body that is not JSON).
    return PlainTextResponse("500 Internal Server Error\n\nServer got itself in trouble",
                             status_code=500)


def _status_text(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return f"{status}: {phrase}"


async def _json_body(request: Request) -> Any:
    return json.loads(await request.body())


def is_canonical_uuid(value: Any) -> bool:
    """comfy_execution.jobs.validate_job_id: a lowercase, hyphenated UUID string."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


# Prompt and queue


async def post_prompt(request: Request) -> Response:
    """`POST /prompt`: validate the graph and queue it, or 400 with `node_errors`."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _server_error()
    if not isinstance(body, dict):
        return _server_error()
    if "number" in body:
        try:
            number: float = float(body["number"])
        except (TypeError, ValueError):
            return _server_error()
    else:
        number = -emulator.number if body.get("front") else emulator.number
        emulator.number += 1
    if "prompt" not in body:
        return JSONResponse({"error": {"type": "no_prompt", "message": "No prompt provided",
                                       "details": "No prompt provided", "extra_info": {}},
                             "node_errors": {}}, status_code=400)
    prompt = body["prompt"]
    client_prompt_id = body.get("prompt_id")
    if client_prompt_id is None:
        prompt_id = str(uuid.uuid4())
    elif is_canonical_uuid(client_prompt_id):
        prompt_id = client_prompt_id
    else:
        emulator.counters.prompts_rejected += 1
        return JSONResponse({"error": {
            "type": "invalid_prompt_id", "message": "prompt_id must be a valid UUID",
            "details": "prompt_id must be a UUID string in canonical lowercase hyphenated "
                       "form; omit it to let the server generate one",
            "extra_info": {}}, "node_errors": {}}, status_code=400)
    if not isinstance(prompt, dict):
        return _server_error()
    try:
        result = validate_prompt(prompt, NODE_CLASSES, emulator.inventory)
    except Exception:
        log.exception("validation crashed", extra={"prompt_id": prompt_id})
        return _server_error()
    extra_data = body.get("extra_data") if isinstance(body.get("extra_data"), dict) else {}
    extra_data = dict(extra_data)
    if "client_id" in body:
        extra_data["client_id"] = body["client_id"]
    if not result.ok:
        emulator.counters.prompts_rejected += 1
        log.info("invalid prompt", extra={"prompt_id": prompt_id,
                                          "error_type": result.error and result.error["type"],
                                          "node_errors": list(result.node_errors)})
        return JSONResponse({"error": result.error, "node_errors": result.node_errors},
                            status_code=400)
    for key in _SENSITIVE_EXTRA:
        extra_data.pop(key, None)
    extra_data["create_time"] = int(time.time() * 1000)
    emulator.seq += 1
    emulator.enqueue(QueueItem(number, prompt_id, prompt, extra_data, result.outputs,
                               emulator.seq))
    log.info("got prompt", extra={"prompt_id": prompt_id, "number": number,
                                  "client_id": extra_data.get("client_id")})
    return JSONResponse({"prompt_id": prompt_id, "number": number,
                         "node_errors": result.node_errors})


async def get_prompt(request: Request) -> Response:
    """`GET /prompt`: `{exec_info: {queue_remaining}}`."""
    return JSONResponse(_emulator(request).queue_info())


async def get_queue(request: Request) -> Response:
    """`GET /queue`: running and pending items as `[number, prompt_id, prompt, extra, outputs]`."""
    emulator = _emulator(request)
    running = [emulator.running.as_list()] if emulator.running is not None else []
    return JSONResponse({"queue_running": running,
                         "queue_pending": [item.as_list() for item in emulator.pending]})


async def post_queue(request: Request) -> Response:
    """`POST /queue {clear: true}` empties the pending queue; `{delete: [ids]}` removes those
    pending prompts (a running one is untouched: that takes /interrupt)."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _server_error()
    if not isinstance(body, dict):
        return _server_error()
    if body.get("clear"):
        emulator.wipe_queue()
    for prompt_id in body.get("delete") or []:
        emulator.delete_pending(prompt_id)
    return Response(status_code=200)


async def post_interrupt(request: Request) -> Response:
    """`POST /interrupt [{prompt_id}]`: without an id, whatever runs; with one, only if that
    prompt is the running one (else a no-op)."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        body = {}
    prompt_id = body.get("prompt_id") if isinstance(body, dict) else None
    if prompt_id:
        if not emulator.interrupt_if_running(str(prompt_id)):
            log.info(f"Prompt {prompt_id} is not currently running, skipping interrupt")
    else:
        emulator.interrupt_if_running(None)
    return Response(status_code=200)


async def post_free(request: Request) -> Response:
    """`POST /free {unload_models, free_memory}`: applied when the worker is between prompts."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _server_error()
    for flag in ("unload_models", "free_memory"):
        if isinstance(body, dict) and body.get(flag):
            emulator.flags[flag] = True
    emulator.changed.notify()
    return Response(status_code=200)


# History and jobs


async def get_history(request: Request) -> Response:
    """`GET /history[?max_items=&offset=]`: finished prompts, oldest first."""
    emulator = _emulator(request)
    try:
        max_items = int(request.query_params["max_items"]) \
            if "max_items" in request.query_params else None
        offset = int(request.query_params.get("offset", -1))
    except ValueError:
        return _server_error()
    if offset < 0 and max_items is not None:
        offset = len(emulator.history) - max_items
    out: dict[str, Any] = {}
    for index, (prompt_id, entry) in enumerate(emulator.history.items()):
        if index >= offset:
            out[prompt_id] = entry
            if max_items is not None and len(out) >= max_items:
                break
    return JSONResponse(out)


async def get_history_item(request: Request) -> Response:
    """`GET /history/{prompt_id}`: `{id: entry}` once finished, `{}` before (or if unknown)."""
    emulator = _emulator(request)
    prompt_id = request.path_params["prompt_id"]
    entry = emulator.history.get(prompt_id)
    return JSONResponse({prompt_id: entry} if entry is not None else {})


async def post_history(request: Request) -> Response:
    """`POST /history {clear: true}` or `{delete: [ids]}`."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _server_error()
    if isinstance(body, dict):
        if body.get("clear"):
            emulator.history.clear()
        for prompt_id in body.get("delete") or []:
            emulator.history.pop(prompt_id, None)
    return Response(status_code=200)


def _job(emulator: ComfyUIEmulator, prompt_id: str, full: bool) -> dict[str, Any] | None:
    """comfy_execution/jobs.py's unified job view of a queue item or history entry."""
    if emulator.running is not None and emulator.running.prompt_id == prompt_id:
        return _queue_job(emulator.running, "in_progress")
    for item in emulator.pending:
        if item.prompt_id == prompt_id:
            return _queue_job(item, "pending")
    entry = emulator.history.get(prompt_id)
    if entry is None:
        return None
    status = entry["status"]
    events = {event: data for event, data in status["messages"]}
    if status["status_str"] == "success":
        state = "completed"
    else:
        state = "cancelled" if "execution_interrupted" in events else "failed"
    end = next((events[e] for e in ("execution_success", "execution_error",
                                    "execution_interrupted") if e in events), None)
    images = [dict(img, nodeId=node, mediaType="images")
              for node, output in entry["outputs"].items() for img in output.get("images", [])]
    number, _, prompt, extra_data, _ = entry["prompt"]
    job: dict[str, Any] = {
        "id": prompt_id, "status": state, "priority": number,
        "create_time": extra_data.get("create_time"),
        "execution_start_time": events.get("execution_start", {}).get("timestamp"),
        "execution_end_time": end.get("timestamp") if end else None,
        "outputs_count": len(images),
        "preview_output": images[0] if images else None,
    }
    if "execution_error" in events:
        job["execution_error"] = events["execution_error"]
    if full:
        job.update(outputs=entry["outputs"], execution_status=status,
                   workflow={"prompt": prompt, "extra_data": extra_data})
    return {k: v for k, v in job.items() if v is not None}


def _queue_job(item: QueueItem, status: str) -> dict[str, Any]:
    return {"id": item.prompt_id, "status": status, "priority": item.number,
            "create_time": item.extra_data.get("create_time"), "outputs_count": 0}


async def get_jobs(request: Request) -> Response:
    """`GET /api/jobs[?status=&limit=&offset=]`: every job, newest first."""
    emulator = _emulator(request)
    ids = ([emulator.running.prompt_id] if emulator.running else []) + \
        [i.prompt_id for i in emulator.pending] + list(emulator.history)
    jobs = [job for pid in ids if (job := _job(emulator, pid, full=False)) is not None]
    wanted = request.query_params.get("status")
    if wanted:
        statuses = {s.strip() for s in wanted.split(",") if s.strip()}
        jobs = [job for job in jobs if job["status"] in statuses]
    jobs.sort(key=lambda job: job.get("create_time") or 0, reverse=True)
    try:
        offset = max(0, int(request.query_params.get("offset", 0)))
        limit = int(request.query_params["limit"]) if "limit" in request.query_params else None
    except ValueError:
        return JSONResponse({"error": "limit and offset must be integers"}, status_code=400)
    total = len(jobs)
    page = jobs[offset:] if limit is None else jobs[offset:offset + limit]
    return JSONResponse({"jobs": page, "pagination": {
        "offset": offset, "limit": limit, "total": total,
        "has_more": offset + len(page) < total}})


async def get_job(request: Request) -> Response:
    """`GET /api/jobs/{job_id}`: one job with outputs, or 404."""
    job = _job(_emulator(request), request.path_params["job_id"], full=True)
    if job is None:
        return JSONResponse({"error": "Job not found"}, status_code=404)
    return JSONResponse(job)


def _cancel(emulator: ComfyUIEmulator, prompt_id: str) -> bool:
    if emulator.running is not None and emulator.running.prompt_id == prompt_id:
        return emulator.interrupt_if_running(prompt_id)
    return emulator.delete_pending(prompt_id)


async def cancel_job(request: Request) -> Response:
    """`POST /api/jobs/{job_id}/cancel`: interrupt it if running, dequeue it if pending;
    `{"cancelled": false}` (still 200) for a finished or unknown id."""
    return JSONResponse({"cancelled": _cancel(_emulator(request),
                                              request.path_params["job_id"])})


async def cancel_jobs(request: Request) -> Response:
    """`POST /api/jobs/cancel {job_ids: [...]}`: best effort; malformed ids are a 400."""
    emulator = _emulator(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return JSONResponse({"error": "Request body must be valid JSON"}, status_code=400)
    job_ids = body.get("job_ids") if isinstance(body, dict) else None
    if not isinstance(job_ids, list):
        return JSONResponse({"error": "job_ids must be a list"}, status_code=400)
    invalid = [j if isinstance(j, str) else repr(j) for j in job_ids if not is_canonical_uuid(j)]
    if invalid:
        return JSONResponse({"error": "job_ids contains invalid id(s)", "invalid_ids": invalid},
                            status_code=400)
    cancelled = [_cancel(emulator, job_id) for job_id in job_ids]
    return JSONResponse({"cancelled": any(cancelled)})


# Files


def _inside(root: str, *parts: str) -> bool:
    base = os.path.abspath(os.path.join("/", root))
    path = os.path.abspath(os.path.join(base, *parts))
    return os.path.commonpath((base, path)) == base


async def view(request: Request) -> Response:
    """`GET /view?filename=&subfolder=&type=output|input|temp`: a stored file's bytes."""
    emulator = _emulator(request)
    query = request.query_params
    if "filename" not in query:
        return Response(status_code=404)
    filename = query["filename"]
    kind = query.get("type", "output")
    for annotation in _FILE_TYPES:
        if filename.endswith(f" [{annotation}]"):
            filename, kind = filename.removesuffix(f" [{annotation}]"), annotation
    if not filename or filename[0] == "/" or ".." in filename:
        return Response(status_code=400)
    if kind not in _FILE_TYPES:
        return Response(status_code=400)
    subfolder = query.get("subfolder", "")
    if not _inside(kind, subfolder):
        return Response(status_code=403)
    subfolder = os.path.normpath(subfolder) if subfolder else ""
    subfolder = "" if subfolder == "." else subfolder
    stored = emulator.files.get((kind, subfolder, os.path.basename(filename)))
    if stored is None:
        return Response(status_code=404)
    name = os.path.basename(filename)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(stored.data, media_type=content_type, headers={
        "Content-Disposition": f'filename="{name}"', "X-Content-Type-Options": "nosniff"})


async def upload_image(request: Request) -> Response:
    """`POST /upload/image` (multipart: image, overwrite, type, subfolder) -> {name, subfolder,
    type}. A different file under an existing name becomes "name (1).ext"; the same bytes
    keep the existing name."""
    emulator = _emulator(request)
    limit = int(emulator.settings.max_upload_size_mb * 1024 * 1024)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return PlainTextResponse("413: Request Entity Too Large", status_code=413)
    try:
        form = await request.form(max_part_size=limit)
    except Exception:  # noqa: BLE001 (multipart errors of every kind: a bad upload is a 400)
        return Response(status_code=400)
    image = form.get("image")
    if not isinstance(image, UploadFile) or not image.filename:
        return Response(status_code=400)
    kind = str(form.get("type") or "input")
    if kind not in _FILE_TYPES:
        return _server_error()
    subfolder = str(form.get("subfolder") or "")
    filename = image.filename
    if not _inside(kind, subfolder, filename) or "/" in filename or "\\" in filename:
        return Response(status_code=400)
    subfolder = os.path.normpath(subfolder) if subfolder else ""
    subfolder = "" if subfolder == "." else subfolder
    data = await image.read()
    if len(data) > limit:
        return PlainTextResponse("413: Request Entity Too Large", status_code=413)
    overwrite = str(form.get("overwrite") or "") in ("true", "1")
    digest = hashlib.sha256(data).hexdigest()
    stem, ext = os.path.splitext(filename)
    duplicate = False
    if not overwrite:
        index = 1
        while (existing := emulator.files.get((kind, subfolder, filename))) is not None:
            if existing.sha256 == digest:
                duplicate = True
                break
            filename = f"{stem} ({index}){ext}"
            index += 1
    if not duplicate:
        emulator.store_file(kind, subfolder, filename, data)
    log.info("upload", extra={"file_name": filename, "subfolder": subfolder, "type": kind,
                              "bytes": len(data), "duplicate": duplicate})
    return JSONResponse({"name": filename, "subfolder": subfolder, "type": kind})


# Inventory and health


async def object_info(request: Request) -> Response:
    """`GET /object_info`: every node class, combos listing the installed files."""
    emulator = _emulator(request)
    return JSONResponse({name: node_info(node, emulator.inventory)
                         for name, node in NODE_CLASSES.items()})


async def object_info_node(request: Request) -> Response:
    """`GET /object_info/{node_class}`: `{class: info}`, or `{}` for an unknown class."""
    emulator = _emulator(request)
    name = request.path_params["node_class"]
    node = NODE_CLASSES.get(name)
    return JSONResponse({name: node_info(node, emulator.inventory)} if node else {})


async def list_model_folders(_: Request) -> Response:
    """`GET /models`: the model folder names."""
    return JSONResponse(list(MODEL_FOLDERS))


async def list_models(request: Request) -> Response:
    """`GET /models/{folder}`: installed files of one folder, 404 for an unknown folder."""
    emulator = _emulator(request)
    folder = request.path_params["folder"]
    if folder not in emulator.inventory.models:
        return Response(status_code=404)
    return JSONResponse(emulator.inventory.files(folder))


async def embeddings(_: Request) -> Response:
    """`GET /embeddings`: none installed."""
    return JSONResponse([])


async def system_stats(request: Request) -> Response:
    """`GET /system_stats`: system facts and one CUDA device whose free VRAM reflects what
    is loaded (about 6.5 GiB for a checkpoint, 150 MiB per LoRA, 1 GiB per IP-Adapter file)."""
    emulator = _emulator(request)
    settings = emulator.settings
    total = settings.vram_total_mb * 1024 * 1024
    gpu = emulator.gpu
    used = (6_656 if gpu.checkpoint else 0) + 150 * len(gpu.loras) + 1_024 * len(gpu.aux)
    free = max(0, total - used * 1024 * 1024)
    return JSONResponse({
        "system": {
            "os": sys.platform, "ram_total": 68_719_476_736, "ram_free": 51_539_607_552,
            "comfyui_version": settings.comfyui_version,
            "required_frontend_version": "1.28.8",
            "python_version": sys.version, "pytorch_version": "2.8.0+cu128",
            "embedded_python": False,
            "argv": ["main.py", "--listen", settings.host, "--port", str(settings.port)],
            "emulator": {"worker_name": settings.worker_name, "machine": platform.machine()},
        },
        "devices": [{
            "name": settings.device_name, "type": "cuda", "index": 0,
            "vram_total": total, "vram_free": free,
            "torch_vram_total": used * 1024 * 1024, "torch_vram_free": 0,
        }],
    })


async def features(request: Request) -> Response:
    """`GET /features`: the server's feature flags."""
    emulator = _emulator(request)
    return JSONResponse(_server_features(emulator))


def _server_features(emulator: ComfyUIEmulator) -> dict[str, Any]:
    return {"supports_preview_metadata": False,
            "max_upload_size": int(emulator.settings.max_upload_size_mb * 1024 * 1024)}


# WebSocket


async def websocket_endpoint(websocket: WebSocket) -> None:
    """`/ws?clientId=`: a `status` frame (with `sid`) on connect, then the events of prompts
    queued with this client id plus broadcasts. Reusing a clientId takes over its events; a
    reconnecting client whose prompt is running is told the current node again."""
    emulator = _emulator(websocket)
    await websocket.accept()
    sid = websocket.query_params.get("clientId") or uuid.uuid4().hex
    emulator.sockets.pop(sid, None)
    connection = Connection(sid, websocket)
    emulator.sockets[sid] = connection
    connection.send(json.dumps({"type": "status",
                                "data": {"status": emulator.queue_info(), "sid": sid}}))
    if emulator.client_id == sid and emulator.last_node_id is not None:
        connection.send(json.dumps({"type": "executing",
                                    "data": {"node": emulator.last_node_id}}))
    first = True
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                continue
            with contextlib.suppress(ValueError, AttributeError):
                data = json.loads(text)
                if first and data.get("type") == "feature_flags":
                    connection.feature_flags = dict(data.get("data") or {})
                    connection.send(json.dumps({"type": "feature_flags",
                                                "data": _server_features(emulator)}))
            first = False
    except Exception as exc:  # noqa: BLE001 (a socket closed under us by a drop or restart)
        log.debug("websocket closed", extra={"sid": sid, "reason": repr(exc)})
    finally:
        if emulator.sockets.get(sid) is connection:
            del emulator.sockets[sid]
        connection.outbox.put_nowait(None)


# Faults and restarts in front of the ComfyUI routes


class FaultGate:
    """ASGI middleware: while "restarting" every ComfyUI route answers 503 and sockets are
    refused; a scripted `http_error` fault answers its status instead of the route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/_emulator") or path == "/healthz":
            await self.app(scope, receive, send)
            return
        emulator: ComfyUIEmulator = scope["app"].state.emulator
        status = None
        if emulator.is_down():
            status = 503
        else:
            fault = emulator.faults.take_http(path, scope.get("method", "GET"))
            if fault is not None:
                emulator.counters.http_faults += 1
                status = fault.spec.status
        if status is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1011})  # refused: HTTP 403
            return
        body = ("500 Internal Server Error\n\nServer got itself in trouble" if status == 500
                else _status_text(status))
        await PlainTextResponse(body, status_code=status)(scope, receive, send)


def _comfy_routes() -> list[BaseRoute]:
    plain: list[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]] = [
        ("/prompt", post_prompt, ["POST"]),
        ("/prompt", get_prompt, ["GET"]),
        ("/queue", get_queue, ["GET"]),
        ("/queue", post_queue, ["POST"]),
        ("/interrupt", post_interrupt, ["POST"]),
        ("/free", post_free, ["POST"]),
        ("/history", get_history, ["GET"]),
        ("/history", post_history, ["POST"]),
        ("/history/{prompt_id}", get_history_item, ["GET"]),
        ("/view", view, ["GET"]),
        ("/upload/image", upload_image, ["POST"]),
        ("/object_info", object_info, ["GET"]),
        ("/object_info/{node_class}", object_info_node, ["GET"]),
        ("/models", list_model_folders, ["GET"]),
        ("/models/{folder}", list_models, ["GET"]),
        ("/embeddings", embeddings, ["GET"]),
        ("/system_stats", system_stats, ["GET"]),
        ("/features", features, ["GET"]),
    ]
    routes: list[BaseRoute] = []
    for prefix in ("/api", ""):
        routes.append(WebSocketRoute(f"{prefix}/ws", websocket_endpoint))
        routes.extend(Route(prefix + path, handler, methods=methods)
                      for path, handler, methods in plain)
    routes += [
        Route("/api/jobs", get_jobs, methods=["GET"]),
        Route("/api/jobs/cancel", cancel_jobs, methods=["POST"]),
        Route("/api/jobs/{job_id}", get_job, methods=["GET"]),
        Route("/api/jobs/{job_id}/cancel", cancel_job, methods=["POST"]),
    ]
    return routes


def create_app(settings: ComfyUIEmulatorSettings | None = None) -> Starlette:
    """A fresh emulated worker; `app.state.emulator` is its state, `app.state.worker` the
    task that executes prompts (started by the lifespan)."""
    settings = settings or ComfyUIEmulatorSettings()
    emulator = ComfyUIEmulator(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = Worker(emulator)
        app.state.worker = worker
        worker.start()
        try:
            yield
        finally:
            await worker.stop()
            await emulator.drop_sockets(code=1001)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]),
                               *control_routes(), *_comfy_routes()]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(FaultGate)
    app.state.emulator = emulator
    app.state.settings = settings
    return app
