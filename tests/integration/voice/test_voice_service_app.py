"""The whole voice service (`create_app`) on real NATS JetStream, Redis and S3 (SeaweedFS),
Inworld through its emulator, Piper and espeak-ng for real: a request on the bus becomes an
OGG/Opus voice message in the bucket; Inworld down, the offline voice answers; the same reply
again is a cache hit; a free plan never reaches the paid provider."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import nats
import pytest
import soundfile as sf
from nats.js.api import DeliverPolicy
from nectar_contracts import Event, VoiceFailed, VoiceReady, VoiceRequested, parse_event, uuid7
from nectar_runtime import InfraSettings
from nectar_runtime.objectstore import S3ObjectStore
from nectar_runtime.testing import serve_app
from nectar_voice.app import create_app
from nectar_voice.settings import VoiceSettings
from pydantic import SecretStr

pytestmark = pytest.mark.integration

#: the credential the `inworld_server` fixture (conftest.py) accepts
INWORLD_KEY = "aW53b3JsZC10ZXN0LWtleQ=="


@asynccontextmanager
async def voice_service(infra, inworld_url: str, tmp_path,
                        **overrides) -> AsyncIterator[tuple[str, VoiceSettings]]:
    settings = VoiceSettings(
        infra=InfraSettings(nats_url=infra.nats_url, redis_url=infra.redis_url,
                            otel_spans_file=tmp_path / "spans.jsonl", backoff_base_s=0.05,
                            backoff_max_s=0.2),
        s3=infra.s3_settings(), bucket=f"voice-{uuid.uuid4().hex[:10]}",
        inworld_base_url=inworld_url, inworld_api_key=SecretStr(INWORLD_KEY),
        inworld_timeout_s=5, inworld_connect_retries=0, **overrides)
    app, _ = create_app(settings)
    async with serve_app(app) as url:
        yield url, settings


@pytest.fixture
async def js(infra) -> AsyncIterator:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


async def answer(js, event: VoiceRequested, timeout: float = 60) -> Event:
    """Publish the request; the first `voice_ready` or `voice_failed` for its user."""
    sub = await js.subscribe(f"nectar.voice.{event.user_id}.*", ordered_consumer=True,
                             deliver_policy=DeliverPolicy.NEW)
    try:
        await js.publish(event.subject, event.model_dump_json().encode(),
                         headers={"Nats-Msg-Id": str(event.event_id)})
        while True:
            out = parse_event((await sub.next_msg(timeout=timeout)).data)
            if isinstance(out, (VoiceReady, VoiceFailed)):
                assert out.causation_id == event.event_id
                return out
    finally:
        await sub.unsubscribe()


def request(user: int, text: str, plan: str = "premium", language: str = "en"
            ) -> VoiceRequested:
    return VoiceRequested.new(producer="llm", user_id=user, chat_id=user, character="luna",
                              session="1", text=text, language=language, plan=plan,
                              reply_event_id=uuid7())


async def fetch(settings: VoiceSettings, key: str) -> bytes:
    store = S3ObjectStore(settings.s3, settings.bucket)
    await store.start()
    try:
        return (await store.get(key)).data
    finally:
        await store.close()


def ogg_opus(data: bytes) -> float:
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS",
                                                                           48000, 1)
    return float(info.duration)


async def test_requests_become_voice_messages_with_fallback_and_cache(
        infra, inworld_server, control, js, tmp_path) -> None:
    user = random.randint(10**9, 2 * 10**9)
    async with voice_service(infra, inworld_server.url, tmp_path) as (url, settings):
        async with httpx.AsyncClient(base_url=url) as client:
            ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text

        # Inworld answers a paid plan, with its stage directions stripped
        first = await answer(js, request(user, "Hello there... *giggles* I missed you!"))
        assert isinstance(first, VoiceReady), first
        assert (first.provider, first.cache_hit, first.bucket) == ("inworld", False,
                                                                  settings.bucket)
        assert first.object_key.startswith(f"users/{user}/voice/")
        data = await fetch(settings, first.object_key)
        assert len(data) == first.size_bytes
        assert ogg_opus(data) == pytest.approx(first.duration_s, abs=0.01)
        [call] = (await control.get("/_emulator/calls")).json()["calls"]
        assert "giggles" not in call["body"]["text"] and "<break" in call["body"]["text"]
        assert first.billed_chars == call["characters"] > 0

        # the same reply for another user: from the cache, no call to Inworld
        other = random.randint(10**9, 2 * 10**9)
        hit = await answer(js, request(other, "Hello there... *giggles* I missed you!"))
        assert isinstance(hit, VoiceReady) and hit.cache_hit and hit.billed_chars == 0
        assert len((await control.get("/_emulator/calls")).json()["calls"]) == 1
        assert await fetch(settings, hit.object_key) == data

        # Inworld down: the offline neural voice answers
        await control.post("/_emulator/script", json={"behaviour": "http_503",
                                                      "times": None})
        down = await answer(js, request(user, "Are you still there? Talk to me."))
        assert isinstance(down, VoiceReady), down
        assert down.provider == "piper" and down.billed_chars == 0
        assert ogg_opus(await fetch(settings, down.object_key)) == pytest.approx(
            down.duration_s, abs=0.01)
        await control.delete("/_emulator/script")

        # a free plan has no Inworld characters: offline, and Turkish (no Inworld, no
        # Piper voice) reaches espeak-ng
        free = await answer(js, request(user, "Merhaba, nasılsın?", plan="free",
                                        language="tr"))
        assert isinstance(free, VoiceReady) and free.provider == "espeak"

        # nothing speakable: no voice, a reason the edge keeps quiet about
        empty = await answer(js, request(user, "*sighs* [laughs] 😀"))
        assert isinstance(empty, VoiceFailed) and empty.reason == "nothing_to_say"

        async with httpx.AsyncClient(base_url=url) as client:
            metrics = (await client.get("/metrics")).text
    assert 'nectar_voice_cache_lookups_total{engine="inworld",outcome="hit"}' in metrics
    assert 'nectar_voice_messages_total{engine="piper",rung="fallback"}' in metrics
