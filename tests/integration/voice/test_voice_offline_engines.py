"""Piper (our ONNX adapter and Piper's own program) and espeak-ng for real: their audio, through the chain, is OGG/Opus 48 kHz mono with
the duration measured from the file."""

from __future__ import annotations

import io

import pytest
import soundfile as sf
from nectar_voice.adapters.espeak import EspeakSpeechEngine
from nectar_voice.adapters.piper import PiperSpeechEngine
from nectar_voice.adapters.piper_onnx import PiperOnnxSpeechEngine
from nectar_voice.domain import (
    LANGUAGES,
    EngineRequest,
    Prosody,
    UnsupportedLanguage,
    VoiceChoice,
)
from nectar_voice.engines import build_chain
from nectar_voice.settings import VoiceSettings

pytestmark = pytest.mark.integration

GREETINGS = {
    "en": "Hello, how was your day?", "ru": "Привет, как прошёл твой день?",
    "ja": "こんにちは、今日はどうでしたか？", "zh": "你好，你今天过得怎么样？",
    "ko": "안녕하세요, 오늘 하루 어땠어요?", "es": "Hola, ¿cómo fue tu día?",
    "fr": "Bonjour, comment s'est passée ta journée ?", "de": "Hallo, wie war dein Tag?",
    "it": "Ciao, com'è andata la tua giornata?", "pt": "Olá, como foi o seu dia?",
    "pl": "Cześć, jak minął ci dzień?", "hi": "नमस्ते, आपका दिन कैसा रहा?",
    "ar": "مرحبا، كيف كان يومك؟", "he": "שלום, איך היה היום שלך?",
    "nl": "Hallo, hoe was je dag?", "tr": "Merhaba, günün nasıl geçti?",
    "uk": "Привіт, як минув твій день?",
}


def info(ogg: bytes) -> sf._SoundFileInfo:
    details = sf.info(io.BytesIO(ogg))
    assert (details.format, details.subtype, details.samplerate, details.channels) == (
        "OGG", "OPUS", 48000, 1)
    return details


@pytest.mark.parametrize("runtime", ["piper", "piper_program"])
async def test_piper_speaks_english_at_its_own_rate(runtime: str,
                                                   request: pytest.FixtureRequest) -> None:
    piper = request.getfixturevalue(runtime)
    short = await piper.synthesize(EngineRequest("Hello.", "en",
                                                 VoiceChoice("piper", "joe"), Prosody()))
    long = await piper.synthesize(EngineRequest(
        "Hello there, it is lovely to hear from you again. How was your day?", "en",
        VoiceChoice("piper", "joe"), Prosody()))
    assert short.sample_rate == 22050
    assert 0.3 < short.duration_s < 2.0 < long.duration_s < 8.0
    assert float(abs(long.samples).max()) > 0.05  # not silence
    with pytest.raises(UnsupportedLanguage):
        await piper.synthesize(EngineRequest("Привет", "ru", VoiceChoice("piper", "joe"),
                                             Prosody()))


async def test_piper_worker_survives_a_crash(piper_program: PiperSpeechEngine) -> None:
    piper = piper_program
    assert piper._proc is not None
    piper._proc.kill()
    await piper._proc.wait()
    audio = await piper.synthesize(EngineRequest("Back again.", "en",
                                                 VoiceChoice("piper", "joe"), Prosody()))
    assert audio.duration_s > 0.3


@pytest.mark.parametrize("language", LANGUAGES)
async def test_espeak_speaks_all_17_languages(espeak: EspeakSpeechEngine, language: str) -> None:
    audio = await espeak.synthesize(EngineRequest(GREETINGS[language], language,
                                                  VoiceChoice("espeak", "f3"), Prosody()))
    assert audio.sample_rate == 22050
    assert 0.5 < audio.duration_s < 8.0
    assert float(abs(audio.samples).max()) > 0.05


async def test_espeak_speaking_rate_changes_the_length(espeak: EspeakSpeechEngine) -> None:
    text = "This sentence is spoken at two different speeds for the test."
    slow = await espeak.synthesize(EngineRequest(text, "en", VoiceChoice("espeak", "m3"),
                                                 Prosody(speaking_rate=0.8)))
    fast = await espeak.synthesize(EngineRequest(text, "en", VoiceChoice("espeak", "m3"),
                                                 Prosody(speaking_rate=1.3)))
    assert slow.duration_s > 1.3 * fast.duration_s


async def test_chain_of_offline_engines_gives_a_telegram_voice_message(
        piper: PiperOnnxSpeechEngine) -> None:
    chain = build_chain(VoiceSettings(engines="espeak"))
    chain.engines = [piper, *chain.engines]
    english = await chain.speak("Hi! I missed you... *laughs* Luna is here. Ha-ha!",
                                language="en", character="luna")
    assert english.engine == "piper"
    assert english.duration_s == pytest.approx(info(english.ogg).duration)
    assert 1.5 < english.duration_s < 10
    russian = await chain.speak("Привет... Я скучала! *улыбается*", language="ru",
                                character="luna")
    assert russian.engine == "espeak" and russian.voice.voice == "f2"
    assert russian.duration_s == pytest.approx(info(russian.ogg).duration)


async def test_a_long_reply_is_chunked_and_joined(espeak: EspeakSpeechEngine) -> None:
    chain = build_chain(VoiceSettings(engines="espeak"), engines=[espeak])
    reply = " ".join(f"Sentence number {i} is spoken here." for i in range(60))
    speech = await chain.speak(reply, language="en", character="default")
    assert speech.chunks >= 2
    assert speech.duration_s == pytest.approx(info(speech.ogg).duration)
    assert speech.duration_s > 40
