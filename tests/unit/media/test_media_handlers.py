"""The media handler against fakes of its ports: off, rendered and stored, refused, failed,
redelivered, and an object store outage."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prometheus_client import CollectorRegistry

from nectar_contracts import ImageFailed, ImageReady, ImageRequested
from nectar_media import handlers
from nectar_media.domain import (
    ContentBlocked,
    ImageSize,
    ObjectStoreUnavailable,
    RenderedImage,
    RenderFailed,
    RequestLimits,
    image_mime,
)
from nectar_media.fakes import FakeImageRenderer, FakeObjectStore
from nectar_media.handlers import Deps
from nectar_media.metrics import MediaMetrics
from nectar_runtime import outage_of

LIMITS = RequestLimits(max_prompt_chars=200, size=ImageSize(256, 320))


def _deps(renderer: FakeImageRenderer | None = None,
          store: FakeObjectStore | None = None) -> Deps:
    renderer = renderer or FakeImageRenderer()
    return Deps(metrics=MediaMetrics(CollectorRegistry()), limits=LIMITS, renderer=renderer,
                store=store or FakeObjectStore())


def _request(prompt: str = "a cat on the beach", user: int | None = None) -> ImageRequested:
    user = user or uuid.uuid4().int % 10**9 + 1
    return ImageRequested.new(producer="edge", user_id=user, chat_id=user, character="luna",
                              session="3", prompt=prompt, language="de")


def _count(deps: Deps, outcome: str) -> float:
    return deps.metrics.registry.get_sample_value(
        "nectar_media_requests_total", {"outcome": outcome}) or 0.0


async def test_off_answers_not_available_and_touches_nothing() -> None:
    deps = Deps(metrics=MediaMetrics(CollectorRegistry()), limits=LIMITS)
    request = _request()
    [failed] = await handlers.render_image(request, deps)
    assert isinstance(failed, ImageFailed)
    assert (failed.reason, failed.language, failed.chat_id, failed.session) == (
        "not_available", "de", request.chat_id, "3")
    assert "MEDIA_ENABLED" in failed.detail
    assert (failed.causation_id, failed.correlation_id) == (request.event_id,
                                                            request.correlation_id)
    assert _count(deps, "not_available") == 1


def test_a_renderer_without_a_store_is_refused() -> None:
    with pytest.raises(ValueError, match="object store"):
        Deps(metrics=MediaMetrics(CollectorRegistry()), renderer=FakeImageRenderer())


async def test_a_request_is_rendered_stored_and_answered_with_its_url() -> None:
    renderer, store = FakeImageRenderer(), FakeObjectStore()
    deps = _deps(renderer, store)
    request = _request("  a cat\non the beach ")
    [ready] = await handlers.render_image(request, deps)
    assert isinstance(ready, ImageReady)
    [job] = renderer.jobs
    assert (job.job_id, job.user_id, job.prompt, job.size) == (
        request.event_id, request.user_id, "a cat on the beach", ImageSize(256, 320))
    key = f"images/{request.user_id}/{request.event_id}.png"
    assert ready.url == f"memory://{store.bucket}/{key}"
    assert ready.mime_type == "image/png"
    assert (ready.chat_id, ready.character, ready.session) == (request.chat_id, "luna", "3")
    stored = await store.get(key)
    assert stored is not None and image_mime(stored) == "image/png"
    assert _count(deps, "ready") == 1
    assert deps.metrics.registry.get_sample_value("nectar_media_render_seconds_count") == 1


async def test_a_redelivered_request_renders_the_same_picture_into_the_same_object() -> None:
    renderer, store = FakeImageRenderer(), FakeObjectStore()
    deps = _deps(renderer, store)
    request = _request()
    first = await handlers.render_image(request, deps)
    data = dict(store.objects)
    second = await handlers.render_image(request, deps)
    [one], [two] = first, second                # same outcome, same event id
    assert one.model_dump(exclude={"occurred_at"}) == two.model_dump(exclude={"occurred_at"})
    assert store.objects == data                # one object, same bytes
    assert renderer.jobs[0] == renderer.jobs[1]  # same job, same seed


async def test_two_requests_with_one_prompt_are_two_pictures() -> None:
    store = FakeObjectStore()
    deps = _deps(store=store)
    user = 7_000_001
    for _ in range(2):
        await handlers.render_image(_request("a cat", user=user), deps)
    assert len(store.objects) == 2
    assert len({data for data, _ in store.objects.values()}) == 2  # seeds differ


async def test_outcomes_of_one_request_share_their_event_id() -> None:
    # a redelivery that fails where the first delivery succeeded is dropped by JetStream
    request = _request()
    [ready] = await handlers.render_image(request, _deps())
    broken = FakeImageRenderer(failures=[RenderFailed("worker lost")])
    [failed] = await handlers.render_image(request, _deps(broken))
    assert isinstance(failed, ImageFailed) and ready.event_id == failed.event_id


@pytest.mark.parametrize("prompt", ["   ", "x" * 201])
async def test_a_bad_prompt_is_refused_before_anything_renders(prompt: str) -> None:
    renderer, store = FakeImageRenderer(), FakeObjectStore()
    deps = _deps(renderer, store)
    [failed] = await handlers.render_image(_request(prompt), deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "refused"
    assert failed.detail.startswith("bad request:")
    assert renderer.jobs == [] and store.objects == {}
    assert _count(deps, "refused") == 1


async def test_a_blocked_prompt_is_refused_and_nothing_is_stored() -> None:
    renderer, store = FakeImageRenderer(blocked=["forbidden"]), FakeObjectStore()
    deps = _deps(renderer, store)
    [failed] = await handlers.render_image(_request("something FORBIDDEN here"), deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "refused"
    assert "content blocked" in failed.detail and store.objects == {}


@pytest.mark.parametrize("error", [RenderFailed("missing model sdxl.safetensors"),
                                   RenderFailed("worker timed out after 180 s")])
async def test_a_failed_render_is_answered_at_once(error: Exception) -> None:
    store = FakeObjectStore()
    deps = _deps(FakeImageRenderer(failures=[error]), store)
    [failed] = await handlers.render_image(_request(), deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "internal"
    assert str(error) in failed.detail and store.objects == {}
    assert _count(deps, "failed") == 1


async def test_output_that_is_not_an_image_is_a_failure_and_is_not_stored() -> None:
    class HtmlRenderer(FakeImageRenderer):
        async def render(self, job):  # a proxy's error page where a PNG should be
            return RenderedImage(b"<html><body>502 Bad Gateway</body></html>")

    store = FakeObjectStore()
    [failed] = await handlers.render_image(_request(), _deps(HtmlRenderer(), store))
    assert isinstance(failed, ImageFailed) and failed.reason == "internal"
    assert "not an image" in failed.detail and store.objects == {}


async def test_an_object_store_outage_raises_an_outage_the_runtime_retries() -> None:
    store = FakeObjectStore(available=False)
    deps = _deps(store=store)
    request = _request()
    with pytest.raises(ObjectStoreUnavailable) as caught:
        await handlers.render_image(request, deps)
    assert outage_of(caught.value) == "s3"  # retried for as long as it lasts, never parked
    store.available = True
    [ready] = await handlers.render_image(request, deps)  # the redelivery, after the outage
    assert isinstance(ready, ImageReady) and len(store.objects) == 1


async def test_requests_render_concurrently_up_to_what_the_runtime_lets_in() -> None:
    renderer = FakeImageRenderer(delay_s=0.05)
    deps = _deps(renderer)
    outcomes = await asyncio.gather(*(handlers.render_image(_request(), deps)
                                      for _ in range(4)))
    assert all(isinstance(out[0], ImageReady) for out in outcomes)
    assert renderer.most_in_flight == 4  # the handler adds no lock of its own


def test_content_blocked_is_not_an_outage() -> None:
    assert outage_of(ContentBlocked("nsfw")) is None
    assert outage_of(RenderFailed("worker died")) is None
