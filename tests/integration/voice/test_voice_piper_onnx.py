"""Our Piper adapter against Piper itself: the phoneme ids it feeds the voice are the ones
Piper's own phonemiser produces (Piper runs in a subprocess: it is GPL-3.0 and never
imported into the test process either), its audio is as long as Piper's command line makes
for the same text, it runs ONNX Runtime with one thread and no spin-waiting, and it
recovers when its espeak-ng process dies."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from nectar_voice.adapters.audio import ogg_opus_info
from nectar_voice.adapters.piper import PiperSpeechEngine
from nectar_voice.adapters.piper_onnx import PiperOnnxSpeechEngine, PiperVoiceConfig
from nectar_voice.adapters.piper_phonemes import EspeakProcess, phoneme_ids
from nectar_voice.domain import EngineRequest, PermanentSynthesisError, Prosody, VoiceChoice
from nectar_voice.engines import build_chain, build_engine
from nectar_voice.settings import VoiceSettings

pytestmark = pytest.mark.integration

SENTENCES = [
    "Hello, world. How are you? I am fine: really; yes!",
    "Oh, hi! I was just looking at Jupiter. Come sit with me. How was your day?",
    "Ha-ha, you're right! I never thought about it that way. Tell me more, please.",
    ("Wow, that's amazing news! I knew you could do it. We should celebrate this weekend, "
    "maybe with that little cafe you love?"),
    "Dr. Smith paid $3.50 on 3/4/2021. He said \"hi\" and left. then he came back.",
    "Really?! Yes!! Hi (ok). Bye. end.\" next one",
    "x — y; «ok», fine. Items: a, b, c. See the U.S. now!",
    "Don't worry, be happy. It's going to be fine, isn't it?",
    "She sells sea shells by the sea shore; the shells she sells are surely sea shells.",
    "At 10:30 on Monday, 12 people met; they discussed the 2nd quarter's results.",
    "Wait... what? Good night, Luna. Sweet dreams...",
    "Honestly? I think you're brilliant. Truly, madly, deeply brilliant!",
    "no punctuation at all in this one",
    "Café, naïve résumé; jalapeño piñata.",
]
#: Piper's phonemiser, run as its own program: text lines in, phonemes per sentence out
PIPER_PHONEMISER = """
import json, sys
from piper.phonemize_espeak import EspeakPhonemizer
phonemizer = EspeakPhonemizer()
for line in sys.stdin:
    sentences = phonemizer.phonemize(sys.argv[1], json.loads(line))
    print(json.dumps(sentences, ensure_ascii=False), flush=True)
