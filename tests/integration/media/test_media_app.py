"""The media service end to end on real NATS, Redis and S3 (SeaweedFS) with two emulated
ComfyUI workers: the demo seed projected, a request answered with an image in the bucket
and progress on the way, cancel, quota, and the operator commands (LoRA versions with
rollback, tuning, shop items, prerender with the preview cache)."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from conftest import REFERENCE
from nats.js.api import DeliverPolicy
from PIL import Image

from nectar_contracts import ImageCancelRequested, ImageRequested
from nectar_media import admin
from nectar_media.app import create_app
from nectar_media.settings import MediaSettings
from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3ObjectStore
from nectar_runtime.testing import serve_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def media(infra, workers) -> AsyncIterator[MediaSettings]:  # type: ignore[no-untyped-def]
    a, b = await workers(2, time_scale=0.02)
    settings = MediaSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            backoff_base_s=0.05, backoff_max_s=0.2),
        s3=infra.s3_settings(), comfyui_urls=f"{a.url},{b.url}",
        # one bucket for every test: SeaweedFS gives each bucket its own volumes, and the
        # test server has few (keys are unique per test anyway)
        bucket="media-it", seed_file="demo",
        image_size="256x256", preview_size="256x384", progress_every_s=0.2,
        health_every_s=0.3, worker_lost_after_s=1.0)
    app, _ = create_app(settings)
    async with serve_app(app):
        await _projected(settings)
        yield settings


async def _projected(settings: MediaSettings, timeout: float = 20) -> None:
    """Wait until the demo seed is in the projection."""
    async with asyncio.timeout(timeout):
        while True:
            rows = {row["character"]: row for row in await admin.lora_list(settings)}
            items = {item["item_id"] for item in await admin.items_list(settings)}
            if rows.get("mira", {}).get("active") == 2 and "red_dress" in items:
                return
            await asyncio.sleep(0.2)


class Outcomes:
    """A user's media events, from JetStream."""

    def __init__(self, nats_url: str, user: int) -> None:
        self.nats_url, self.user = nats_url, user
        self.items: list[dict[str, Any]] = []

    async def __aenter__(self) -> Outcomes:
        self.nc = await nats.connect(self.nats_url)
        self.js = self.nc.jetstream()
        self.sub = await self.js.subscribe(f"nectar.media.{self.user}.>",
                                           ordered_consumer=True,
                                           deliver_policy=DeliverPolicy.NEW)
        self.task = asyncio.create_task(self._pump())
        return self

    async def _pump(self) -> None:
        while True:
            msg = await self.sub.next_msg(timeout=60)
            self.items.append(json.loads(msg.data))

    async def publish(self, event: Any) -> None:
        await self.js.publish(event.subject, event.model_dump_json().encode(),
                              headers={"Nats-Msg-Id": str(event.event_id)})

    async def wait(self, kind: str, timeout: float = 60) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                found = [e for e in self.items if e["type"] == f"media.{kind}"]
                if found:
                    return found[0]
                await asyncio.sleep(0.05)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.items if e["type"] == f"media.{kind}"]

    async def __aexit__(self, *exc: object) -> None:
        self.task.cancel()
        await self.nc.close()


def _request(user: int, **fields: Any) -> ImageRequested:
    values: dict[str, Any] = {"chat_id": user, "character": "mira", "session": "1",
                              "job_id": uuid.uuid4(), "prompt": "at the beach",
                              "language": "en", "plan": "premium", "status_message_id": 9,
                              **fields}
    return ImageRequested.new(producer="telegram_edge", user_id=user, **values)


async def _object(settings: MediaSettings, key: str) -> bytes:
    store = S3ObjectStore(settings.s3, bucket=settings.bucket)
    await store.start()
    try:
        return (await store.get(key)).data
    finally:
        await store.close()


