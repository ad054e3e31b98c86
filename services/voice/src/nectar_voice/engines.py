"""Building the speech engines and the chain from settings, and `say`: one reply spoken
start to finish (for `nectar voice say`, benchmarks and tools; the service keeps one chain
for its lifetime instead)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from nectar_runtime import Managed

from nectar_voice.adapters.espeak import EspeakSpeechEngine
from nectar_voice.adapters.inworld import InworldSpeechEngine
from nectar_voice.adapters.piper import PiperSpeechEngine
from nectar_voice.adapters.piper_onnx import PiperOnnxSpeechEngine
from nectar_voice.domain.model import Speech
from nectar_voice.ports import SpeechEngine
from nectar_voice.settings import ENGINE_NAMES, VoiceSettings
from nectar_voice.synthesis import SpeechChain
from nectar_voice.telemetry import VoiceTelemetry
from nectar_voice.voice_data import load_catalog, load_pronunciations

log = logging.getLogger("nectar.voice.engines")


def build_engine(name: str, settings: VoiceSettings) -> SpeechEngine:
    """One engine configured from settings (nothing starts here)."""
    if name == "inworld":
        if settings.inworld_api_key is None:
            raise ValueError("Inworld needs VOICE_INWORLD_API_KEY")
        return InworldSpeechEngine(
            base_url=settings.inworld_base_url, api_key=settings.inworld_api_key,
            model=settings.inworld_model, timeout_s=settings.inworld_timeout_s,
            connect_timeout_s=settings.inworld_connect_timeout_s,
            connect_retries=settings.inworld_connect_retries,
            max_connections=settings.inworld_max_connections,
            bit_rate=settings.inworld_bit_rate)
    if name == "piper" and settings.piper_runtime == "onnx":
        return PiperOnnxSpeechEngine(
            model=settings.piper_model, espeak_binary=settings.espeak_binary,
            espeak_data=settings.piper_espeak_data, threads=settings.piper_threads,
            timeout_s=settings.piper_timeout_s, length_scale=settings.piper_length_scale,
            follow_speaking_rate=settings.piper_follow_speaking_rate)
    if name == "piper":
        return PiperSpeechEngine(model=settings.piper_model, timeout_s=settings.piper_timeout_s,
                                 length_scale=settings.piper_length_scale)
    if name == "espeak":
        return EspeakSpeechEngine(binary=settings.espeak_binary,
                                  timeout_s=settings.espeak_timeout_s)
    raise ValueError(f"unknown speech engine {name!r} (known: {', '.join(ENGINE_NAMES)})")


def usable_engine_names(settings: VoiceSettings) -> list[str]:
    """`VOICE_ENGINES` less the engines that cannot work with these settings (Inworld
    without an API key), each left out with a warning."""
    names = []
    for name in settings.engine_names:
        if name == "inworld" and settings.inworld_api_key is None:
            log.warning("Inworld left out of the voice chain: VOICE_INWORLD_API_KEY is not "
                        "set (the offline engines answer)", extra={"engine": name})
            continue
        names.append(name)
    return names


def build_engines(settings: VoiceSettings) -> list[SpeechEngine]:
    return [build_engine(name, settings) for name in usable_engine_names(settings)]


def build_chain(settings: VoiceSettings, *, engines: Sequence[SpeechEngine] | None = None,
                telemetry: VoiceTelemetry | None = None) -> SpeechChain:
    """The chain with the catalog and dictionaries read (and validated) from their files."""
    return SpeechChain(
        engines=list(engines) if engines is not None else build_engines(settings),
        catalog=load_catalog(settings.catalog_file),
        pronunciations=load_pronunciations(settings.pronunciation_file),
        telemetry=telemetry or VoiceTelemetry(),
        max_total_chars=settings.max_chars,
        default_cooldown_s=settings.default_cooldown_s,
        quota_cooldown_s=settings.quota_cooldown_s)


class EngineLifecycle:
    """An engine as a `Managed` of the service. `start` never blocks or fails the service:
    the engine starts in the background (Piper loads its voice for seconds), a call arriving
    meanwhile waits for it, and one that cannot start stays in the chain, fails its calls,
    and the next engine speaks (a warning and `/readyz`'s `degraded` say so). `check` is the
    engine's own once started."""

    def __init__(self, engine: SpeechEngine) -> None:
        self.engine = engine
        self._starting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if isinstance(self.engine, Managed):
            self._starting = asyncio.create_task(self._start(),
                                                 name=f"start-{self.engine.name}")

    async def _start(self) -> None:
        assert isinstance(self.engine, Managed)
        try:
            await self.engine.start()
        except Exception as exc:  # noqa: BLE001  # reported, never fatal
            log.warning("speech engine did not start; the chain goes on without it",
                        extra={"engine": self.engine.name,
                               "error": f"{type(exc).__name__}: {exc}"[:300]})

    async def close(self) -> None:
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            with contextlib.suppress(BaseException):
                await self._starting
        if isinstance(self.engine, Managed):
            with contextlib.suppress(Exception):
                await self.engine.close()

    async def check(self) -> None:
        if self._starting is not None and not self._starting.done():
            raise RuntimeError(f"{self.engine.name} is starting")
        if isinstance(self.engine, Managed):
            await self.engine.check()


async def start_engines(engines: Sequence[SpeechEngine]) -> None:
    """Start every managed engine; one that cannot start stays in the chain and fails its
    calls (the next engine then speaks)."""
    for engine in engines:
        if isinstance(engine, Managed):
            with contextlib.suppress(Exception):
                await engine.start()


async def close_engines(engines: Sequence[SpeechEngine]) -> None:
    for engine in engines:
        if isinstance(engine, Managed):
            with contextlib.suppress(Exception):
                await engine.close()


async def say(text: str, *, language: str = "en", character: str = "default",
              settings: VoiceSettings | None = None,
              engines: Sequence[SpeechEngine] | None = None) -> Speech:
    """Speak one reply with the configured chain: engines started, used, closed. Raises
    `NothingToSay` or `AllEnginesFailed` like `SpeechChain.speak`."""
    settings = settings or VoiceSettings()
    chain = build_chain(settings, engines=engines)
    await start_engines(chain.engines)
    try:
        return await chain.speak(text, language=language, character=character)
    finally:
        await close_engines(chain.engines)
