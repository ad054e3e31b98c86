"""The voice service's handlers against fakes: a request becomes a stored OGG/Opus voice
message, the audio cache (a hit: no engine call, no budget), the budget per plan and the
global ceiling (spent: the offline engine answers), the failures the user must hear about,
erasure of a user's audio, and the assembly (switches, configuration errors, the index)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import soundfile as sf
from nectar_contracts import UserDeleted, VoiceFailed, VoiceReady, VoiceRequested, uuid7
from nectar_contracts.plans import load_plan_catalog
from nectar_runtime import ConfigurationError, InfraSettings, Runtime
from nectar_runtime.objectstore import InMemoryObjectStore, ObjectStoreUnavailable
from nectar_voice import handlers
from nectar_voice.app import create_app
from nectar_voice.bootstrap import build_deps
from nectar_voice.domain import EngineCaps, TransientSynthesisError
from nectar_voice.domain.storage import cache_object
from nectar_voice.fakes import FakeCharacterBudget, FakeSpeechEngine
from nectar_voice.handlers import Deps
from nectar_voice.settings import VoiceSettings
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

INFRA = InfraSettings(nats_url="nats://127.0.0.1:1", redis_url="redis://127.0.0.1:1/0",
                      instance_id="unit")
NOW = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
DAY = "2026-05-31"
REPLY = "Hi! I missed you... *laughs* How was your day?"


def settings(**overrides: object) -> VoiceSettings:
    return VoiceSettings(infra=INFRA, inworld_api_key=SecretStr("k"), **overrides)


class World:
    """The service's handlers over fake engines (named like the real ones, so the shipped
    catalog applies), an in-memory object store and in-memory budget counters."""

    def __init__(self, **overrides: object) -> None:
        self.inworld = FakeSpeechEngine(name="inworld")
        self.piper = FakeSpeechEngine(name="piper", bills=False, caps=EngineCaps(
            languages=frozenset({"en"}), ssml=False))
        self.espeak = FakeSpeechEngine(name="espeak", bills=False, caps=EngineCaps(
            languages=frozenset({"en", "ru", "tr", "uk", "ja"}), ssml=False))
        self.store = InMemoryObjectStore()
        self.budget = FakeCharacterBudget()
        deps = build_deps(settings(**overrides), store=self.store, budget=self.budget,
                          engines=[self.inworld, self.piper, self.espeak],
                          registry=CollectorRegistry())
        assert deps.budget is not None
        self.deps = replace(deps, budget=replace(deps.budget, clock=lambda: NOW))

    def calls(self) -> dict[str, int]:
        return {e.name: len(e.calls) for e in (self.inworld, self.piper, self.espeak)}

    async def spent(self, user: int) -> tuple[int, int]:
        return await self.budget.spent(engine="inworld", user_id=user, day=DAY)


def request(user: int = 9, text: str = REPLY, language: str = "en", plan: str = "premium",
            character: str = "luna") -> VoiceRequested:
    return VoiceRequested.new(producer="llm", user_id=user, chat_id=user, character=character,
                              session="2", text=text, language=language, plan=plan,
                              reply_event_id=uuid7())


async def speak(world: World, event: VoiceRequested) -> VoiceReady | VoiceFailed:
    [out] = await handlers.synthesize_voice(event, world.deps)
    assert isinstance(out, (VoiceReady, VoiceFailed))
    assert (out.causation_id, out.correlation_id) == (event.event_id, event.correlation_id)
    assert (out.chat_id, out.character, out.session) == (event.chat_id, event.character,
                                                         event.session)
    return out


# --- a request in, a voice message out ---------------------------------------------------

async def test_a_reply_becomes_a_stored_ogg_opus_message_in_the_users_prefix() -> None:
    world = World()
    event = request(user=41)
    ready = await speak(world, event)
    assert isinstance(ready, VoiceReady)
    assert ready.object_key.startswith("users/41/voice/") and ready.bucket == "nectar-voice"
    assert (ready.provider, ready.voice, ready.cache_hit) == ("inworld", "Olivia", False)
    assert ready.reply_event_id == event.reply_event_id and ready.language == "en"
    stored = world.store.objects[ready.object_key]
    assert stored.content_type == "audio/ogg" and len(stored.data) == ready.size_bytes
    info = sf.info(io.BytesIO(stored.data))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS",
                                                                           48000, 1)
    assert ready.duration_s == pytest.approx(info.duration, abs=0.01)
    # the stage direction never reached the engine; what it billed was counted
    [sent] = world.inworld.texts()
    assert "laughs" not in sent and "<break" in sent
    assert ready.billed_chars == len(sent) and await world.spent(41) == (len(sent), len(sent))
    # the shared cache holds the same audio
    shared = [k for k in world.store.objects if k.startswith("voice/cache/")]
    assert len(shared) == 1 and world.store.objects[shared[0]].data == stored.data


async def test_the_same_reply_again_is_a_cache_hit_without_engine_or_budget() -> None:
    world = World()
    first = await speak(world, request(user=42))
    before = (world.calls(), list(world.budget.reservations))
    second = await speak(world, request(user=43, text="Hi!  I missed you...  *laughs* "
                                                      "How was your day?"))  # spacing differs
    assert isinstance(first, VoiceReady) and isinstance(second, VoiceReady)
    assert (second.cache_hit, second.billed_chars, second.provider) == (True, 0, "inworld")
    assert (world.calls(), world.budget.reservations) == before  # no call, no budget
    assert await world.spent(43) == (0, first.billed_chars)
    assert second.object_key.startswith("users/43/voice/")
    assert world.store.objects[second.object_key].data == \
        world.store.objects[first.object_key].data
    assert second.duration_s == pytest.approx(first.duration_s, abs=0.01)


async def test_a_cached_rendering_is_served_while_its_engine_cools_down() -> None:
    world = World()
    await speak(world, request(user=44))
    world.inworld.fail_always(TransientSynthesisError("HTTP 429", engine="inworld",
                                                      status=429, retry_after_s=60))
    await speak(world, request(user=44, text="Something else entirely."))  # cools inworld
    again = await speak(world, request(user=45))
    assert isinstance(again, VoiceReady)
    assert (again.provider, again.cache_hit) == ("inworld", True)


async def test_a_corrupt_cache_object_is_spoken_again_and_replaced() -> None:
    world = World()
    first = await speak(world, request(user=46))
    assert isinstance(first, VoiceReady)
    [shared] = [k for k in world.store.objects if k.startswith("voice/cache/")]
    await world.store.put(shared, b"OggS not really", "audio/ogg")
    again = await speak(world, request(user=46))
    assert isinstance(again, VoiceReady) and again.cache_hit is False
    assert len(world.inworld.calls) == 2
    assert sf.info(io.BytesIO(world.store.objects[shared].data)).subtype == "OPUS"


async def test_a_redelivered_request_is_answered_with_the_same_event_id() -> None:
    world = World()
    event = request(user=47)
    first = await speak(world, event)
    again = await speak(world, event)
    other = await speak(world, request(user=47))
    assert first.event_id == again.event_id != other.event_id
    assert isinstance(again, VoiceReady) and again.cache_hit  # the redelivery costs nothing


# --- the budget --------------------------------------------------------------------------

async def test_a_free_plan_gets_the_offline_voice_and_spends_nothing() -> None:
    assert load_plan_catalog()["free"].entitlements.voice_chars == 0
    world = World()
    ready = await speak(world, request(user=50, plan="free"))
    assert isinstance(ready, VoiceReady)
    assert (ready.provider, ready.billed_chars) == ("piper", 0)
    assert world.calls() == {"inworld": 0, "piper": 1, "espeak": 0}
    assert await world.spent(50) == (0, 0)


async def test_the_plans_daily_characters_come_from_the_catalog_then_offline() -> None:
    allowance = load_plan_catalog()["basic"].entitlements.voice_chars
    world = World()
    sentence = "The stars are bright tonight and I thought of you. "
    text = sentence * (allowance // len(sentence) // 3)  # under a third of the allowance
    providers = []
    for _ in range(4):
        ready = await speak(world, request(user=51, plan="basic", text=text))
        assert isinstance(ready, VoiceReady)
        providers.append(ready.provider)
        text += " Again."  # a new reply each time (no cache hit)
    assert providers == ["inworld", "inworld", "inworld", "piper"]
    user_spent, _ = await world.spent(51)
    assert 0 < user_spent <= allowance
    # another user of the same plan still has their own allowance
    other = await speak(world, request(user=52, plan="basic", text=text))
    assert isinstance(other, VoiceReady) and other.provider == "inworld"


async def test_the_global_ceiling_sends_everyone_to_the_offline_voice() -> None:
    world = World(global_daily_chars=60)
    first = await speak(world, request(user=53, text="Good night, sleep well."))
    second = await speak(world, request(user=54, text="Sweet dreams, my friend. See you soon!"))
    third = await speak(world, request(user=55, text="Morning already?"))
    # 23 + 38 characters would pass 60: the second goes offline, the third fits again
    assert [r.provider for r in (first, second, third)] == ["inworld", "piper", "inworld"]
    _, everyone = await world.spent(53)
    assert everyone == len("Good night, sleep well.") + len("Morning already?")


async def test_an_unreadable_budget_fails_closed_to_the_offline_voice() -> None:
    world = World()
    world.budget.available = False
    ready = await speak(world, request(user=56))
    assert isinstance(ready, VoiceReady) and ready.provider == "piper"
    assert world.calls()["inworld"] == 0


async def test_a_failed_paid_call_gives_its_reservation_back() -> None:
    world = World()
    world.inworld.fail_always(TransientSynthesisError("HTTP 503", engine="inworld",
                                                      status=503))
    ready = await speak(world, request(user=57))
    assert isinstance(ready, VoiceReady) and ready.provider == "piper"
    [reservation] = world.budget.reservations
    assert reservation.granted and reservation.chars > 0
    assert await world.spent(57) == (0, 0)


# --- what the user hears when there is no voice ------------------------------------------

@pytest.mark.parametrize("text", ["[laughs] *sighs*", "😀🎉❤️", "<emotion>laugh</emotion>"])
async def test_nothing_speakable_is_nothing_to_say_without_any_call(text: str) -> None:
    world = World()
    failed = await speak(world, request(user=60, text=text))
    assert isinstance(failed, VoiceFailed) and failed.reason == "nothing_to_say"
    assert world.calls() == {"inworld": 0, "piper": 0, "espeak": 0}
    assert world.store.objects == {}


async def test_a_language_no_engine_speaks_is_unsupported_language() -> None:
    world = World()
    failed = await speak(world, request(user=61, language="hi", text="नमस्ते, कैसे हो?",
                                        plan="free"))
    # free: no Inworld budget; Piper speaks English only; this espeak fake lacks Hindi: the
    # one engine that could speak it was out of budget
    assert isinstance(failed, VoiceFailed) and failed.reason == "quota"
    unknown = await speak(world, request(user=61, language="xx", text="bonjour"))
    assert isinstance(unknown, VoiceFailed) and unknown.reason == "unsupported_language"
    assert unknown.language == "xx"


async def test_every_engine_failing_is_provider_failed_with_every_attempt() -> None:
    world = World()
    for engine in (world.inworld, world.piper, world.espeak):
        engine.fail_always(TransientSynthesisError("boom", engine=engine.name, status=500))
    failed = await speak(world, request(user=62))
    assert isinstance(failed, VoiceFailed) and failed.reason == "provider_failed"
    assert all(f"{n}:" in failed.detail for n in ("inworld", "piper", "espeak"))


async def test_a_long_reply_is_cut_and_still_spoken() -> None:
    world = World()
    text = "This is one sentence of a very long reply. " * 250  # about 10,750 characters
    ready = await speak(world, request(user=63, text=text))
    assert isinstance(ready, VoiceReady) and ready.provider == "inworld"
    assert sum(len(t) for t in world.inworld.texts()) <= 10_000 + 200
    assert all(len(t) <= 2000 for t in world.inworld.texts())


async def test_an_object_store_outage_is_raised_for_the_runtime_to_retry() -> None:
    world = World()
    world.store.available = False
    with pytest.raises(ObjectStoreUnavailable):
        await handlers.synthesize_voice(request(user=64), world.deps)


async def test_off_every_request_is_answered_not_available_in_its_language() -> None:
    world = World(enabled=False)
    failed = await speak(world, request(user=65, language="ja", text="おやすみなさい…"))
    assert isinstance(failed, VoiceFailed)
    assert (failed.reason, failed.language) == ("not_available", "ja")
    assert "VOICE_ENABLED" in failed.detail
    assert world.store.objects == {} and world.calls()["inworld"] == 0


# --- erasure -----------------------------------------------------------------------------

async def test_erasing_a_user_removes_their_messages_and_the_shared_audio_made_for_them(
        ) -> None:
    world = World()
    shared_reply = await speak(world, request(user=70, text="Welcome back, my friend."))
    own = await speak(world, request(user=70, text="Only for you, Alex."))
    other = await speak(world, request(user=71, text="Welcome back, my friend."))
    unrelated = await speak(world, request(user=71, text="Something only user 71 heard."))
    assert all(isinstance(r, VoiceReady) for r in (shared_reply, own, other, unrelated))
    assert await world.spent(70) != (0, 0)

    assert await handlers.forget_user(
        UserDeleted.new(producer="billing", user_id=70, reason="gdpr"), world.deps) == []

    keys = set(world.store.objects)
    assert not any(k.startswith("users/70/") for k in keys)
    assert other.object_key in keys and unrelated.object_key in keys  # 71 keeps theirs
    cached = {k for k in keys if k.startswith("voice/cache/")}
    assert len(cached) == 1  # only the audio made for 71 alone is left
    assert (await world.spent(70))[0] == 0
    # a redelivery finds nothing more to delete
    await handlers.forget_user(UserDeleted.new(producer="billing", user_id=70, reason="x"),
                               world.deps)
    assert set(world.store.objects) == keys
    # user 71 asking again is a miss now, spoken and cached again
    again = await speak(world, request(user=71, text="Welcome back, my friend."))
    assert isinstance(again, VoiceReady) and again.cache_hit is False


async def test_erasure_runs_while_voice_is_off() -> None:
    world = World()
    await speak(world, request(user=72))
    off = replace(world.deps, chain=None)
    await handlers.forget_user(UserDeleted.new(producer="billing", user_id=72, reason="gdpr"),
                               off)
    assert not any(k.startswith("users/72/") for k in world.store.objects)
    assert not any(k.startswith("voice/cache/") for k in world.store.objects)


# --- assembly ----------------------------------------------------------------------------

def test_voice_is_on_by_default_and_inworld_needs_a_key(caplog) -> None:
    assert VoiceSettings(infra=INFRA).enabled is True
    assert VoiceSettings(infra=INFRA).inworld_api_key is None  # secrets have no default
    deps = build_deps(VoiceSettings(infra=INFRA), store=InMemoryObjectStore(),
                      budget=FakeCharacterBudget(), registry=CollectorRegistry())
    assert deps.chain is not None
    assert [e.name for e in deps.chain.engines] == ["piper", "espeak"]
    assert "VOICE_INWORLD_API_KEY is not set" in caplog.text
    with_key = build_deps(settings(), store=InMemoryObjectStore(),
                          budget=FakeCharacterBudget(), registry=CollectorRegistry())
    assert with_key.chain is not None
    assert [e.name for e in with_key.chain.engines] == ["inworld", "piper", "espeak"]


def test_a_chain_with_no_usable_engine_refuses_to_start_saying_what_to_set() -> None:
    with pytest.raises(ConfigurationError, match="VOICE_INWORLD_API_KEY is not set"):
        build_deps(VoiceSettings(infra=INFRA, engines="inworld"),
                   store=InMemoryObjectStore(), budget=FakeCharacterBudget())
    with pytest.raises(ValueError, match="unknown speech engine"):
        VoiceSettings(infra=INFRA, engines="inworld,gtts")


def test_an_invalid_voice_catalog_refuses_to_start(tmp_path) -> None:
    bad = tmp_path / "voices.toml"
    bad.write_text('version = "1"\n[characters.luna]\ngender = "robot"\n')
    with pytest.raises(ConfigurationError, match="gender"):
        build_deps(settings(catalog_file=bad), store=InMemoryObjectStore(),
                   budget=FakeCharacterBudget())


def test_the_app_wires_both_consumers_from_the_index_with_long_job_options() -> None:
    runtime = Runtime("voice", INFRA, registry=CollectorRegistry(),
                      tracer_provider=TracerProvider())
    world = World()
    create_app(settings(concurrent_syntheses=3), deps=world.deps, runtime=runtime)
    by_name = {c.sub.name: c.sub for c in runtime.consumers}
    assert set(by_name) == {"voice-voice_requested", "voice-user_deleted"}  # never renamed
    assert by_name["voice-voice_requested"].events == (VoiceRequested,)
    assert (by_name["voice-voice_requested"].max_in_flight,
            by_name["voice-voice_requested"].ack_wait_s) == (3, 30)
    assert by_name["voice-user_deleted"].events == (UserDeleted,)
    assert runtime.started is False  # nothing connected


def test_off_the_app_still_wires_erasure(monkeypatch) -> None:
    monkeypatch.setenv("VOICE_ENABLED", "false")
    runtime = Runtime("voice", INFRA, registry=CollectorRegistry(),
                      tracer_provider=TracerProvider())
    create_app(VoiceSettings(infra=INFRA), runtime=runtime)
    assert {c.sub.name for c in runtime.consumers} == {"voice-voice_requested",
                                                       "voice-user_deleted"}


def test_deps_need_a_library() -> None:
    with pytest.raises(TypeError):
        Deps()  # type: ignore[call-arg]
    assert cache_object("a" * 64) == f"voice/cache/aa/{'a' * 64}.ogg"


async def test_an_engine_starts_in_the_background_and_a_broken_one_never_stops_the_service(
        ) -> None:
    import asyncio

    from nectar_voice.engines import EngineLifecycle

    class SlowEngine(FakeSpeechEngine):
        async def start(self) -> None:
            await asyncio.sleep(0.2)
            self.started = True

    class BrokenEngine(FakeSpeechEngine):
        async def start(self) -> None:
            raise RuntimeError("no voice model")

    slow, broken = EngineLifecycle(SlowEngine(name="piper")), EngineLifecycle(
        BrokenEngine(name="piper"))
    await asyncio.wait_for(slow.start(), 0.05)  # returns at once
    with pytest.raises(RuntimeError, match="starting"):
        await slow.check()
    await asyncio.sleep(0.4)
    await slow.check()
    await broken.start()
    await asyncio.sleep(0.05)
    with pytest.raises(RuntimeError, match="not started"):
        await broken.check()
    await slow.close()
    await broken.close()


async def test_characters_sharing_a_voice_never_share_audio_their_dictionaries_differ(
        ) -> None:
    world = World()  # free plan: Piper, whose one voice every character shares
    kai = await speak(world, request(user=80, plan="free", character="kai",
                                     text="Good night, Luna."))
    luna = await speak(world, request(user=81, plan="free", character="luna",
                                      text="Good night, Luna."))
    assert isinstance(kai, VoiceReady) and isinstance(luna, VoiceReady)
    assert (kai.provider, luna.provider) == ("piper", "piper") and kai.voice == luna.voice
    assert luna.cache_hit is False  # luna's dictionary says "Loona"
    assert world.piper.texts() == ["Good night, Luna.", "Good night, Loona."]
    # characters without dictionary entries (unknown here: the default voices) do share
    zoe = await speak(world, request(user=82, plan="free", character="zoe",
                                     text="Sleep well, Luna."))
    ava = await speak(world, request(user=83, plan="free", character="ava",
                                     text="Sleep well, Luna."))
    assert isinstance(zoe, VoiceReady) and isinstance(ava, VoiceReady)
    assert (zoe.cache_hit, ava.cache_hit) == (False, True)
