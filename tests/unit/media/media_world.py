"""The media handlers' world for unit tests: `Deps` on fakes, with a registry holding a
character (luna, LoRA v1 active), a visual item with its reference image in the store and a
non-visual one."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry

from nectar_contracts import ImageRequested
from nectar_media.domain import Activation, LoraVersion, RequestLimits, ImageSize, ShopItem
from nectar_media.fakes import (
    FakeCancelBoard,
    FakeEventPublisher,
    FakeImageRenderer,
    FakeQuotaLedger,
    FakeRegistry,
    InMemoryObjectStore,
    png,
)
from nectar_media.handlers import Deps, JobPolicy
from nectar_media.metrics import MediaMetrics

BASE = "sd_xl_base_1.0.safetensors"
LUNA_V1 = LoraVersion("luna", 1, BASE, "character_luna_v1.safetensors", "a" * 64, 0.85,
                      ("luna",))
LUNA_V2 = LoraVersion("luna", 2, BASE, "character_luna_v2.safetensors", "b" * 64, 0.8,
                      ("luna",))
REFERENCE = png(64, 64, (200, 20, 40))
DRESS = ShopItem("red_dress", "Red dress", True, "catalog/items/red_dress/ref.png", "c" * 64,
                 "wearing a red dress")
DRINK = ShopItem("energy_drink", "Energy drink", False)
LIMITS = RequestLimits(max_prompt_chars=200, size=ImageSize(256, 320))
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class World:
    renderer: FakeImageRenderer = field(default_factory=FakeImageRenderer)
    store: InMemoryObjectStore = field(default_factory=InMemoryObjectStore)
    registry: FakeRegistry = field(default_factory=FakeRegistry)
    quota: FakeQuotaLedger = field(default_factory=FakeQuotaLedger)
    cancels: FakeCancelBoard = field(default_factory=FakeCancelBoard)
    publisher: FakeEventPublisher = field(default_factory=FakeEventPublisher)
    metrics: MediaMetrics = field(default_factory=lambda: MediaMetrics(CollectorRegistry()))
    enabled: bool = True
    progress_every_s: float = 0.01
    now: dt.datetime = NOW

    async def setup(self) -> World:
        await self.registry.add_lora(LUNA_V1)
        await self.registry.add_lora(LUNA_V2)
        await self.registry.log_lora_activation("luna", Activation(1, 1_000), "e1")
        await self.registry.put_item(DRESS, DRESS.item_id, 1_000)
        await self.registry.put_item(DRINK, DRINK.item_id, 1_000)
        await self.store.put(DRESS.reference_key or "", REFERENCE, "image/png")
        return self

    @property
    def deps(self) -> Deps:
        return Deps(metrics=self.metrics, registry=self.registry, quota=self.quota,
                    cancels=self.cancels, publisher=self.publisher, limits=LIMITS,
                    policy=JobPolicy(progress_every_s=self.progress_every_s,
                                     preview_size="256x384"),
                    renderer=self.renderer if self.enabled else None,
                    store=self.store if self.enabled else None, clock=lambda: self.now)

    def count(self, outcome: str) -> float:
        return self.metrics.registry.get_sample_value(
            "nectar_media_requests_total", {"outcome": outcome}) or 0.0


def request(prompt: str = "a cat on the beach", *, user: int | None = None,
            **fields: Any) -> ImageRequested:
    user = user or uuid.uuid4().int % 10**9 + 1
    values: dict[str, Any] = {"chat_id": user, "character": "luna", "session": "3",
                              "prompt": prompt, "language": "de", "plan": "premium",
                              "job_id": uuid.uuid4(), **fields}
    return ImageRequested.new(producer="telegram_edge", user_id=user, **values)
