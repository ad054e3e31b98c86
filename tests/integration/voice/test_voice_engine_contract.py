"""The `SpeechEngine` contract, written once, run against the fake and every real engine
(Inworld through its emulator, Piper, espeak-ng): that keeps the fake honest."""

from __future__ import annotations

import pytest
from nectar_voice.domain import (
    EngineRequest,
    Prosody,
    SynthesisError,
    UnsupportedLanguage,
    VoiceChoice,
)
from nectar_voice.fakes import FakeSpeechEngine
from nectar_voice.ports import SpeechEngine

pytestmark = pytest.mark.integration

VOICES = {"fake": "any", "inworld": "Ashley", "piper": "joe", "espeak": "f3"}


@pytest.fixture(params=["fake", "inworld", "piper", "piper_program", "espeak"])
def engine(request: pytest.FixtureRequest) -> SpeechEngine:
    # a plain fixture: it asks for the (async) engine fixtures before the test's loop runs
    if request.param == "fake":
        return FakeSpeechEngine()
    return request.getfixturevalue(request.param)


def ask(engine: SpeechEngine, text: str, language: str = "en") -> EngineRequest:
    return EngineRequest(text=text, language=language,
                         voice=VoiceChoice(engine.name, VOICES.get(engine.name, "any")),
                         prosody=Prosody())


async def test_speaks_a_supported_language_as_decoded_audio(engine: SpeechEngine) -> None:
    text = "Hello, how was your day?"
    if not engine.caps.ssml:
        assert "<" not in text
    audio = await engine.synthesize(ask(engine, text))
    assert audio.sample_rate in (16000, 22050, 24000, 44100, 48000)
    assert audio.samples.ndim == 1 and len(audio.samples) > 0
    assert 0.3 < audio.duration_s < 10


async def test_more_text_is_more_audio(engine: SpeechEngine) -> None:
    short = await engine.synthesize(ask(engine, "Hi."))
    long = await engine.synthesize(ask(engine, "Hi. " + "This goes on for a while. " * 5))
    assert long.duration_s > 2 * short.duration_s


async def test_a_language_it_does_not_speak_is_unsupported(engine: SpeechEngine) -> None:
    language = "xx" if engine.name == "espeak" else "tr" if engine.name == "inworld" else "sw"
    assert language not in engine.caps.languages
    with pytest.raises(UnsupportedLanguage):
        await engine.synthesize(ask(engine, "Jambo", language))


async def test_errors_are_domain_errors_only(engine: SpeechEngine) -> None:
    """An oversized request either speaks or fails with a SynthesisError, nothing else."""
    try:
        await engine.synthesize(ask(engine, "word " * 1000))
    except SynthesisError:
        pass