"""

needs_piper = pytest.mark.skipif(importlib.util.find_spec("piper") is None,
                                 reason="piper-tts (the piper-program extra) not installed")


def piper_phonemes(texts: list[str], voice: str) -> list[list[list[str]]]:
    done = subprocess.run([sys.executable, "-c", PIPER_PHONEMISER, voice], check=True,
                          input="".join(json.dumps(t) + "\n" for t in texts),
                          capture_output=True, text=True, timeout=120)
    return [json.loads(line) for line in done.stdout.splitlines()]


def piper_espeak_data() -> Path:
    spec = importlib.util.find_spec("piper")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent  # holds espeak-ng-data (found, not imported)


def symbols(ids: list[int], keep: set[int]) -> list[int]:
    return [i for i in ids if i in keep]


async def ours(texts: list[str], data: Path | None,
               config: PiperVoiceConfig) -> list[list[list[int]]]:
    espeak = EspeakProcess(binary="espeak-ng", voice=config.espeak_voice,
                           data_path=str(data) if data else None)
    try:
        return [[phoneme_ids(s, config.phoneme_id_map) for s in await espeak.phonemize(t)]
                for t in texts]
    finally:
        await espeak.close()


@pytest.fixture(scope="module")
def voice_config(piper: PiperOnnxSpeechEngine) -> PiperVoiceConfig:
    assert piper.config is not None
    return piper.config


@needs_piper
async def test_phoneme_ids_are_pipers_own(voice_config: PiperVoiceConfig) -> None:
    """With the espeak-ng data Piper bundles, our ids equal Piper's sentence by sentence,
    except where its newer espeak-ng library differs from the program's (a linking `ʲ`, a
    stress mark): at most a few sentences, and never in punctuation or sentence ends."""
    id_map = voice_config.phoneme_id_map
    expected = [[phoneme_ids(s, id_map) for s in sentences]
                for sentences in piper_phonemes(SENTENCES, voice_config.espeak_voice)]
    got = await ours(SENTENCES, piper_espeak_data(), voice_config)
    punctuation = {i for p in ".,?!:; " for i in id_map[p]}
    exact = total = 0
    for text, mine, theirs in zip(SENTENCES, got, expected, strict=True):
        assert len(mine) == len(theirs), text
        for a, b in zip(mine, theirs, strict=True):
            assert symbols(a, punctuation) == symbols(b, punctuation), text
            assert abs(len(a) - len(b)) <= 4, text
            exact += a == b
            total += 1
    assert total >= 30
    assert exact >= 0.85 * total, f"{exact}/{total} sentences with Piper's exact ids"


@needs_piper
async def test_sentences_and_punctuation_match_with_the_systems_espeak_data(
        voice_config: PiperVoiceConfig) -> None:
    """The default (Debian's espeak-ng data): the same sentences and punctuation as Piper;
    vowels may follow the older dictionary (`oːɹ` for `ɔːɹ`)."""
    id_map = voice_config.phoneme_id_map
    expected = [[phoneme_ids(s, id_map) for s in sentences]
                for sentences in piper_phonemes(SENTENCES, voice_config.espeak_voice)]
    got = await ours(SENTENCES, None, voice_config)
    punctuation = {i for p in ".,?!:; " for i in id_map[p]}
    for text, mine, theirs in zip(SENTENCES, got, expected, strict=True):
        assert [symbols(a, punctuation) for a in mine] == [
            symbols(b, punctuation) for b in theirs], text


@needs_piper
async def test_audio_is_as_long_as_pipers(piper: PiperOnnxSpeechEngine,
                                          piper_program: PiperSpeechEngine) -> None:
    text = ("I'm sorry you had such a long day. Take a breath, I'm here, and we can talk "
            "as long as you like. What was the hardest part?")
    request = EngineRequest(text, "en", VoiceChoice("piper", "joe"), Prosody())
    mine = await piper.synthesize(request)
    theirs = await piper_program.synthesize(request)
    assert mine.sample_rate == theirs.sample_rate == 22050
    # the duration predictor is stochastic (noise_w): same model, same ids, +-15%
    assert mine.duration_s == pytest.approx(theirs.duration_s, rel=0.15)
    assert 0.9 < float(abs(mine.samples).max()) <= 1.0  # peak-normalised, as Piper does


async def test_speaking_rate_changes_the_length(piper: PiperOnnxSpeechEngine) -> None:
    text = "This sentence is spoken at two different speeds for the test."
    slow = await piper.synthesize(EngineRequest(text, "en", VoiceChoice("piper", "joe"),
                                                Prosody(speaking_rate=0.8)))
    fast = await piper.synthesize(EngineRequest(text, "en", VoiceChoice("piper", "joe"),
                                                Prosody(speaking_rate=1.3)))
    # length scale 1/0.8 against 1/1.3; the duration predictor is stochastic
    assert slow.duration_s > 1.15 * fast.duration_s


def test_session_runs_one_thread_without_spinning() -> None:
    engine = build_engine("piper", VoiceSettings())
    assert isinstance(engine, PiperOnnxSpeechEngine)
    options = engine.session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    wider = build_engine("piper", VoiceSettings(piper_threads=2)).session_options()
    assert isinstance(wider.intra_op_num_threads, int) and wider.intra_op_num_threads == 2
    assert isinstance(build_engine("piper", VoiceSettings(piper_runtime="program")),
                      PiperSpeechEngine)


async def test_recovers_when_espeak_dies(piper: PiperOnnxSpeechEngine) -> None:
    espeak = piper._espeak
    assert espeak is not None and espeak._proc is not None
    espeak._proc.kill()
    await espeak._proc.wait()
    audio = await piper.synthesize(EngineRequest("Back again.", "en",
                                                 VoiceChoice("piper", "joe"), Prosody()))
    assert audio.duration_s > 0.3
    await piper.check()


async def test_the_default_chain_speaks_piper_as_ogg_opus() -> None:
    settings = VoiceSettings(engines="piper,espeak")
    engines = [build_engine(name, settings) for name in settings.engine_names]
    assert isinstance(engines[0], PiperOnnxSpeechEngine)
    chain = build_chain(settings, engines=engines)
    for engine in engines:
        await engine.start()  # type: ignore[attr-defined]
    try:
        speech = await chain.speak("Hi! I missed you... *laughs* How was your day? "
                                   "Tell me everything.", language="en", character="luna")
    finally:
        for engine in engines:
            await engine.close()  # type: ignore[attr-defined]
    assert speech.engine == "piper"
    duration, rate, channels = ogg_opus_info(speech.ogg)
    assert (rate, channels) == (48000, 1)
    assert duration == pytest.approx(speech.duration_s)
    assert 2.0 < duration < 10.0


NO_GPL_PROBE = """
import asyncio, sys
from nectar_voice.domain import EngineRequest, PermanentSynthesisError, Prosody, VoiceChoice
from nectar_voice.engines import build_engine
from nectar_voice.settings import VoiceSettings

async def main():
    engine = build_engine("piper", VoiceSettings())
    await engine.start()
    audio = await engine.synthesize(EngineRequest("Hi there.", "en",
                                                  VoiceChoice("piper", "joe"), Prosody()))
    await engine.close()
    assert audio.duration_s > 0.3
asyncio.run(main())
print(sorted(m for m in sys.modules if m == "piper" or m.startswith(("piper.", "espeak"))))
"""


def test_the_default_piper_engine_imports_no_gpl_library() -> None:
    """Speaking with the default engine loads neither `piper` (piper-tts, GPL-3.0) nor an
    espeak-ng binding into the process, even with piper-tts installed beside it."""
    done = subprocess.run([sys.executable, "-c", NO_GPL_PROBE], check=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]"


async def test_without_espeak_ng_it_fails_as_not_installed(tmp_path: Path) -> None:
    engine = PiperOnnxSpeechEngine(espeak_binary=str(tmp_path / "no-espeak-ng"))
    assert not engine.available
    with pytest.raises(PermanentSynthesisError) as failed:
        await engine.synthesize(EngineRequest("Hi.", "en", VoiceChoice("piper", "joe"),
                                              Prosody()))
    assert failed.value.outcome == "not_installed"
