"""The synthesis chain with fake engines: order, fallbacks, skips, cooldowns, chunking, and
what comes out (OGG/Opus 48 kHz mono with its measured duration)."""

from __future__ import annotations

import io

import pytest
import soundfile as sf
from nectar_voice.domain import (
    AllEnginesFailed,
    EngineCaps,
    Limits,
    NothingToSay,
    PermanentSynthesisError,
    Pronunciation,
    PronunciationBook,
    PronunciationDictionary,
    QuotaExhausted,
    TransientSynthesisError,
    VoiceCatalog,
)
from nectar_voice.fakes import FakeSpeechEngine
from nectar_voice.synthesis import SpeechChain
from nectar_voice.telemetry import VoiceMetrics, VoiceTelemetry
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

ALL = frozenset({"en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl", "hi", "ar",
                 "he", "nl", "tr", "uk"})
REPLY = "Hi! I missed you... *laughs* How was your day?"


def catalog(*engines: str) -> VoiceCatalog:
    return VoiceCatalog.from_mapping({
        "version": "t1",
        "engines": {e: {"model": f"{e}-model"} for e in engines},
        "characters": {
            "default": {"gender": "female",
                        "voices": {e: {"*": f"{e}-voice"} for e in engines}},
            "kai": {"gender": "male", "voices": {engines[0]: {"en": "kai-en"}}},
        },
    })


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def telemetry(registry: CollectorRegistry) -> VoiceTelemetry:
    return VoiceTelemetry(TracerProvider().get_tracer("test"), VoiceMetrics(registry))


def chain_of(*engines: FakeSpeechEngine, telemetry: VoiceTelemetry, clock: Clock | None = None,
             pronunciations: PronunciationBook | None = None) -> SpeechChain:
    return SpeechChain(engines=list(engines), catalog=catalog(*(e.name for e in engines)),
                       pronunciations=pronunciations or PronunciationBook("0"),
                       telemetry=telemetry, clock=clock or Clock())


def fake(name: str, *, ssml: bool = False, languages: frozenset[str] = ALL,
         limits: Limits | None = None) -> FakeSpeechEngine:
    return FakeSpeechEngine(name=name, caps=EngineCaps(languages=languages, ssml=ssml,
                                                       limits=limits or Limits()))


