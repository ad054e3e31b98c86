"""The media handlers against fakes of their ports: every outcome of a job, what is stored
and counted, progress, cancel, previews and their cache, the registries' projection."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from media_world import DRESS, LUNA_V1, LUNA_V2, REFERENCE, World, request

from nectar_contracts import (
    ImageCancelled,
    ImageCancelRequested,
    ImageFailed,
    ImageProgress,
    ImageReady,
    LoraActivated,
    LoraRegistered,
    ShopItemRemoved,
    ShopItemUpserted,
    TuningActivated,
    TuningRegistered,
)
from nectar_media import handlers
from nectar_media.catalog import active_lora, active_tuning
from nectar_media.fakes import FakeImageRenderer
from nectar_media.domain import (
    Activation,
    ContentBlocked,
    ImageSize,
    Interrupted,
    MissingModel,
    RenderFailed,
    RenderTimeout,
    image_mime,
    png_size,
)
from nectar_runtime import outage_of
from nectar_runtime.objectstore import ObjectStoreUnavailable


async def _world(**fields) -> World:
    return await World(**fields).setup()


async def test_off_answers_not_available_and_touches_nothing() -> None:
    world = await _world(enabled=False)
    event = request()
    [failed] = await handlers.render_image(event, world.deps)
    assert isinstance(failed, ImageFailed)
    assert (failed.reason, failed.language, failed.chat_id, failed.job_id) == (
        "not_available", "de", event.chat_id, event.job_id)
    assert "MEDIA_ENABLED" in failed.detail
    assert (failed.causation_id, failed.correlation_id) == (event.event_id,
                                                            event.correlation_id)
    assert world.renderer.jobs == []


async def test_a_picture_is_rendered_with_the_active_lora_stored_by_content_and_answered() -> None:
    world = await _world()
    event = request("  a cat\non the beach ", status_message_id=77)
    [ready] = await handlers.render_image(event, world.deps)
    assert isinstance(ready, ImageReady)
    [job] = world.renderer.jobs
    assert job.lora == LUNA_V1 and job.checkpoint == LUNA_V1.base_model
    assert job.prompt == "luna, a cat on the beach"  # the trigger word, then the user's words
    assert (job.size, job.item, job.tuning) == (ImageSize(256, 320), None, None)
    data = (await world.store.get(ready.object_key)).data
    assert ready.object_key.startswith(f"users/{event.user_id}/images/")
    assert ready.object_key.endswith(".png") and image_mime(data) == "image/png"
    assert (ready.width, ready.height) == png_size(data) == (256, 320)
    assert (ready.bucket, ready.seed, ready.worker, ready.base_model, ready.lora_version,
            ready.tuning_version) == ("nectar-media", job.seed, "fake-worker",
                                      LUNA_V1.base_model, 1, None)
    assert (ready.status_message_id, ready.caption, ready.kind) == (77, "a cat on the beach",
                                                                   "chat")
    assert world.count("ready") == 1
    assert await world.quota.used(event.user_id, world.now.date()) == 1


async def test_a_redelivered_job_renders_the_same_picture_and_counts_once() -> None:
    world = await _world()
    event = request()
    [first] = await handlers.render_image(event, world.deps)
    [again] = await handlers.render_image(event, world.deps)
    assert (first.event_id, first.object_key, first.seed) == (
        again.event_id, again.object_key, again.seed)
    assert len(world.store.objects) == 2  # the reference and one picture
    assert await world.quota.used(event.user_id, world.now.date()) == 1


async def test_a_rollback_renders_with_the_version_before() -> None:
    world = await _world()
    await world.registry.log_lora_activation("luna", Activation(2, 2_000), "e2")
    await handlers.render_image(request(), world.deps)
    await world.registry.log_lora_activation("luna", Activation(1, 3_000, rollback=True), "e3")
    await handlers.render_image(request(), world.deps)
    assert [job.lora for job in world.renderer.jobs] == [LUNA_V2, LUNA_V1]


@pytest.mark.parametrize(("fields", "detail"), [
    ({"prompt": "   "}, "empty"),
    ({"prompt": "x" * 201}, "at most 200"),
    ({"size": "1000x7"}, "multiple of 8"),
    ({"size": "2048x2048"}, "pixels"),
    ({"character": "nobody"}, "unknown character"),
    ({"item_id": "no_such_item"}, "unknown shop item"),
    ({"kind": "shop_preview"}, "needs an item"),
])
async def test_bad_input_is_refused_before_anything_is_queued(fields: dict, detail: str) -> None:
    world = await _world()
    [failed] = await handlers.render_image(request(**fields), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "bad_input"
    assert detail in failed.detail
    assert world.renderer.jobs == [] and world.count("bad_input") == 1


async def test_a_non_visual_item_never_reaches_the_pipeline() -> None:
    world = await _world()
    [failed] = await handlers.render_image(request(item_id="energy_drink"), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "not_visual"
    assert world.renderer.jobs == []


@pytest.mark.parametrize(("reference", "detail"), [
    (None, "missing from the store"),
    (b"<html>not an image</html>", "not a PNG, JPEG or WebP"),
    (REFERENCE + b"\0" * (10 * 1024 * 1024), "at most"),
])
async def test_a_bad_reference_image_is_bad_input(reference: bytes | None, detail: str) -> None:
    world = await _world()
    key = DRESS.reference_key or ""
    if reference is None:
        await world.store.delete(key)
    else:
        await world.store.put(key, reference, "image/png")
    [failed] = await handlers.render_image(request(item_id="red_dress"), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "bad_input"
    assert detail in failed.detail and world.renderer.jobs == []


async def test_an_item_is_drawn_with_its_reference_and_the_base_models_tuning() -> None:
    world = await _world()
    [ready] = await handlers.render_image(request("at a party", item_id="red_dress"),
                                          world.deps)
    [job] = world.renderer.jobs
    assert job.reference is not None and job.reference.data == REFERENCE
    assert job.tuning is not None and job.tuning.version == 0  # the built-in default
    assert (job.tuning.weight, job.tuning.end_at) == (0.4, 0.8)
    assert job.prompt == "luna, at a party, wearing a red dress"
    assert isinstance(ready, ImageReady) and ready.tuning_version == 0
    assert ready.item_id == "red_dress"


async def test_the_daily_quota_of_the_plan_refuses_before_rendering_and_failures_spend_none(
) -> None:
    world = await _world()
    user = 4242
    world.renderer.failures.append(RenderFailed("worker out of memory"))
    [failed] = await handlers.render_image(request(user=user, plan="basic"), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "worker_error"
    for _ in range(5):  # basic: 5 images a day
        [ready] = await handlers.render_image(request(user=user, plan="basic"), world.deps)
        assert isinstance(ready, ImageReady)
    [refused] = await handlers.render_image(request(user=user, plan="basic"), world.deps)
    assert isinstance(refused, ImageFailed) and refused.reason == "quota"
    assert "5 of 5" in refused.detail and len(world.renderer.jobs) == 6
    [free] = await handlers.render_image(request(plan="free"), world.deps)
    assert isinstance(free, ImageFailed) and free.reason == "quota"
    world.now += dt.timedelta(days=1)  # a new UTC day
    [ready] = await handlers.render_image(request(user=user, plan="basic"), world.deps)
    assert isinstance(ready, ImageReady)


@pytest.mark.parametrize(("error", "reason"), [
    (MissingModel("no worker has it"), "missing_model"),
    (ContentBlocked("nsfw filter"), "content_blocked"),
    (RenderTimeout("not done after 300 s"), "timeout"),
    (Interrupted("interrupted on gpu-a"), "cancelled"),
    (RenderFailed("execution error"), "worker_error"),
])
async def test_each_render_failure_is_answered_with_its_reason(error: Exception,
                                                               reason: str) -> None:
    world = await _world()
    world.renderer.failures.append(error)
    [failed] = await handlers.render_image(request(), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == reason
    assert str(error) in failed.detail
    assert len(world.store.objects) == 1  # only the reference: nothing stored


async def test_output_that_is_not_an_image_is_a_worker_error_and_is_not_stored() -> None:
    world = await _world(renderer=FakeImageRenderer(output=b"\x89PNG but truncated"))
    [failed] = await handlers.render_image(request(), world.deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "worker_error"
    assert "not an image" in failed.detail and len(world.store.objects) == 1


async def test_outcomes_of_one_job_share_their_event_id() -> None:
    world = await _world()
    event = request()
    [ready] = await handlers.render_image(event, world.deps)
    world.renderer.failures.append(RenderFailed("boom"))
    [failed] = await handlers.render_image(event, world.deps)
    await world.cancels.request(event.job_id)
    [cancelled] = await handlers.render_image(event, world.deps)
    assert ready.event_id == failed.event_id == cancelled.event_id


async def test_a_job_cancelled_before_its_turn_is_answered_without_rendering() -> None:
    world = await _world()
    event = request()
    assert await handlers.cancel_image(ImageCancelRequested.new(
        producer="telegram_edge", user_id=event.user_id, job_id=event.job_id), world.deps) == []
    [cancelled] = await handlers.render_image(event, world.deps)
    assert isinstance(cancelled, ImageCancelled) and cancelled.while_running is False
    assert world.renderer.jobs == []
    assert await world.quota.used(event.user_id, world.now.date()) == 0


async def test_a_running_job_stops_when_cancelled_and_spends_nothing() -> None:
    world = await _world()
    world.renderer.delay_s = 0.4
    event = request()
    task = asyncio.create_task(handlers.render_image(event, world.deps))
    await asyncio.sleep(0.15)
    await handlers.cancel_image(ImageCancelRequested.new(
        producer="telegram_edge", user_id=event.user_id, job_id=event.job_id), world.deps)
    [cancelled] = await task
    assert isinstance(cancelled, ImageCancelled) and cancelled.while_running is True
    assert await world.quota.used(event.user_id, world.now.date()) == 0


async def test_progress_is_published_while_rendering_with_ids_from_the_request() -> None:
    world = await _world(progress_every_s=0.05)
    world.renderer.delay_s = 0.4
    event = request(status_message_id=5)
    await handlers.render_image(event, world.deps)
    progress = [e for e in world.publisher.events if isinstance(e, ImageProgress)]
    assert 2 <= len(progress) <= 9  # throttled: not one per step callback
    assert all(p.causation_id == event.event_id and p.status_message_id == 5
               and p.job_id == event.job_id for p in progress)
    assert len({p.event_id for p in progress}) == len(progress)
    percents = [p.percent for p in progress]
    assert percents == sorted(percents)


async def test_a_failing_bus_does_not_fail_the_job_for_progress() -> None:
    world = await _world(progress_every_s=0.02)
    world.renderer.delay_s = 0.1
    world.publisher.available = False
    [ready] = await handlers.render_image(request(), world.deps)
    assert isinstance(ready, ImageReady)


async def test_a_shop_preview_is_rendered_once_then_served_from_the_cache() -> None:
    world = await _world()
    preview = {"kind": "shop_preview", "item_id": "red_dress", "prompt": "", "user": 0,
               "chat_id": 0}
    [first] = await handlers.render_image(request(**preview), world.deps)
    [second] = await handlers.render_image(request(**preview), world.deps)
    assert isinstance(first, ImageReady) and isinstance(second, ImageReady)
    assert (first.cached, second.cached) == (False, True)
    assert first.object_key == second.object_key == \
        "previews/luna/red_dress/lora-v1-tuning-v0.png"
    assert (second.seed, second.width, second.height, second.worker) == (
        first.seed, 256, 384, "fake-worker")
    assert len(world.renderer.jobs) == 1
    assert second.caption == "Red dress"
    # a new LoRA version (or a rollback away from one) never serves the old preview
    await world.registry.log_lora_activation("luna", Activation(2, 5_000), "e5")
    [third] = await handlers.render_image(request(**preview), world.deps)
    assert third.object_key == "previews/luna/red_dress/lora-v2-tuning-v0.png"
    assert not third.cached and len(world.renderer.jobs) == 2


async def test_an_object_store_outage_raises_an_outage_the_runtime_retries() -> None:
    world = await _world()
    world.store.available = False
    with pytest.raises(ObjectStoreUnavailable) as caught:
        await handlers.render_image(request(item_id="red_dress"), world.deps)
    assert outage_of(caught.value) == "s3"


def test_content_blocked_is_not_an_outage() -> None:
    assert outage_of(ContentBlocked("x")) is None


async def test_the_projection_handlers_build_the_registries() -> None:
    world = World()
    deps = world.deps
    registered = LoraRegistered.new(
        producer="media", user_id=0, character="mira", version=1, base_model="xl.safetensors",
        file="mira_v1.safetensors", sha256="d" * 64, strength=0.9, trigger_words=["mira"])
    activated = LoraActivated.new(producer="media", user_id=0, character="mira", version=1)
    # projected out of order, and twice: the same state
    for event in (activated, registered, registered, activated):
        assert await getattr(handlers, {LoraRegistered: "project_lora_registered",
                                        LoraActivated: "project_lora_activated"}
                             [type(event)])(event, deps) == []
    version, lora = await active_lora(world.registry, "mira")
    assert version == 1 and lora is not None and lora.trigger_words == ("mira",)
    await handlers.project_tuning_registered(TuningRegistered.new(
        producer="media", user_id=0, base_model="xl.safetensors", version=1, weight=0.35,
        end_at=0.75), deps)
    await handlers.project_tuning_activated(TuningActivated.new(
        producer="media", user_id=0, base_model="xl.safetensors", version=1), deps)
    tuning_version, tuning = await active_tuning(world.registry, "xl.safetensors")
    assert tuning_version == 1 and tuning is not None and tuning.weight == 0.35
    upserted = ShopItemUpserted.new(producer="media", user_id=0, item_id="hat", title="Hat",
                                    visual=False)
    removed = ShopItemRemoved.new(producer="media", user_id=0, item_id="hat").model_copy(
        update={"occurred_at": upserted.occurred_at + dt.timedelta(seconds=1)})
    await handlers.project_item_removed(removed, deps)
    await handlers.project_item_upserted(upserted, deps)  # older: the removal stays
    assert await world.registry.item("hat") is None


async def test_a_preview_sidecar_records_how_it_was_drawn() -> None:
    world = await _world()
    [ready] = await handlers.render_image(request(kind="shop_preview", item_id="red_dress",
                                                  prompt=""), world.deps)
    meta = json.loads((await world.store.get(ready.object_key + ".json")).data)
    assert meta == {"worker": "fake-worker", "seed": ready.seed, "width": 256, "height": 384,
                    "render_s": 0.0}


async def test_a_deleted_users_images_are_erased_and_nobody_elses() -> None:
    from nectar_contracts import UserDeleted

    world = await World().setup()
    await world.store.put("users/41/images/a.png", b"a", "image/png")
    await world.store.put("users/41/images/b.png", b"b", "image/png")
    await world.store.put("users/410/images/c.png", b"c", "image/png")
    event = UserDeleted.new(producer="billing", user_id=41, reason="user request")
    assert await handlers.forget_user(event, world.deps) == []
    assert await world.store.list("users/41/") == []
    assert await world.store.list("users/410/") == ["users/410/images/c.png"]
    assert await world.store.exists(DRESS.reference_key or "")  # the catalog stays
    assert await handlers.forget_user(event, world.deps) == []  # a redelivery: nothing left
