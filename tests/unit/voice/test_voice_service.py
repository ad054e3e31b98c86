"""The voice service while voice is off: every request answered `not_available`, startup
refused when switched on (no speech engine exists yet), and the subscription the runtime
wires from the index."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from nectar_contracts import VoiceFailed, VoiceRequested, uuid7
from nectar_runtime import ConfigurationError, InfraSettings, Runtime
from nectar_voice import handlers
from nectar_voice.app import create_app
from nectar_voice.bootstrap import build_deps
from nectar_voice.settings import VoiceSettings

INFRA = InfraSettings(nats_url="nats://127.0.0.1:1", redis_url="redis://127.0.0.1:1/0",
                      instance_id="unit")


def _request(language: str = "ja") -> VoiceRequested:
    return VoiceRequested.new(producer="llm", user_id=9, chat_id=9, character="luna",
                              session="2", text="おやすみなさい…", language=language,
                              reply_event_id=uuid7())


async def test_off_every_request_is_answered_not_available_in_its_language() -> None:
    deps = build_deps(VoiceSettings(infra=INFRA))
    request = _request()
    [failed] = await handlers.synthesize_voice(request, deps)
    assert isinstance(failed, VoiceFailed)
    assert (failed.reason, failed.language, failed.chat_id, failed.character,
            failed.session) == ("not_available", "ja", 9, "luna", "2")
    assert "VOICE_ENABLED" in failed.detail
    assert (failed.causation_id, failed.correlation_id) == (request.event_id,
                                                            request.correlation_id)


async def test_a_redelivered_request_is_answered_with_the_same_event_id() -> None:
    deps = build_deps(VoiceSettings(infra=INFRA))
    request = _request()
    [first] = await handlers.synthesize_voice(request, deps)
    [again] = await handlers.synthesize_voice(request, deps)
    [other] = await handlers.synthesize_voice(_request(), deps)
    assert first.event_id == again.event_id != other.event_id


def test_on_startup_fails_saying_what_to_set(monkeypatch) -> None:
    monkeypatch.setenv("VOICE_ENABLED", "true")
    settings = VoiceSettings(infra=INFRA)
    assert settings.enabled
    with pytest.raises(ConfigurationError, match="VOICE_ENABLED=true needs a speech engine"):
        create_app(settings, runtime=Runtime("voice", INFRA, registry=CollectorRegistry(),
                                             tracer_provider=TracerProvider()))


def test_the_app_wires_one_consumer_from_the_index_with_long_job_options() -> None:
    runtime = Runtime("voice", INFRA, registry=CollectorRegistry(),
                      tracer_provider=TracerProvider())
    create_app(VoiceSettings(infra=INFRA), runtime=runtime)
    [consumer] = runtime.consumers
    assert consumer.sub.name == "voice-voice_requested"  # never renamed
    assert consumer.sub.events == (VoiceRequested,)
    assert (consumer.sub.max_in_flight, consumer.sub.ack_wait_s) == (8, 30)
    assert runtime.started is False  # nothing connected
