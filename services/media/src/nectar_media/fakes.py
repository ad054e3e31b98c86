"""In-memory fakes of the media ports, for unit tests. They keep the rules of the real
adapters (the same contract tests run against both where there is a real one): a job renders
the same picture for the same seed, the picture is a real PNG of the job's size, registry
writes are idempotent and commutative, the quota counts a job once, an outage raises the
outage error. Object storage is the runtime's `InMemoryObjectStore`."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import struct
import uuid
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from nectar_contracts import Event
from nectar_runtime import Unavailable
from nectar_runtime.objectstore import InMemoryObjectStore

from nectar_media.domain import (
    Activation,
    Cancelled,
    ContentBlocked,
    ImageJob,
    LoraVersion,
    MissingModel,
    Progress,
    RenderedImage,
    RenderFailed,
    ShopItem,
    Tuning,
)

__all__ = ["FakeCancelBoard", "FakeEventPublisher", "FakeImageRenderer", "FakeQuotaLedger",
           "FakeRegistry", "InMemoryObjectStore", "png"]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour (8-bit RGB, no interlace)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height, 1)) + chunk(b"IEND", b""))


@dataclass
class FakeImageRenderer:
    """`ImageRenderer` that paints a PNG of the job's size in a colour fixed by its seed and
    prompt. `installed` (None: everything) are the model files its workers have: a job
    needing another is `MissingModel`, as the pool answers. `blocked` words make
    `ContentBlocked`; `failures` are raised by the next renders, one each; `delay_s` stands
    for the render time, during which progress is reported and `cancelled()` asked, like
    the pool. `output` replaces the picture (e.g. bytes that are not an image)."""

    blocked: Iterable[str] = ()
    failures: list[Exception] = field(default_factory=list)
    delay_s: float = 0.0
    installed: set[str] | None = None
    output: bytes | None = None
    slots: int = 2
    available: bool = True
    jobs: list[ImageJob] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    started: bool = False

    def capacity(self) -> int:
        return self.slots

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def check(self) -> None:
        if not self.available:
            raise RenderFailed("fake renderer: no worker up")

    async def render(self, job: ImageJob, on_progress: Callable[[Progress], None],
                     cancelled: Callable[[], Awaitable[bool]]) -> RenderedImage:
        if self.installed is not None:
            missing = [f for f in (job.checkpoint, job.lora.file) if f not in self.installed]
            if missing:
                raise MissingModel(f"fake renderer: no worker has {missing}")
        self.jobs.append(job)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            on_progress(Progress("queued", 0))
            steps = 4
            for step in range(1, steps + 1):
                if await cancelled():
                    raise Cancelled(while_running=step > 1)
                if self.delay_s:
                    await asyncio.sleep(self.delay_s / steps)
                on_progress(Progress("sampling", 10 + 80 * step // steps, step, steps,
                                     "fake-worker"))
            if self.failures:
                raise self.failures.pop(0)
            lowered = job.prompt.casefold()
            if any(word.casefold() in lowered for word in self.blocked):
                raise ContentBlocked("fake renderer: prompt blocked by the safety check")
            red, green, blue = hashlib.blake2b(f"{job.seed}:{job.prompt}".encode(),
                                               digest_size=3).digest()
            data = self.output if self.output is not None else \
                png(job.size.width, job.size.height, (red, green, blue))
            return RenderedImage(data, worker="fake-worker", queue_s=0.0,
                                 render_s=self.delay_s, comfy_s=self.delay_s)
        finally:
            self.in_flight -= 1


@dataclass
class FakeRegistry:
    """`Registry` in dicts, with the projection's rules (see `RedisRegistry`)."""

    available: bool = True
    loras: dict[str, dict[int, LoraVersion]] = field(default_factory=dict)
    lora_logs: dict[str, dict[str, Activation]] = field(default_factory=dict)
    tuning: dict[str, dict[int, Tuning]] = field(default_factory=dict)
    tuning_logs: dict[str, dict[str, Activation]] = field(default_factory=dict)
    shop: dict[str, tuple[int, str, ShopItem | None]] = field(default_factory=dict)

    def _check(self) -> None:
        if not self.available:
            raise Unavailable("fake registry is down", dependency="redis")

    async def add_lora(self, lora: LoraVersion) -> bool:
        self._check()
        versions = self.loras.setdefault(lora.character, {})
        return versions.setdefault(lora.version, lora) == lora

    async def log_lora_activation(self, character: str, entry: Activation,
                                  event_id: str) -> None:
        self._check()
        self.lora_logs.setdefault(character, {})[event_id] = entry
        self.loras.setdefault(character, {})

    async def lora_versions(self, character: str) -> list[LoraVersion]:
        self._check()
        return sorted(self.loras.get(character, {}).values(), key=lambda x: x.version)

    async def lora_log(self, character: str) -> list[Activation]:
        self._check()
        return sorted(self.lora_logs.get(character, {}).values(), key=lambda a: a.at_ms)

    async def characters(self) -> list[str]:
        self._check()
        return sorted(set(self.loras) | set(self.lora_logs))

    async def add_tuning(self, tuning: Tuning) -> bool:
        self._check()
        versions = self.tuning.setdefault(tuning.base_model, {})
        return versions.setdefault(tuning.version, tuning) == tuning

    async def log_tuning_activation(self, base_model: str, entry: Activation,
                                    event_id: str) -> None:
        self._check()
        self.tuning_logs.setdefault(base_model, {})[event_id] = entry
        self.tuning.setdefault(base_model, {})

    async def tunings(self, base_model: str) -> list[Tuning]:
        self._check()
        return sorted(self.tuning.get(base_model, {}).values(), key=lambda t: t.version)

    async def tuning_log(self, base_model: str) -> list[Activation]:
        self._check()
        return sorted(self.tuning_logs.get(base_model, {}).values(), key=lambda a: a.at_ms)

    async def base_models(self) -> list[str]:
        self._check()
        return sorted(set(self.tuning) | set(self.tuning_logs))

    async def put_item(self, item: ShopItem | None, item_id: str, at_ms: int) -> bool:
        self._check()
        key = repr(item)
        old = self.shop.get(item_id)
        if old is not None and (old[0], old[1]) >= (at_ms, key):
            return False
        self.shop[item_id] = (at_ms, key, item)
        return True

    async def item(self, item_id: str) -> ShopItem | None:
        self._check()
        found = self.shop.get(item_id)
        return found[2] if found else None

    async def items(self) -> list[ShopItem]:
        self._check()
        return sorted((i for _, _, i in self.shop.values() if i), key=lambda i: i.item_id)


@dataclass
class FakeQuotaLedger:
    """`QuotaLedger` in a dict of sets."""

    spent: dict[tuple[int, dt.date], set[uuid.UUID]] = field(default_factory=dict)

    async def used(self, user_id: int, day: dt.date) -> int:
        return len(self.spent.get((user_id, day), set()))

    async def spend(self, user_id: int, day: dt.date, job_id: uuid.UUID) -> int:
        jobs = self.spent.setdefault((user_id, day), set())
        jobs.add(job_id)
        return len(jobs)


@dataclass
class FakeCancelBoard:
    """`CancelBoard` in a set."""

    cancelled: set[uuid.UUID] = field(default_factory=set)

    async def request(self, job_id: uuid.UUID) -> None:
        self.cancelled.add(job_id)

    async def requested(self, job_id: uuid.UUID) -> bool:
        return job_id in self.cancelled


@dataclass
class FakeEventPublisher:
    """`EventPublisher` into a list (`available=False`: publishing fails like NATS down)."""

    events: list[Event] = field(default_factory=list)
    available: bool = True

    async def publish(self, event: Event) -> None:
        if not self.available:
            raise Unavailable("fake bus is down", dependency="nats")
        self.events.append(event)
