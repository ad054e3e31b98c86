"""The Inworld adapter against the emulator over real HTTP: the request on the wire, audio
that decodes, and every failure mode mapped to its domain error; in the chain, corrupt
audio or base64 moves to the next engine."""

from __future__ import annotations

import base64
import io
import json

import httpx
import pytest
import soundfile as sf
from conftest import API_KEY
from nectar_emulators._server import RunningServer
from nectar_voice.adapters.inworld import InworldSpeechEngine
from nectar_voice.domain import (
    LANGUAGES,
    EngineCaps,
    EngineRequest,
    Gender,
    PermanentSynthesisError,
    Prosody,
    QuotaExhausted,
    TransientSynthesisError,
    UnsupportedLanguage,
    VoiceChoice,
)
from nectar_voice.engines import build_chain
from nectar_voice.fakes import FakeSpeechEngine
from nectar_voice.settings import VoiceSettings
from pydantic import SecretStr

pytestmark = pytest.mark.integration

ASHLEY = VoiceChoice("inworld", "Ashley", "inworld-tts-1.5-max")


def request(text: str = '<speak>Hello there<break time="0.5s"/> how are you?</speak>',
            language: str = "en", prosody: Prosody | None = None) -> EngineRequest:
    return EngineRequest(text=text, language=language, voice=ASHLEY,
                         prosody=prosody or Prosody(temperature=1.3, speaking_rate=1.12))


async def script(control: httpx.AsyncClient, behaviour: str, times: int = 1) -> None:
    response = await control.post("/_emulator/script",
                                  json={"behaviour": behaviour, "times": times})
    assert response.status_code == 200, response.text


async def test_synthesis_speaks_the_real_protocol(inworld: InworldSpeechEngine,
                                                  control: httpx.AsyncClient) -> None:
    audio = await inworld.synthesize(request())
    assert audio.sample_rate == 48000 and audio.encoded is not None
    info = sf.info(io.BytesIO(audio.encoded))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    assert 1.0 < audio.duration_s < 4.0  # 7 syllables and a 0.5 s break
    assert audio.billed_chars == len("Hello there how are you?")
    calls = (await control.get("/_emulator/calls")).json()["calls"]
    body = calls[-1]["body"]
    assert body == {"text": '<speak>Hello there<break time="0.5s"/> how are you?</speak>',
                    "voiceId": "Ashley", "modelId": "inworld-tts-1.5-max",
                    "audioConfig": {"audioEncoding": "OGG_OPUS", "sampleRateHertz": 48000,
                                    "bitRate": 64000, "speakingRate": 1.12},
                    "temperature": 1.3}


async def test_longer_text_gives_longer_audio(inworld: InworldSpeechEngine) -> None:
    short = await inworld.synthesize(request("Hi."))
    long = await inworld.synthesize(request("Hi. " + "This is a much longer reply. " * 8))
    assert long.duration_s > 5 * short.duration_s


@pytest.mark.parametrize(("behaviour", "error", "outcome"), [
    ("http_500", TransientSynthesisError, "server_error"),
    ("http_503", TransientSynthesisError, "server_error"),
    ("http_408", TransientSynthesisError, "transient"),
    ("http_400", PermanentSynthesisError, "rejected"),
    ("http_403", PermanentSynthesisError, "rejected"),
    ("budget_exhausted", QuotaExhausted, "quota"),
    ("timeout:20", TransientSynthesisError, "timeout"),
    ("corrupt_base64", TransientSynthesisError, "bad_audio"),
    ("corrupt_audio", TransientSynthesisError, "bad_audio"),
    ("empty_audio", TransientSynthesisError, "bad_audio"),
    ("bad_json", TransientSynthesisError, "bad_response"),
])
async def test_failure_modes_map_to_domain_errors(inworld: InworldSpeechEngine,
                                                  control: httpx.AsyncClient, behaviour: str,
                                                  error: type, outcome: str) -> None:
    await script(control, behaviour)
    with pytest.raises(error) as raised:
        await inworld.synthesize(request())
    assert raised.value.outcome == outcome
    assert API_KEY not in str(raised.value)
    # the next call is fine again
    assert (await inworld.synthesize(request("Fine."))).duration_s > 0


async def test_rate_limit_carries_retry_after(inworld: InworldSpeechEngine,
                                              control: httpx.AsyncClient) -> None:
    await script(control, "http_429:7")
    with pytest.raises(TransientSynthesisError) as raised:
        await inworld.synthesize(request())
    assert (raised.value.outcome, raised.value.status, raised.value.retry_after_s) == (
        "rate_limited", 429, 7.0)


async def test_character_budget_runs_out_as_quota(inworld: InworldSpeechEngine,
                                                  control: httpx.AsyncClient) -> None:
    await control.post("/_emulator/budget", json={"budget": 30})
    await inworld.synthesize(request("Twenty characters!!!"))
    with pytest.raises(QuotaExhausted):
        await inworld.synthesize(request("Twenty characters!!!"))
    assert (await control.get("/_emulator/budget")).json() == {"budget": 30, "used": 20}


