"""One ComfyUI worker over its real protocol: HTTP for prompts, files, inventory, queue and
cancel; one WebSocket (`/ws?clientId=`) for the events of the prompts this client queued.

Checked against Comfy-Org/ComfyUI `server.py` and `execution.py` (see /work REFERENCES):
every route is also under `/api`; `POST /prompt` takes our own `prompt_id` (a canonical
lowercase UUID) on builds from mid-2025 and answers 400 `invalid_prompt_id` on older ones,
where we fall back to the id the server returns; a prompt ends with `execution_success`,
`execution_error` or `execution_interrupted`, then `executing {node: null}`; `/history/{id}`
is `{}` until it ends; `/api/jobs/{id}/cancel` exists on newer builds only, otherwise cancel
is `/queue {delete}` plus `/interrupt {prompt_id}`.

Errors: `WorkerUnreachable` (connection refused, timeout, a 5xx, a 503 while restarting),
`PromptRejected` (a 400 with `node_errors`; `missing` lists the model files it names as not
installed), `ProtocolError` (an answer that is not what ComfyUI sends).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("nectar.media.comfyui")

#: model folders and the loader node whose combo lists them (older builds lack /models)
_FOLDER_NODES = {"checkpoints": ("CheckpointLoaderSimple", "ckpt_name"),
                 "loras": ("LoraLoader", "lora_name")}


class ComfyUIError(Exception):
    """Something went wrong talking to a worker."""


class WorkerUnreachable(ComfyUIError):
    """The worker does not answer, or answers 5xx (a restart answers 503)."""


class ProtocolError(ComfyUIError):
    """An answer ComfyUI would not give."""


class PromptRejected(ComfyUIError):
    """`POST /prompt` answered 400: the graph did not validate."""

    def __init__(self, message: str, error: dict[str, Any], node_errors: dict[str, Any],
                 missing: list[str]) -> None:
        super().__init__(message)
        self.error = error
        self.node_errors = node_errors
        self.missing = missing


def _missing_files(node_errors: dict[str, Any]) -> list[str]:
    """The file names a 400 says are not installed (`value_not_in_list`)."""
    found = []
    for node in node_errors.values():
        for err in (node or {}).get("errors", []):
            if err.get("type") == "value_not_in_list":
                received = (err.get("extra_info") or {}).get("received_value")
                found.append(str(received) if received is not None else err.get("details", ""))
    return found


def worker_name(base_url: str) -> str:
    """A worker's name: host:port of its URL."""
    parts = urlsplit(base_url)
    return parts.netloc or base_url


