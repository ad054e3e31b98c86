"""Media integration wiring: emulated ComfyUI workers served in-process over their real
HTTP and WebSocket protocol (one can be killed mid-job), and pools on them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

from nectar_emulators.comfyui import ComfyUIEmulatorSettings, create_app
from nectar_media.adapters.pool import ComfyUIPool, PoolSettings
from nectar_media.domain import (
    ImageJob,
    ImageSize,
    LoraVersion,
    Progress,
    Reference,
    ShopItem,
    Tuning,
    plan_job,
)
from nectar_media.fakes import png

BASE = "sd_xl_base_1.0.safetensors"
MIRA = LoraVersion("mira", 2, BASE, "character_mira_v2.safetensors", "0" * 64, 0.85, ("mira",))
KAI = LoraVersion("kai", 1, BASE, "character_kai_v1.safetensors", "1" * 64, 0.85, ("kai",))
DRESS = ShopItem("red_dress", "Red dress", True, "k", "s", "wearing a red dress")
REFERENCE = png(48, 48, (200, 20, 40))


@dataclass
class Worker:
    """One emulated ComfyUI worker; `kill()` stops it the hard way (connections refused
    afterwards, the running prompt lost)."""

    name: str
    time_scale: float = 0.01
    server: uvicorn.Server | None = None
    task: asyncio.Task[None] | None = None
    sock: socket.socket | None = None
    port: int = 0
    app: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Worker:
        self.app = create_app(ComfyUIEmulatorSettings(worker_name=self.name,
                                                      time_scale=self.time_scale))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning",
                                                    lifespan="on", log_config=None,
                                                    timeout_graceful_shutdown=0.2))
        self.task = asyncio.create_task(self.server.serve(sockets=[self.sock]))
        while not self.server.started:
            await asyncio.sleep(0.01)
        return self

    async def kill(self) -> None:
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            self.server.force_exit = True
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self.task, 5)
            # force_exit skips the app's lifespan shutdown, which would leave its lifespan
            # task pending past this test's event loop, to be finalised by the garbage
            # collector later in whatever thread runs it (one such run crashed pytest with a
            # segfault while another thread collected): end it here, once the server is gone
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self.server.lifespan.shutdown(), 5)
        if self.sock is not None:
            self.sock.close()
        self.server = self.task = self.sock = None

    async def control(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            response = await client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json() if response.content else None

    async def counters(self) -> dict[str, Any]:
        return dict(await self.control("GET", "/_emulator/counters"))

    async def fault(self, **spec: Any) -> None:
        await self.control("POST", "/_emulator/faults", json=spec)


@pytest.fixture
async def workers() -> AsyncIterator[Callable[..., Awaitable[list[Worker]]]]:
    started: list[Worker] = []

    async def start(n: int = 2, time_scale: float = 0.01) -> list[Worker]:
        for i in range(n):
            started.append(await Worker(f"gpu-{chr(97 + len(started))}",
                                        time_scale=time_scale).start())
        return started[-n:]

    yield start
    for worker in started:
        await worker.kill()


@pytest.fixture
async def pools() -> AsyncIterator[Callable[..., Awaitable[ComfyUIPool]]]:
    made: list[ComfyUIPool] = []

    async def make(urls: list[str], **settings: Any) -> ComfyUIPool:
        values: dict[str, Any] = {"health_every_s": 0.3, "lost_after_s": 1.0,
                                  "http_timeout_s": 3.0, "silence_s": 2.0,
                                  "render_timeout_s": 30.0, "queue_timeout_s": 10.0}
        pool = ComfyUIPool(PoolSettings(urls=tuple(urls), **{**values, **settings}))
        await pool.start()
        made.append(pool)
        return pool

    yield make
    for pool in made:
        await pool.close()


def job(lora: LoraVersion = MIRA, *, item: bool = False, prompt: str = "at the beach",
        size: ImageSize = ImageSize(256, 256)) -> ImageJob:
    reference = Reference("red_dress", REFERENCE, hashlib.sha256(REFERENCE).hexdigest(), "png")
    return plan_job(job_id=uuid.uuid4(), user_id=1, character=lora.character, prompt=prompt,
                    size=size, lora=lora, item=DRESS if item else None,
                    tuning=Tuning(BASE, 0) if item else None,
                    reference=reference if item else None)


@dataclass
class Watch:
    """A render's progress reports and its cancel switch."""

    progress: list[Progress] = field(default_factory=list)
    cancel: bool = False

    def on_progress(self, progress: Progress) -> None:
        self.progress.append(progress)

    async def cancelled(self) -> bool:
        return self.cancel
