"""In-memory fakes of the media ports, for unit tests. They keep the rules of the real
adapters (the same contract tests run against both): a job renders the same picture for the
same seed, the picture is a real PNG of the job's size, keys follow S3's rules, a put
replaces, an outage raises the outage error."""

from __future__ import annotations

import asyncio
import hashlib
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from nectar_media.domain import (
    ContentBlocked,
    ImageJob,
    ObjectStoreUnavailable,
    RenderedImage,
    RenderFailed,
    StoredObject,
    check_object_key,
)


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
    prompt. `blocked` words make `ContentBlocked`; `failures` are raised by the next renders,
    one each; `delay_s` stands for the render time. `available=False` fails `check` (it is
    `Managed`, like the worker pool)."""

    blocked: Iterable[str] = ()
    failures: list[Exception] = field(default_factory=list)
    delay_s: float = 0.0
    available: bool = True
    jobs: list[ImageJob] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    started: bool = False

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def check(self) -> None:
        if not self.available:
            raise RenderFailed("fake renderer: no worker up")

    async def render(self, job: ImageJob) -> RenderedImage:
        self.jobs.append(job)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if self.failures:
                raise self.failures.pop(0)
            lowered = job.prompt.casefold()
            if any(word.casefold() in lowered for word in self.blocked):
                raise ContentBlocked("fake renderer: prompt blocked by the safety check")
            red, green, blue = hashlib.blake2b(f"{job.seed}:{job.prompt}".encode(),
                                               digest_size=3).digest()
            return RenderedImage(png(job.size.width, job.size.height, (red, green, blue)))
        finally:
            self.in_flight -= 1


@dataclass
class FakeObjectStore:
    """`ObjectStore` in a dict; `available=False` simulates an outage (every call raises
    `ObjectStoreUnavailable`)."""

    bucket: str = "nectar-media"
    available: bool = True
    objects: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    puts: int = 0

    def _check(self) -> None:
        if not self.available:
            raise ObjectStoreUnavailable("fake object store is down")

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        check_object_key(key)
        self._check()
        self.objects[key] = (bytes(data), content_type)
        self.puts += 1
        return StoredObject(key=key, url=f"memory://{self.bucket}/{key}")

    async def get(self, key: str) -> bytes | None:
        check_object_key(key)
        self._check()
        found = self.objects.get(key)
        return found[0] if found else None
