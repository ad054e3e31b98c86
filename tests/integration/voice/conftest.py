"""Voice integration wiring: the Inworld emulator over real HTTP, the real offline engines."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.inworld import InworldEmulatorSettings
from nectar_emulators.inworld import create_app as create_inworld_app
from nectar_voice.adapters.espeak import EspeakSpeechEngine
from nectar_voice.adapters.inworld import InworldSpeechEngine
from nectar_voice.adapters.piper import PiperSpeechEngine
from nectar_voice.adapters.piper_onnx import PiperOnnxSpeechEngine
from pydantic import SecretStr

API_KEY = "aW53b3JsZC10ZXN0LWtleQ=="


@pytest.fixture
async def inworld_server() -> AsyncIterator[RunningServer]:
    settings = InworldEmulatorSettings(api_key=API_KEY, strict_voices=True)
    async with serve(create_inworld_app(settings)) as server:
        yield server


@pytest.fixture
async def control(inworld_server: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=inworld_server.url, timeout=10) as client:
        yield client


@pytest.fixture
async def inworld(inworld_server: RunningServer) -> AsyncIterator[InworldSpeechEngine]:
    engine = InworldSpeechEngine(base_url=inworld_server.url, api_key=SecretStr(API_KEY),
                                 timeout_s=6, connect_retries=0)
    await engine.start()
    yield engine
    await engine.close()


@pytest.fixture(scope="session")
async def piper() -> AsyncIterator[PiperOnnxSpeechEngine]:
    """The default Piper engine: our adapter (ONNX Runtime in-process, espeak-ng program)."""
    engine = PiperOnnxSpeechEngine()
    await engine.start()
    yield engine
    await engine.close()


@pytest.fixture(scope="session")
async def piper_program() -> AsyncIterator[PiperSpeechEngine]:
    """Piper's own command line in a worker process (`VOICE_PIPER_RUNTIME=program`)."""
    engine = PiperSpeechEngine()
    await engine.start()
    yield engine
    await engine.close()


@pytest.fixture
async def espeak() -> EspeakSpeechEngine:
    engine = EspeakSpeechEngine()
    await engine.start()
    await engine.check()
    return engine
