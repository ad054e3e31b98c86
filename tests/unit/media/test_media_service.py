"""How the media service is put together: settings, the composition root (`enabled` is
read), the subscriptions the runtime wires from the index, the seed, and startup that refuses
what it cannot do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from media_world import World, request
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from redis.asyncio import Redis

from nectar_contracts import (
    ImageCancelRequested,
    ImageFailed,
    ImageRequested,
    LoraActivated,
    LoraRegistered,
    ShopItemUpserted,
)
from nectar_media import handlers
from nectar_media.adapters.pool import ComfyUIPool
from nectar_media.app import create_app
from nectar_media.bootstrap import build_deps
from nectar_media.domain import ImageSize
from nectar_media.fakes import FakeEventPublisher, FakeImageRenderer, InMemoryObjectStore
from nectar_media.seeding import DEMO_FILE, SeedError, load_seed, missing_from
from nectar_media.settings import MediaSettings
from nectar_runtime import ConfigurationError, InfraSettings, Runtime

INFRA = InfraSettings(nats_url="nats://127.0.0.1:1", redis_url="redis://127.0.0.1:1/0",
                      instance_id="unit")
URLS = "http://gpu-a:8188, http://gpu-b:8188/"


def _settings(**values) -> MediaSettings:
    return MediaSettings(infra=INFRA, **values)


def _runtime() -> Runtime:
    return Runtime("media", INFRA, registry=CollectorRegistry(),
                   tracer_provider=TracerProvider())


def _redis() -> Redis:
    return Redis.from_url(INFRA.redis_url)


def test_settings_come_from_the_media_prefix(monkeypatch) -> None:
    monkeypatch.setenv("MEDIA_COMFYUI_URLS", URLS)
    monkeypatch.setenv("MEDIA_IMAGE_SIZE", "832 x 1216")
    monkeypatch.setenv("MEDIA_SCHEDULER", "least_queue")
    monkeypatch.setenv("MEDIA_BUCKET", "images-prod")
    settings = MediaSettings(infra=INFRA)
    assert settings.worker_urls == ("http://gpu-a:8188", "http://gpu-b:8188")
    assert settings.limits.size == ImageSize(832, 1216)
    assert (settings.scheduler, settings.bucket) == ("least_queue", "images-prod")


@pytest.mark.parametrize(("field", "value"), [("image_size", "1000x7"),
                                              ("scheduler", "random"),
                                              ("comfyui_urls", "gpu-a:8188"),
                                              ("jobs_per_worker", 0),
                                              ("max_prompt_chars", 0)])
def test_bad_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        _settings(**{field: value})


async def test_off_the_handler_never_touches_the_renderer_even_if_one_is_given() -> None:
    renderer, store = FakeImageRenderer(), InMemoryObjectStore()
    deps = build_deps(_settings(enabled=False), redis=_redis(),
                      publisher=FakeEventPublisher(), renderer=renderer, store=store,
                      registry=CollectorRegistry())
    [failed] = await handlers.render_image(request(), deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "not_available"
    assert renderer.jobs == [] and store.objects == {}
    assert deps.renderer is None and deps.store is None


def test_on_the_renderer_is_the_pool_on_the_configured_workers() -> None:
    deps = build_deps(_settings(comfyui_urls=URLS, jobs_per_worker=2), redis=_redis(),
                      publisher=FakeEventPublisher(), registry=CollectorRegistry())
    assert isinstance(deps.renderer, ComfyUIPool)
    assert [w.name for w in deps.renderer.workers] == ["gpu-a:8188", "gpu-b:8188"]
    assert deps.renderer.capacity() == 4
    assert deps.store is not None and deps.policy.bucket == "nectar-media"


def test_on_without_workers_startup_fails_saying_what_to_set() -> None:
    with pytest.raises(ConfigurationError, match="MEDIA_COMFYUI_URLS") as caught:
        build_deps(_settings(), redis=_redis(), publisher=FakeEventPublisher(),
                   registry=CollectorRegistry())
    assert "MEDIA_ENABLED=false" in str(caught.value)


def test_the_app_wires_the_index_with_the_pool_capacity_and_a_short_ack_wait() -> None:
    runtime = _runtime()
    create_app(_settings(comfyui_urls=URLS), runtime=runtime)
    consumers = {c.sub.name: c for c in runtime.consumers}
    assert set(consumers) == {
        "media-image_requested", "media-image_cancel_requested", "media-lora_registered",
        "media-lora_activated", "media-tuning_registered", "media-tuning_activated",
        "media-shop_item_upserted", "media-shop_item_removed", "media-user_deleted"}
    jobs = consumers["media-image_requested"]
    assert jobs.sub.events == (ImageRequested,)
    assert (jobs.sub.max_in_flight, jobs.sub.ack_wait_s) == (8, 30)  # 2 workers x 4
    assert jobs.heartbeat_s < jobs.sub.ack_wait_s  # a long render is heartbeated
    assert consumers["media-image_cancel_requested"].sub.events == (ImageCancelRequested,)
    assert consumers["media-lora_registered"].sub.deliver_all  # a projection reads it all
    assert not jobs.sub.deliver_all


def test_concurrent_renders_overrides_the_capacity() -> None:
    runtime = _runtime()
    create_app(_settings(comfyui_urls=URLS, concurrent_renders=1), runtime=runtime)
    [jobs] = [c for c in runtime.consumers if c.sub.name == "media-image_requested"]
    assert jobs.sub.max_in_flight == 1


def test_the_app_builds_without_connecting_anything() -> None:
    app, runtime = create_app(_settings(comfyui_urls=URLS, seed_file="demo"),
                              runtime=_runtime())
    assert app is not None and runtime.started is False


def test_python_m_refuses_to_start_without_workers() -> None:
    env = {**os.environ, "MEDIA_ENABLED": "true", "MEDIA_COMFYUI_URLS": "",
           "NECTAR_NATS_URL": "nats://127.0.0.1:1", "NECTAR_REDIS_URL": "redis://127.0.0.1:1/0"}
    done = subprocess.run([sys.executable, "-m", "nectar_media"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "nectar-media cannot start: MEDIA_ENABLED=true needs ComfyUI workers" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_seed_registers_the_local_stacks_characters_and_items() -> None:
    seed = load_seed(DEMO_FILE)
    loras = [e for e in seed.events if isinstance(e, LoraRegistered)]
    active = {e.character: e.version for e in seed.events if isinstance(e, LoraActivated)}
    assert {e.character for e in loras} == {"luna", "kai", "mira"} == set(active)
    assert active["mira"] == 2
    items = {e.item_id: e for e in seed.events if isinstance(e, ShopItemUpserted)}
    assert items["energy_drink"].visual is False and items["red_dress"].reference_key
    assert set(seed.references) == {i.reference_key for i in items.values() if i.visual}
    # dated in 2000 with ids from their content: publishing them again changes nothing
    assert all(e.occurred_at.year == 2000 for e in seed.events)
    assert [e.event_id for e in load_seed(DEMO_FILE).events] == \
        [e.event_id for e in seed.events]


async def test_the_seed_publishes_only_what_the_projection_lacks() -> None:
    world = await World().setup()  # luna v1 active; red_dress and energy_drink known
    events = load_seed(DEMO_FILE).events
    missing = await missing_from(events, world.deps)
    assert [e.item_id for e in missing if isinstance(e, ShopItemUpserted)] == ["pearl_necklace"]
    assert not any(isinstance(e, LoraActivated) and e.character == "luna" for e in missing)
    assert any(isinstance(e, LoraRegistered) and e.character == "mira" for e in missing)


def test_a_bad_seed_file_names_what_is_wrong(tmp_path) -> None:
    bad = tmp_path / "seed.toml"
    bad.write_text('[[item]]\nid = "x"\ntitle = "X"\nvisual = true\nreference = "no.png"\n')
    with pytest.raises(SeedError, match="seed file"):
        load_seed(bad)