def _shown(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as image:
        return json.dumps(image.text.get("nectar_emulator", ""))


def _user() -> int:
    return uuid.uuid4().int % 10**9 + 10**6


async def test_a_request_is_answered_with_an_image_in_the_bucket_and_progress(media) -> None:  # type: ignore[no-untyped-def]
    user = _user()
    async with Outcomes(media.infra.nats_url, user) as bus:
        request = _request(user, item_id="red_dress", prompt="at a party")
        await bus.publish(request)
        ready = await bus.wait("image_ready")
    assert ready["job_id"] == str(request.job_id) and ready["status_message_id"] == 9
    assert ready["object_key"].startswith(f"users/{user}/images/")
    assert (ready["bucket"], ready["lora_version"], ready["tuning_version"]) == (
        media.bucket, 2, 1)
    data = await _object(media, ready["object_key"])
    shown = _shown(data)
    assert "character_mira_v2" in shown and "weight 0.4" in shown and "at a party" in shown
    progress = bus.of("image_progress")
    assert progress and all(p["job_id"] == str(request.job_id) for p in progress)
    assert bus.items.index(progress[-1]) < bus.items.index(ready)


async def test_cancel_stops_the_job_and_the_user_hears_it(media) -> None:  # type: ignore[no-untyped-def]
    user = _user()
    async with Outcomes(media.infra.nats_url, user) as bus:
        request = _request(user, prompt="a slow one")
        # both workers hang at step 3 until interrupted: the job is running when cancelled
        for url in media.worker_urls:
            async with httpx.AsyncClient(base_url=url) as client:
                await client.post("/_emulator/faults", json={
                    "kind": "hang", "node": "KSampler", "at_step": 3, "interruptible": True})
        await bus.publish(request)
        await bus.wait("image_progress")
        await asyncio.sleep(0.5)
        await bus.publish(ImageCancelRequested.new(producer="telegram_edge", user_id=user,
                                                   job_id=request.job_id,
                                                   correlation_id=request.correlation_id))
        cancelled = await bus.wait("image_cancelled")
        assert cancelled["while_running"] is True and cancelled["job_id"] == str(request.job_id)
        assert not bus.of("image_ready") and not bus.of("image_failed")
        for url in media.worker_urls:
            async with httpx.AsyncClient(base_url=url) as client:
                await client.delete("/_emulator/faults")


async def test_a_free_plan_gets_the_quota_answer_without_a_render(media) -> None:  # type: ignore[no-untyped-def]
    user = _user()
    async with Outcomes(media.infra.nats_url, user) as bus:
        await bus.publish(_request(user, plan="free"))
        failed = await bus.wait("image_failed")
        await bus.publish(_request(user, item_id="energy_drink"))
        await asyncio.sleep(0.5)
        second = [e for e in bus.of("image_failed") if e is not failed]
    assert failed["reason"] == "quota"
    assert second and second[0]["reason"] == "not_visual"


async def test_operators_version_loras_roll_back_tune_and_add_items(media, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    character = f"op{uuid.uuid4().hex[:6]}"
    await admin.lora_add(media, character=character, base_model="sd_xl_base_1.0.safetensors",
                         file="character_kai_v1.safetensors", sha256="a" * 64,
                         activate=True)
    await admin.lora_add(media, character=character, base_model="sd_xl_base_1.0.safetensors",
                         file="character_luna_v3.safetensors", sha256="b" * 64,
                         trigger_words=("glowing",), activate=True)
    with pytest.raises(admin.AdminError, match="immutable"):
        await admin.lora_add(media, character=character, base_model="x.safetensors",
                             file="y.safetensors", sha256="c" * 64, version=2)
    with pytest.raises(admin.AdminError, match="no LoRA version 9"):
        await admin.lora_activate(media, character, 9)
    [row] = await admin.lora_list(media, character)
    assert (row["active"], row["rollback_to"]) == (2, 1)
    user = _user()
    async with Outcomes(media.infra.nats_url, user) as bus:
        await bus.publish(_request(user, character=character))
        first = await bus.wait("image_ready")
        await admin.lora_rollback(media, character, note="v2 drifted")
        await bus.publish(_request(user, character=character))
        async with asyncio.timeout(30):
            while len(bus.of("image_ready")) < 2:
                await asyncio.sleep(0.05)
        second = bus.of("image_ready")[1]
    assert (first["lora_version"], second["lora_version"]) == (2, 1)
    assert "character_luna_v3" in _shown(await _object(media, first["object_key"]))
    assert "character_kai_v1" in _shown(await _object(media, second["object_key"]))
    with pytest.raises(admin.AdminError, match="nothing to roll back"):
        await admin.lora_rollback(media, character)

    base = f"base-{uuid.uuid4().hex[:6]}.safetensors"
    await admin.tuning_add(media, base_model=base, weight=0.3, end_at=0.75)
    await admin.tuning_add(media, base_model=base, weight=0.35, end_at=0.8)
    await admin.tuning_rollback(media, base)
    [tuning] = await admin.tuning_list(media, base)
    assert tuning["active"] == 1 and tuning["active_tuning"]["weight"] == 0.3
    assert admin.tuning_warnings(0.7, 0.95)  # outside the seed's ranges: said
    assert admin.tuning_warnings(0.35, 0.8) == []

    image = tmp_path / "hat.png"
    image.write_bytes(REFERENCE)
    text = tmp_path / "hat.txt"
    text.write_text("not an image")
    with pytest.raises(admin.AdminError, match="not a PNG"):
        await admin.items_add(media, item_id="hat", title="Hat", visual=True, reference=text)
    event = await admin.items_add(media, item_id="straw_hat", title="Straw hat", visual=True,
                                  reference=image, prompt_hint="wearing a straw hat")
    assert await _object(media, event.reference_key) == REFERENCE  # type: ignore[attr-defined]
    assert "straw_hat" in {i["item_id"] for i in await admin.items_list(media)}


async def test_prerender_renders_each_visual_item_once_then_serves_the_cache(media) -> None:  # type: ignore[no-untyped-def]
    done: list[Any] = []
    first = await admin.prerender(media, "kai", timeout_s=60, on_done=done.append)
    items = {r.item_id: r.outcome for r in first}
    assert items["red_dress"] == items["pearl_necklace"] == "ready"
    assert "energy_drink" not in items  # not visual: never rendered
    assert len(done) == len(first)
    again = await admin.prerender(media, "kai", timeout_s=60)
    assert {r.outcome for r in again} == {"cached"}
    key = next(r.detail for r in first if r.item_id == "red_dress")
    assert key == "previews/kai/red_dress/lora-v1-tuning-v1.png"
    assert "character_kai_v1" in _shown(await _object(media, key))
    with pytest.raises(admin.AdminError, match="unknown character"):
        await admin.prerender(media, "nobody")
