"""How the media service is put together: settings, the composition root (`enabled` is
read), the subscription the runtime wires from the index, and startup that refuses what it
cannot do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from pydantic import ValidationError

from nectar_contracts import ImageFailed, ImageRequested
from nectar_media import handlers
from nectar_media.app import create_app
from nectar_media.bootstrap import build_deps
from nectar_media.domain import ImageSize
from nectar_media.fakes import FakeImageRenderer, FakeObjectStore
from nectar_media.settings import MediaSettings
from nectar_runtime import ConfigurationError, InfraSettings, Runtime

INFRA = InfraSettings(nats_url="nats://127.0.0.1:1", redis_url="redis://127.0.0.1:1/0",
                      instance_id="unit")


def _settings(**values) -> MediaSettings:
    return MediaSettings(infra=INFRA, **values)


def _runtime() -> Runtime:
    return Runtime("media", INFRA, registry=CollectorRegistry(),
                   tracer_provider=TracerProvider())


def _request() -> ImageRequested:
    return ImageRequested.new(producer="edge", user_id=5, chat_id=5, character="luna",
                              session="1", prompt="a cat", language="en")


def test_settings_come_from_the_media_prefix(monkeypatch) -> None:
    monkeypatch.setenv("MEDIA_ENABLED", "true")
    monkeypatch.setenv("MEDIA_IMAGE_SIZE", "832 x 1216")
    monkeypatch.setenv("MEDIA_CONCURRENT_RENDERS", "4")
    settings = MediaSettings(infra=INFRA)
    assert settings.enabled and settings.concurrent_renders == 4
    assert settings.image_size == "832x1216"
    assert settings.limits.size == ImageSize(832, 1216)


@pytest.mark.parametrize(("field", "value"), [("image_size", "1000x7"),
                                              ("concurrent_renders", 0),
                                              ("max_prompt_chars", 0)])
def test_bad_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        _settings(**{field: value})


async def test_off_the_handler_never_touches_the_renderer_even_if_one_is_given() -> None:
    renderer, store = FakeImageRenderer(), FakeObjectStore()
    deps = build_deps(_settings(enabled=False), renderer=renderer, store=store,
                      registry=CollectorRegistry())
    [failed] = await handlers.render_image(_request(), deps)
    assert isinstance(failed, ImageFailed) and failed.reason == "not_available"
    assert renderer.jobs == [] and store.objects == {}


async def test_on_with_adapters_the_request_is_rendered_with_the_settings_limits() -> None:
    renderer = FakeImageRenderer()
    deps = build_deps(_settings(enabled=True, image_size="512x768", max_prompt_chars=5),
                      renderer=renderer, store=FakeObjectStore(),
                      registry=CollectorRegistry())
    await handlers.render_image(_request(), deps)
    assert renderer.jobs[0].size == ImageSize(512, 768)
    [refused] = await handlers.render_image(
        _request().model_copy(update={"prompt": "a cats"}), deps)
    assert isinstance(refused, ImageFailed) and "at most 5" in refused.detail


@pytest.mark.parametrize(("given", "missing"), [
    ({}, "an image renderer and an object store"),
    ({"renderer": FakeImageRenderer()}, "needs an object store"),
    ({"store": FakeObjectStore()}, "needs an image renderer"),
])
def test_on_without_adapters_startup_fails_saying_what_to_set(given: dict,
                                                              missing: str) -> None:
    with pytest.raises(ConfigurationError, match="MEDIA_ENABLED=true") as caught:
        build_deps(_settings(enabled=True), registry=CollectorRegistry(), **given)
    assert missing in str(caught.value)
    assert "MEDIA_ENABLED=false" in str(caught.value)


def test_the_app_wires_one_consumer_from_the_index_with_the_pool_capacity() -> None:
    runtime = _runtime()
    create_app(_settings(concurrent_renders=3), runtime=runtime)
    [consumer] = runtime.consumers
    assert consumer.sub.name == "media-image_requested"  # never renamed: see handlers
    assert consumer.sub.events == (ImageRequested,)
    assert (consumer.sub.max_in_flight, consumer.sub.ack_wait_s) == (3, 30)
    assert consumer.heartbeat_s < consumer.sub.ack_wait_s  # a long render is heartbeated


def test_the_app_builds_without_connecting_anything() -> None:
    # the infra points at closed ports: building must not try them
    app, runtime = create_app(_settings(), runtime=_runtime())
    assert app is not None and runtime.started is False


def test_python_m_refuses_to_start_when_on_without_adapters() -> None:
    env = {**os.environ, "MEDIA_ENABLED": "true", "NECTAR_NATS_URL": "nats://127.0.0.1:1",
           "NECTAR_REDIS_URL": "redis://127.0.0.1:1/0"}
    done = subprocess.run([sys.executable, "-m", "nectar_media"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "nectar-media cannot start: MEDIA_ENABLED=true needs" in done.stderr
    assert "Traceback" not in done.stderr