def decoded(ogg: bytes) -> sf._SoundFileInfo:
    info = sf.info(io.BytesIO(ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS",
                                                                           48000, 1)
    return info


async def test_primary_speaks_and_the_rest_are_not_called(telemetry: VoiceTelemetry,
                                                          registry: CollectorRegistry) -> None:
    first, second = fake("inworld", ssml=True), fake("espeak")
    speech = await chain_of(first, second, telemetry=telemetry).speak(
        REPLY, language="en", character="luna")
    assert speech.engine == "inworld" and speech.voice.voice == "inworld-voice"
    assert speech.voice.model == "inworld-model"
    assert second.calls == []
    assert first.texts() == [
        '<speak>Hi! I missed you<break time="0.3s"/> How was your day?</speak>']
    info = decoded(speech.ogg)
    assert abs(info.duration - speech.duration_s) < 1e-6
    assert speech.duration_s == pytest.approx(len(first.texts()[0]) * 0.02, abs=0.1)
    assert [a.outcome for a in speech.attempts] == ["ok"]
    assert registry.get_sample_value("nectar_voice_messages_total",
                                     {"engine": "inworld", "rung": "primary"}) == 1
    assert registry.get_sample_value("nectar_voice_engine_calls_total",
                                     {"engine": "inworld", "outcome": "ok"}) == 1


@pytest.mark.parametrize("error", [
    TransientSynthesisError("HTTP 503", engine="inworld", outcome="server_error", status=503),
    TransientSynthesisError("timeout", engine="inworld", outcome="timeout"),
    TransientSynthesisError("audioContent is not valid base64", engine="inworld",
                            outcome="bad_audio"),
    PermanentSynthesisError("HTTP 400: bad enum", engine="inworld", status=400),
    QuotaExhausted("HTTP 429: quota", engine="inworld"),
])
async def test_any_failure_moves_to_the_next_engine(error: Exception,
                                                    telemetry: VoiceTelemetry,
                                                    registry: CollectorRegistry) -> None:
    first, second = fake("inworld", ssml=True).script(error), fake("piper")
    speech = await chain_of(first, second, telemetry=telemetry).speak(
        REPLY, language="en", character="default")
    assert speech.engine == "piper"
    # the fallback engine takes plain text: pauses as punctuation, no tags
    assert second.texts() == ["Hi! I missed you, How was your day?"]
    assert [(a.engine, a.outcome) for a in speech.attempts] == [
        ("inworld", error.outcome), ("piper", "ok")]
    assert registry.get_sample_value("nectar_voice_messages_total",
                                     {"engine": "piper", "rung": "fallback"}) == 1
    decoded(speech.ogg)


async def test_engine_that_does_not_speak_the_language_is_skipped_without_a_call(
        telemetry: VoiceTelemetry) -> None:
    inworld = fake("inworld", ssml=True, languages=ALL - {"tr", "uk"})
    piper = fake("piper", languages=frozenset({"en"}))
    espeak = fake("espeak")
    speech = await chain_of(inworld, piper, espeak, telemetry=telemetry).speak(
        "Merhaba... seni özledim.", language="tr", character="default")
    assert speech.engine == "espeak"
    assert inworld.calls == [] and piper.calls == []
    assert [a.outcome for a in speech.attempts] == ["unsupported_language",
                                                    "unsupported_language", "ok"]


async def test_no_catalog_voice_for_the_language_skips_the_engine(
        telemetry: VoiceTelemetry) -> None:
    # kai has Inworld voices of his own, only for English
    first, second = fake("inworld", ssml=True), fake("espeak")
    speech = await chain_of(first, second, telemetry=telemetry).speak(
        "Привет!", language="ru", character="kai")
    assert speech.engine == "espeak" and first.calls == []
    english = await chain_of(first, second, telemetry=telemetry).speak(
        "Hello!", language="en", character="kai")
    assert english.voice.voice == "kai-en"


async def test_unsupported_everywhere_is_unsupported_language(telemetry: VoiceTelemetry) -> None:
    only_en = fake("piper", languages=frozenset({"en"}))
    with pytest.raises(AllEnginesFailed) as failed:
        await chain_of(only_en, telemetry=telemetry).speak("Merhaba", language="tr",
                                                           character="default")
    assert failed.value.reason == "unsupported_language"
    assert "piper: unsupported_language" in failed.value.detail


async def test_every_engine_failing_is_provider_failed_with_all_attempts(
        telemetry: VoiceTelemetry, registry: CollectorRegistry) -> None:
    first = fake("inworld", ssml=True).fail_always(
        TransientSynthesisError("HTTP 500", engine="inworld", outcome="server_error"))
    second = fake("espeak").fail_always(
        TransientSynthesisError("crashed", engine="espeak", outcome="crashed"))
    with pytest.raises(AllEnginesFailed) as failed:
        await chain_of(first, second, telemetry=telemetry).speak(REPLY, language="en",
                                                                 character="default")
    assert failed.value.reason == "provider_failed"
    assert [a.outcome for a in failed.value.attempts] == ["server_error", "crashed"]
    assert registry.get_sample_value("nectar_voice_messages_total",
                                     {"engine": "none", "rung": "failed"}) == 1


async def test_quota_everywhere_is_quota(telemetry: VoiceTelemetry) -> None:
    first = fake("inworld", ssml=True).fail_always(QuotaExhausted("quota", engine="inworld"))
    with pytest.raises(AllEnginesFailed) as failed:
        await chain_of(first, telemetry=telemetry).speak(REPLY, language="en",
                                                         character="default")
    assert failed.value.reason == "quota"


async def test_rate_limited_engine_cools_down_for_its_retry_after(
        telemetry: VoiceTelemetry) -> None:
    clock = Clock()
    first = fake("inworld", ssml=True).script(TransientSynthesisError(
        "HTTP 429", engine="inworld", outcome="rate_limited", status=429, retry_after_s=7))
    second = fake("espeak")
    chain = chain_of(first, second, telemetry=telemetry, clock=clock)
    assert (await chain.speak(REPLY, language="en", character="default")).engine == "espeak"
    clock.now += 6
    again = await chain.speak(REPLY, language="en", character="default")
    assert again.engine == "espeak" and len(first.calls) == 1
    assert again.attempts[0].outcome == "cooldown"
    clock.now += 2
    assert (await chain.speak(REPLY, language="en", character="default")).engine == "inworld"


async def test_exhausted_budget_cools_the_engine_down(telemetry: VoiceTelemetry) -> None:
    clock = Clock()
    first = fake("inworld", ssml=True).script(QuotaExhausted("quota", engine="inworld"))
    chain = chain_of(first, fake("espeak"), telemetry=telemetry, clock=clock)
    await chain.speak(REPLY, language="en", character="default")
    clock.now += 60
    await chain.speak(REPLY, language="en", character="default")
    assert len(first.calls) == 1
    assert chain.cooling()["inworld"] == pytest.approx(chain.quota_cooldown_s - 60)
    only = chain_of(fake("inworld", ssml=True).fail_always(
        QuotaExhausted("quota", engine="inworld")), telemetry=telemetry, clock=clock)
    for _ in range(2):  # spent, then skipped while cooling down: still "quota"
        with pytest.raises(AllEnginesFailed) as failed:
            await only.speak(REPLY, language="en", character="default")
        assert failed.value.reason == "quota"
    assert [a.outcome for a in failed.value.attempts] == ["cooldown_quota"]


async def test_long_reply_is_spoken_in_chunks_by_one_engine_and_joined(
        telemetry: VoiceTelemetry) -> None:
    first = fake("inworld", ssml=True, limits=Limits(max_chars=200))
    reply = " ".join(f"This is sentence number {i}, spoken in order." for i in range(20))
    speech = await chain_of(first, telemetry=telemetry).speak(reply, language="en",
                                                              character="default")
    assert speech.chunks == len(first.calls) > 1
    assert all(len(t) <= 200 for t in first.texts())
    assert " ".join(first.texts()) == reply
    info = decoded(speech.ogg)
    spoken = sum(len(t) * 0.02 for t in first.texts()) + 0.15 * (speech.chunks - 1)
    assert info.duration == pytest.approx(spoken, abs=0.05 * speech.chunks)


async def test_a_chunk_failing_midway_restarts_the_reply_on_the_next_engine(
        telemetry: VoiceTelemetry) -> None:
    first = fake("inworld", ssml=True, limits=Limits(max_chars=120)).script(
        None, TransientSynthesisError("HTTP 502", engine="inworld", outcome="server_error"))
    second = fake("espeak", limits=Limits(max_chars=1000))
    reply = " ".join(f"Sentence {i} is here and it is long enough." for i in range(8))
    speech = await chain_of(first, second, telemetry=telemetry).speak(
        reply, language="en", character="default")
    assert speech.engine == "espeak"
    assert len(first.calls) == 2
    assert " ".join(second.texts()) == reply  # from the start, in one voice


@pytest.mark.parametrize("reply", ["😂😂😂", "*laughs*", "[sighs] (giggles) <laugh/>", "  "])
async def test_nothing_to_say_calls_no_engine(reply: str, telemetry: VoiceTelemetry) -> None:
    engine = fake("inworld", ssml=True)
    with pytest.raises(NothingToSay):
        await chain_of(engine, telemetry=telemetry).speak(reply, language="en",
                                                          character="default")
    assert engine.calls == []


async def test_pronunciations_apply_per_engine_capability(telemetry: VoiceTelemetry) -> None:
    book = PronunciationBook("p1", (PronunciationDictionary("luna", "p1", (
        Pronunciation("Nyx", "Nicks", "nɪks"),)),))
    inworld = FakeSpeechEngine(name="inworld", caps=EngineCaps(
        languages=ALL, ssml=True, ipa_languages=frozenset({"en"})))
    espeak = fake("espeak")
    chain = chain_of(inworld, espeak, telemetry=telemetry, pronunciations=book)
    await chain.speak("Say hi to Nyx.", language="en", character="luna")
    assert inworld.texts() == ["Say hi to /nɪks/."]
    inworld.fail_always(TransientSynthesisError("down", engine="inworld"))
    await chain.speak("Say hi to Nyx.", language="en", character="luna")
    assert espeak.texts() == ["Say hi to Nicks."]
    await chain.speak("Nyx!", language="en", character="kai")  # not kai's word
    assert espeak.texts()[-1] == "Nyx!"


async def test_say_speaks_one_reply_with_the_shipped_catalog() -> None:
    from nectar_voice.engines import say
    from nectar_voice.settings import VoiceSettings

    engine = fake("inworld", ssml=True)
    speech = await say("Hello Luna... *smiles*", language="en", character="luna",
                       settings=VoiceSettings(), engines=[engine])
    assert speech.voice.voice == "Olivia" and speech.voice.model == "inworld-tts-1.5-max"
    # luna's dictionary respells her name (this fake takes no IPA); the stage direction and
    # the trailing pause are gone
    assert engine.texts() == ["Hello Loona"]
    assert engine.started is False  # closed again
    decoded(speech.ogg)