async def test_over_long_text_and_bad_parameters_are_rejected(
        inworld: InworldSpeechEngine) -> None:
    with pytest.raises(PermanentSynthesisError, match="at most 2000"):
        await inworld.synthesize(request("a" * 2001))
    with pytest.raises(PermanentSynthesisError, match="not found"):
        await inworld.synthesize(EngineRequest("Hi.", "en", VoiceChoice("inworld", "Nobody"),
                                               Prosody()))
    with pytest.raises(PermanentSynthesisError, match="modelId"):
        await inworld.synthesize(EngineRequest("Hi.", "en",
                                               VoiceChoice("inworld", "Ashley", "tts-0"),
                                               Prosody()))


async def test_wrong_credentials_are_rejected(inworld_server: RunningServer) -> None:
    engine = InworldSpeechEngine(base_url=inworld_server.url, api_key=SecretStr("wrong"))
    await engine.start()
    try:
        with pytest.raises(PermanentSynthesisError) as raised:
            await engine.synthesize(request())
        assert raised.value.status == 401
    finally:
        await engine.close()


async def test_unreachable_provider_is_transient() -> None:
    engine = InworldSpeechEngine(base_url="http://127.0.0.1:9", api_key=SecretStr("k"),
                                 connect_retries=0, timeout_s=2)
    await engine.start()
    try:
        with pytest.raises(TransientSynthesisError) as raised:
            await engine.synthesize(request())
        assert raised.value.outcome == "connection"
    finally:
        await engine.close()


async def test_languages_inworld_does_not_speak_make_no_call(
        inworld: InworldSpeechEngine, control: httpx.AsyncClient) -> None:
    with pytest.raises(UnsupportedLanguage):
        await inworld.synthesize(request("Merhaba", "tr"))
    assert (await control.get("/_emulator/calls")).json()["calls"] == []


async def test_gender_is_sent_as_the_provider_enum(inworld: InworldSpeechEngine,
                                                   control: httpx.AsyncClient) -> None:
    female = await inworld.list_voices("fr", Gender.FEMALE)
    male = await inworld.list_voices("fr", Gender.MALE)
    assert [v["voiceId"] for v in female] == ["Hélène"]
    assert {v["voiceId"] for v in male} == {"Mathieu", "Alain"}
    # the plain string, as the production article found, is a 400
    raw = await control.get("/tts/v1/voices", params={"filter": "language=fr",
                                                      "gender": "female"},
                            headers={"Authorization": f"Basic {API_KEY}"})
    assert raw.status_code == 400 and raw.json()["code"] == 3


async def test_streaming_endpoint_yields_decodable_chunks(control: httpx.AsyncClient) -> None:
    body = {"text": "First sentence here. And a second one! Third?", "voiceId": "Ashley",
            "modelId": "inworld-tts-1.5-mini",
            "audioConfig": {"audioEncoding": "LINEAR16", "sampleRateHertz": 24000}}
    async with control.stream("POST", "/tts/v1/voice:stream", json=body,
                              headers={"Authorization": f"Basic {API_KEY}"}) as response:
        assert response.status_code == 200
        lines = [json.loads(line) async for line in response.aiter_lines() if line.strip()]
    assert len(lines) == 3
    for line in lines:
        info = sf.info(io.BytesIO(base64.b64decode(line["result"]["audioContent"])))
        assert (info.format, info.samplerate) == ("WAV", 24000)
    assert lines[-1]["result"]["usage"]["processedCharactersCount"] == len(body["text"])


@pytest.mark.parametrize("behaviour", ["corrupt_base64", "corrupt_audio", "http_503",
                                       "budget_exhausted"])
async def test_in_the_chain_a_broken_answer_moves_to_the_next_engine(
        inworld_server: RunningServer, control: httpx.AsyncClient, behaviour: str) -> None:
    settings = VoiceSettings(inworld_base_url=inworld_server.url,
                             inworld_api_key=SecretStr(API_KEY), engines="inworld")
    backup = FakeSpeechEngine(name="espeak", caps=EngineCaps(languages=frozenset(LANGUAGES)))
    chain = build_chain(settings)
    chain.engines = [*chain.engines, backup]
    await chain.engines[0].start()
    try:
        await script(control, behaviour)
        speech = await chain.speak("Hello... how are you? *laughs*", language="en",
                                   character="luna")
        assert speech.engine == "espeak"
        assert backup.texts() == ["Hello, how are you?"]
        assert speech.attempts[0].engine == "inworld" and speech.attempts[0].outcome != "ok"
        again = await chain.speak("Hello again.", language="en", character="luna")
        if behaviour in ("corrupt_base64", "corrupt_audio"):
            assert again.engine == "inworld" and again.voice.voice == "Olivia"
            info = sf.info(io.BytesIO(again.ogg))
            assert (info.samplerate, info.channels) == (48000, 1)
            assert again.duration_s == pytest.approx(info.duration)
    finally:
        await chain.engines[0].close()