@dataclass
class ComfyUIClient:
    """HTTP calls to one worker. `timeout_s` bounds each call (uploads and downloads get
    three times as long)."""

    base_url: str
    client_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    timeout_s: float = 10.0
    _http: httpx.AsyncClient | None = field(default=None, repr=False)
    #: False once the worker answered 404/405 to /api/jobs/{id}/cancel (an older build)
    jobs_api: bool = True
    #: False once the worker refused a client prompt_id (a build before mid-2025)
    client_prompt_ids: bool = True

    @property
    def name(self) -> str:
        return worker_name(self.base_url)

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.base_url.rstrip("/"),
                                           timeout=self.timeout_s,
                                           limits=httpx.Limits(max_connections=16))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _call(self, method: str, path: str, *, timeout: float | None = None,
                    **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, path, timeout=timeout or self.timeout_s,
                                               **kwargs)
        except httpx.HTTPError as exc:
            raise WorkerUnreachable(f"{self.name}: {type(exc).__name__}: {exc}"[:300]) from exc
        if response.status_code >= 500:
            raise WorkerUnreachable(f"{self.name}: {method} {path} answered "
                                    f"{response.status_code}")
        return response

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, path, **kwargs)
        if response.status_code != 200:
            raise ProtocolError(f"{self.name}: {method} {path} answered "
                                f"{response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError as exc:
            raise ProtocolError(f"{self.name}: {method} {path}: not JSON") from exc

    # health and inventory

    async def system_stats(self) -> dict[str, Any]:
        stats = await self._json("GET", "/system_stats")
        if not isinstance(stats, dict) or "devices" not in stats:
            raise ProtocolError(f"{self.name}: /system_stats without devices")
        return stats

    async def queue(self) -> tuple[list[list[Any]], list[list[Any]]]:
        """(running, pending) items: `[number, prompt_id, prompt, extra_data, outputs]`."""
        data = await self._json("GET", "/queue")
        return list(data.get("queue_running") or []), list(data.get("queue_pending") or [])

    async def models(self, folder: str) -> list[str]:
        """Installed files of a model folder (`/models/{folder}`; `/object_info` of its
        loader node on builds without that route)."""
        response = await self._call("GET", f"/models/{folder}")
        if response.status_code == 200:
            return [str(name) for name in response.json()]
        node, field_name = _FOLDER_NODES[folder]
        info = await self._json("GET", f"/object_info/{node}")
        combo = info.get(node, {}).get("input", {}).get("required", {}).get(field_name, [[]])
        return [str(name) for name in (combo[0] if combo and isinstance(combo[0], list)
                                       else [])]

    async def history(self, prompt_id: str) -> dict[str, Any] | None:
        """The finished prompt's history entry, or None while it is unknown or running."""
        data = await self._json("GET", f"/history/{prompt_id}")
        entry = data.get(prompt_id) if isinstance(data, dict) else None
        return entry if isinstance(entry, dict) else None

    async def last_history(self) -> dict[str, Any] | None:
        """The most recently finished prompt of any client, or None."""
        data = await self._json("GET", "/history", params={"max_items": 1})
        if isinstance(data, dict) and data:
            entry = list(data.values())[-1]
            return entry if isinstance(entry, dict) else None
        return None

    # jobs

    async def upload_image(self, data: bytes, filename: str) -> str:
        """Upload an input image; the name ComfyUI stored it under (the same bytes keep
        their name; other bytes under a taken name are renamed)."""
        response = await self._call(
            "POST", "/upload/image", timeout=self.timeout_s * 3,
            files={"image": (filename, data, "application/octet-stream")},
            data={"type": "input", "overwrite": "false"})
        if response.status_code != 200:
            raise ProtocolError(f"{self.name}: upload answered {response.status_code}")
        body = response.json()
        name = str(body.get("name") or "")
        subfolder = str(body.get("subfolder") or "")
        if not name:
            raise ProtocolError(f"{self.name}: upload answered without a name")
        return f"{subfolder}/{name}" if subfolder else name

    async def submit(self, graph: dict[str, Any], prompt_id: str) -> str:
        """Queue `graph` for this client; the prompt id it runs under (ours, unless the
        worker is too old to take it)."""
        body: dict[str, Any] = {"prompt": graph, "client_id": self.client_id}
        if self.client_prompt_ids:
            body["prompt_id"] = prompt_id
        response = await self._call("POST", "/prompt", json=body)
        if response.status_code == 400:
            try:
                data = response.json()
            except ValueError:
                data = {}
            error = data.get("error") or {}
            if error.get("type") == "invalid_prompt_id" and self.client_prompt_ids:
                self.client_prompt_ids = False
                return await self.submit(graph, prompt_id)
            node_errors = data.get("node_errors") or {}
            raise PromptRejected(f"{self.name}: prompt rejected: {error.get('message', '')} "
                                 f"{json.dumps(node_errors)[:300]}", error, node_errors,
                                 _missing_files(node_errors))
        if response.status_code != 200:
            raise ProtocolError(f"{self.name}: /prompt answered {response.status_code}")
        try:
            return str(response.json()["prompt_id"])
        except (ValueError, KeyError) as exc:
            raise ProtocolError(f"{self.name}: /prompt answered without a prompt_id") from exc

    async def view(self, image: dict[str, Any]) -> bytes:
        """The bytes of an output image `{filename, subfolder, type}`."""
        params = {"filename": str(image.get("filename", "")),
                  "subfolder": str(image.get("subfolder", "")),
                  "type": str(image.get("type", "output"))}
        response = await self._call("GET", "/view", params=params, timeout=self.timeout_s * 3)
        if response.status_code != 200:
            raise ProtocolError(f"{self.name}: /view {params['filename']!r} answered "
                                f"{response.status_code}")
        return response.content

    async def cancel(self, prompt_id: str) -> None:
        """Stop a prompt, queued or running: `/api/jobs/{id}/cancel` where the build has it,
        else `/queue {delete}` and `/interrupt {prompt_id}`."""
        if self.jobs_api:
            response = await self._call("POST", f"/api/jobs/{prompt_id}/cancel")
            if response.status_code == 200:
                return
            if response.status_code in (404, 405):
                self.jobs_api = False
        await self._call("POST", "/queue", json={"delete": [prompt_id]})
        await self._call("POST", "/interrupt", json={"prompt_id": prompt_id})


Listener = Callable[[str, dict[str, Any]], None]


class EventStream:
    """The worker's WebSocket: reconnects by itself (backoff up to 5 s) and hands every
    JSON event of a prompt to `dispatch(type, data)`; binary frames (previews) are dropped.
    `connected` tells the pool whether events can be trusted to arrive; on every (re)connect
    `on_connect()` runs, so waiters can check what they may have missed."""

    def __init__(self, client: ComfyUIClient, dispatch: Listener,
                 on_connect: Callable[[bool], Awaitable[None]] | None = None) -> None:
        self.client = client
        self.dispatch = dispatch
        self.on_connect = on_connect
        self.connected = False
        self.drops = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        parts = urlsplit(self.client.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/ws?clientId=" \
               f"{self.client.client_id}"

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"comfyui-ws-{self.client.name}")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self.connected = False

    async def _run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        delay = 0.25
        first = True
        while True:
            try:
                async with connect(self.url, open_timeout=5, ping_interval=20,
                                   ping_timeout=20, max_size=None) as ws:
                    self.connected = True
                    delay = 0.25
                    if self.on_connect is not None:
                        await self.on_connect(first)
                    first = False
                    async for frame in ws:
                        if isinstance(frame, bytes):
                            continue
                        try:
                            message = json.loads(frame)
                        except ValueError:
                            continue
                        if isinstance(message, dict) and isinstance(message.get("data"), dict):
                            self.dispatch(str(message.get("type")), message["data"])
            except asyncio.CancelledError:
                raise
            except (TimeoutError, OSError, WebSocketException) as exc:
                log.debug("websocket closed", extra={"worker": self.client.name,
                                                     "error": repr(exc)[:200]})
            except Exception:
                log.exception("websocket reader failed", extra={"worker": self.client.name})
            if self.connected:
                self.drops += 1
            self.connected = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
