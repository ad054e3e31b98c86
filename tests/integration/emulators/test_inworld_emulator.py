"""The Inworld emulator over HTTP: Inworld's checks and error bodies, audio in every
encoding, the character budget and the control API."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator

import httpx
import pytest
import soundfile as sf
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.inworld import InworldEmulatorSettings, create_app

AUTH = {"Authorization": "Basic dGVzdA=="}
BODY = {"text": "Hello there, how are you?", "voiceId": "Ashley",
        "modelId": "inworld-tts-1.5-max",
        "audioConfig": {"audioEncoding": "OGG_OPUS", "sampleRateHertz": 48000}}


@pytest.fixture
async def inworld() -> AsyncIterator[RunningServer]:
    async with serve(create_app(InworldEmulatorSettings())) as server:
        yield server


@pytest.fixture
async def client(inworld: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=inworld.url, timeout=15) as http:
        yield http


def with_(**changes: object) -> dict:
    body = {**BODY, "audioConfig": dict(BODY["audioConfig"])}
    for key, value in changes.items():
        if key in ("audioEncoding", "sampleRateHertz", "speakingRate"):
            body["audioConfig"][key] = value
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(("encoding", "rate", "fmt"), [
    ("OGG_OPUS", 48000, "OGG"), ("OGG_OPUS", 24000, "OGG"), ("LINEAR16", 22050, "WAV"),
    ("FLAC", 44100, "FLAC"), ("MP3", 24000, "MP3"), ("MULAW", 8000, "WAV"),
    ("ALAW", 8000, "WAV")])
async def test_every_encoding_decodes(client: httpx.AsyncClient, encoding: str, rate: int,
                                      fmt: str) -> None:
    response = await client.post("/tts/v1/voice", headers=AUTH,
                                 json=with_(audioEncoding=encoding, sampleRateHertz=rate))
    assert response.status_code == 200, response.text
    data = response.json()
    info = sf.info(io.BytesIO(base64.b64decode(data["audioContent"])))
    assert (info.format, info.samplerate, info.channels) == (fmt, rate, 1)
    assert 1.0 < info.duration < 4.0
    assert data["usage"] == {"processedCharactersCount": len(BODY["text"]),
                             "modelId": "inworld-tts-1.5-max"}


async def test_snake_case_fields_are_accepted(client: httpx.AsyncClient) -> None:
    body = {"text": "Hi.", "voice_id": "Dennis", "model_id": "inworld-tts-1.5-mini",
            "audio_config": {"audio_encoding": "LINEAR16", "sample_rate_hertz": 16000}}
    assert (await client.post("/tts/v1/voice", headers=AUTH, json=body)).status_code == 200


@pytest.mark.parametrize(("body", "message"), [
    (with_(text="a" * 2001), "at most 2000"), (with_(text=""), "text is required"),
    (with_(voiceId=""), "voiceId"), (with_(modelId="tts-9"), "modelId"),
    (with_(audioEncoding="WAV"), "audioEncoding"), (with_(sampleRateHertz=96000), "between"),
    (with_(sampleRateHertz=22050), "OGG_OPUS"), (with_(speakingRate=1.6), "speakingRate"),
    (with_(temperature=0), "temperature"), (with_(gender="female"), "VOICE_GENDER_MALE"),
])
async def test_invalid_arguments_are_400_with_a_grpc_body(client: httpx.AsyncClient,
                                                          body: dict, message: str) -> None:
    response = await client.post("/tts/v1/voice", headers=AUTH, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == 3 and message in response.json()["message"]


async def test_gender_enum_values_are_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post("/tts/v1/voice", headers=AUTH,
                                 json=with_(gender="VOICE_GENDER_FEMALE"))
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer x"},
                                     {"Authorization": "Basic"}])
async def test_missing_basic_auth_is_401(client: httpx.AsyncClient, headers: dict) -> None:
    response = await client.post("/tts/v1/voice", headers=headers, json=BODY)
    assert response.status_code == 401 and response.json()["code"] == 16


async def test_breaks_lengthen_audio_and_past_twenty_are_ignored(
        client: httpx.AsyncClient) -> None:
    async def duration(text: str) -> float:
        response = await client.post("/tts/v1/voice", headers=AUTH, json=with_(text=text))
        return sf.info(io.BytesIO(base64.b64decode(response.json()["audioContent"]))).duration

    plain = await duration("One two three.")
    paused = await duration('<speak>One <break time="1s"/> two three.</speak>')
    assert paused - plain == pytest.approx(1.0, abs=0.15)
    twenty = await duration("<speak>" + 'a <break time="0.5s"/> ' * 20 + "end.</speak>")
    thirty = await duration("<speak>" + 'a <break time="0.5s"/> ' * 30 + "end.</speak>")
    syllables = 10 * (0.17 + 0.04)  # ten more "a"s, no more pauses
    assert thirty - twenty == pytest.approx(syllables, abs=0.25)


async def test_scripted_failures_are_used_once_each_in_order(client: httpx.AsyncClient) -> None:
    for spec in ("http_503", "http_429:9"):
        assert (await client.post("/_emulator/script",
                                  json={"behaviour": spec})).status_code == 200
    first = await client.post("/tts/v1/voice", headers=AUTH, json=BODY)
    second = await client.post("/tts/v1/voice", headers=AUTH, json=BODY)
    third = await client.post("/tts/v1/voice", headers=AUTH, json=BODY)
    assert (first.status_code, first.json()["code"]) == (503, 14)
    assert (second.status_code, second.headers["retry-after"]) == (429, "9")
    assert third.status_code == 200
    calls = (await client.get("/_emulator/calls")).json()["calls"]
    assert [c["behaviour"] for c in calls] == ["http_503", "http_429:9", "ok"]
    bad = await client.post("/_emulator/script", json={"behaviour": "explode"})
    assert bad.status_code == 400


async def test_budget_exhausts_and_reset_restores(client: httpx.AsyncClient) -> None:
    await client.post("/_emulator/budget", json={"budget": len(BODY["text"])})
    assert (await client.post("/tts/v1/voice", headers=AUTH, json=BODY)).status_code == 200
    spent = await client.post("/tts/v1/voice", headers=AUTH, json=BODY)
    assert spent.status_code == 429 and "quota" in spent.json()["message"]
    assert "retry-after" not in spent.headers
    await client.post("/_emulator/reset")
    assert (await client.get("/_emulator/budget")).json() == {"budget": None, "used": 0}


async def test_voice_list_filters_by_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/tts/v1/voices", headers=AUTH,
                                params={"filter": "language=ja"})
    assert [v["voiceId"] for v in response.json()["voices"]] == ["Asuka", "Satoshi"]
    bad = await client.get("/tts/v1/voices", headers=AUTH, params={"filter": "gender=x"})
    assert bad.status_code == 400
