"""The Inworld TTS emulator's Starlette app.

Endpoints (Inworld's paths and bodies, docs.inworld.ai API reference)
- `POST /tts/v1/voice`: `{text, voiceId, modelId, audioConfig: {audioEncoding,
  sampleRateHertz, bitRate, speakingRate}, temperature, applyTextNormalization,
  timestampType}` -> `{audioContent: <base64>, usage: {processedCharactersCount, modelId}}`.
  snake_case field names are accepted too (proto JSON).
- `POST /tts/v1/voice:stream`: the same body; newline-delimited JSON, one
  `{"result": {"audioContent", "usage"}}` per sentence (each chunk a complete file in the
  requested encoding), or `{"error": {code, message}}`.
- `GET /tts/v1/voices?filter=language=xx[&gender=VOICE_GENDER_FEMALE]`: `{voices: [{voiceId,
  displayName, description, languages, tags}]}`.
- `POST|GET|DELETE /_emulator/script`, `GET|DELETE /_emulator/calls`, `GET|POST
  /_emulator/budget`, `POST /_emulator/reset`; `GET /healthz`.

Checks like Inworld's, answered as gRPC-gateway errors `{code, message, details: []}`:
`Authorization: Basic <credential>` (401 UNAUTHENTICATED), text present and at most 2,000
characters, known `modelId` and `audioEncoding`, `sampleRateHertz` 8,000-48,000 (Opus: 8,
12, 16, 24 or 48 kHz), `speakingRate` 0.5-1.5, `temperature` in (0, 2], and a `gender`
given as `VOICE_GENDER_MALE` / `VOICE_GENDER_FEMALE` (plain "male"/"female" get 400, as the
production article reports) -> 400 INVALID_ARGUMENT. Past the character budget: 429
RESOURCE_EXHAUSTED "character quota exhausted".
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .._server import healthz, sleep_unless_disconnected
from .audio import ENCODINGS, OPUS_RATES, encode, render_speech, spoken_characters
from .behaviours import Behaviour, parse_behaviour
from .settings import InworldEmulatorSettings
from .state import CallRecord, InworldEmulator

__all__ = ["VOICES", "create_app"]

log = logging.getLogger("nectar_emulators.inworld")

#: gRPC status codes used in error bodies
_GRPC = {400: 3, 401: 16, 403: 7, 404: 5, 408: 4, 409: 10, 429: 8, 499: 1, 500: 13, 501: 12,
         502: 14, 503: 14, 504: 4}
_GENDERS = ("VOICE_GENDER_MALE", "VOICE_GENDER_FEMALE", "VOICE_GENDER_UNSPECIFIED")
_CLIENT_GONE = 499

#: shipped voices (voiceId, gender, languages); any voiceId speaks unless strict_voices
VOICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Ashley", "female", ("en",)), ("Olivia", "female", ("en",)), ("Sarah", "female", ("en",)),
    ("Julia", "female", ("en",)), ("Deborah", "female", ("en",)), ("Wendy", "female", ("en",)),
    ("Dennis", "male", ("en",)), ("Mark", "male", ("en",)), ("Craig", "male", ("en",)),
    ("Timothy", "male", ("en",)), ("Alex", "male", ("en",)), ("Edward", "male", ("en",)),
    ("Xiaoyin", "female", ("zh",)), ("Xinyi", "female", ("zh",)), ("Yichen", "male", ("zh",)),
    ("Katrien", "female", ("nl",)), ("Lore", "female", ("nl",)), ("Erik", "male", ("nl",)),
    ("Hélène", "female", ("fr",)), ("Mathieu", "male", ("fr",)), ("Alain", "male", ("fr",)),
    ("Johanna", "female", ("de",)), ("Josef", "male", ("de",)),
    ("Orietta", "female", ("it",)), ("Gianni", "male", ("it",)),
    ("Asuka", "female", ("ja",)), ("Satoshi", "male", ("ja",)),
    ("Minji", "female", ("ko",)), ("Yoona", "female", ("ko",)), ("Hyunwoo", "male", ("ko",)),
    ("Szymon", "male", ("pl",)), ("Wojciech", "male", ("pl",)),
    ("Maitê", "female", ("pt",)), ("Heitor", "male", ("pt",)),
    ("Lupita", "female", ("es",)), ("Diego", "male", ("es",)), ("Miguel", "male", ("es",)),
)
_VOICE_IDS = {v[0] for v in VOICES}


class InvalidArgument(Exception):
    """The request is malformed (answered 400 INVALID_ARGUMENT)."""


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    body = {"code": _GRPC.get(status, 2), "message": message, "details": []}
    return JSONResponse(body, status_code=status, headers=headers or None)


def _emulator(request: Request) -> InworldEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


def _authorised(request: Request, emulator: InworldEmulator) -> JSONResponse | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not credential.strip():
        return _error(401, "Request is missing required authentication credential. Expected "
                      "Basic authentication.")
    expected = emulator.settings.api_key
    if expected is not None and credential.strip() != expected:
        return _error(401, "Invalid authentication credentials.")
    return None


def _field(body: dict[str, Any], camel: str) -> Any:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()
    return body.get(camel, body.get(snake))


def _validate(body: Any, settings: InworldEmulatorSettings) -> dict[str, Any]:
    """The synthesis parameters, or InvalidArgument with Inworld-like wording."""
    if not isinstance(body, dict):
        raise InvalidArgument("Request body must be a JSON object")
    text = _field(body, "text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument("text is required")
    if len(text) > settings.max_text_chars:
        raise InvalidArgument(f"text must be at most {settings.max_text_chars} characters, "
                              f"got {len(text)}")
    voice = _field(body, "voiceId")
    if not isinstance(voice, str) or not voice:
        raise InvalidArgument("voiceId is required")
    model = _field(body, "modelId")
    if model not in settings.models:
        raise InvalidArgument(f"Invalid modelId: {model!r}")
    gender = _field(body, "gender")
    if gender is not None and gender not in _GENDERS:
        raise InvalidArgument(f"Invalid value for gender: {gender!r}; expected one of "
                              f"{', '.join(_GENDERS)}")
    config = _field(body, "audioConfig") or {}
    if not isinstance(config, dict):
        raise InvalidArgument("audioConfig must be an object")
    encoding = _field(config, "audioEncoding") or "MP3"
    if encoding not in ENCODINGS:
        raise InvalidArgument(f"Invalid value for audioEncoding: {encoding!r}")
    rate = _field(config, "sampleRateHertz") or 48000
    if not isinstance(rate, int) or not 8000 <= rate <= 48000:
        raise InvalidArgument(f"sampleRateHertz must be between 8000 and 48000, got {rate!r}")
    if encoding == "OGG_OPUS" and rate not in OPUS_RATES:
        raise InvalidArgument(f"sampleRateHertz {rate} is not supported for OGG_OPUS")
    speaking_rate = _field(config, "speakingRate")
    speaking_rate = 1.0 if speaking_rate is None else speaking_rate
    if not isinstance(speaking_rate, (int, float)) or not 0.5 <= speaking_rate <= 1.5:
        raise InvalidArgument(f"speakingRate must be between 0.5 and 1.5, got {speaking_rate!r}")
    temperature = _field(body, "temperature")
    temperature = 1.1 if temperature is None else temperature
    if not isinstance(temperature, (int, float)) or not 0 < temperature <= 2:
        raise InvalidArgument(f"temperature must be in (0, 2], got {temperature!r}")
    return {"text": text, "voice": voice, "model": model, "encoding": encoding, "rate": rate,
            "speaking_rate": float(speaking_rate), "temperature": float(temperature),
            "bit_rate": _field(config, "bitRate")}


def _audio(params: dict[str, Any], text: str, settings: InworldEmulatorSettings) -> bytes:
    samples = render_speech(text, rate=params["rate"], speaking_rate=params["speaking_rate"],
                            temperature=params["temperature"],
                            seconds_per_syllable=settings.seconds_per_syllable)
    return encode(samples, params["rate"], params["encoding"], params["bit_rate"])


async def _prepare(request: Request) -> tuple[InworldEmulator, CallRecord, Response | None,
                                               dict[str, Any], Behaviour]:
    emulator = _emulator(request)
    record = CallRecord(path=request.url.path, body=None)
    emulator.calls.append(record)
    denied = _authorised(request, emulator)
    if denied is not None:
        record.response_status = 401
        return emulator, record, denied, {}, parse_behaviour("ok")
    try:
        body = json.loads(await request.body())
    except ValueError:
        record.response_status = 400
        return emulator, record, _error(400, "Invalid JSON payload"), {}, parse_behaviour("ok")
    record.body = body if isinstance(body, dict) else None
    behaviour, source = emulator.next_behaviour()
    record.behaviour = behaviour.spec
    try:
        params = _validate(body, emulator.settings)
    except InvalidArgument as exc:
        record.response_status = 400
        return emulator, record, _error(400, str(exc)), {}, behaviour
    if emulator.settings.strict_voices and params["voice"] not in _VOICE_IDS:
        record.response_status = 404
        return emulator, record, _error(404, f"Voice {params['voice']!r} not found"), {}, \
            behaviour
    log.info("synthesis", extra={"voice": params["voice"], "model": params["model"],
                                 "chars": len(params["text"]), "behaviour": behaviour.spec,
                                 "source": source})
    return emulator, record, None, params, behaviour


async def _failure(request: Request, emulator: InworldEmulator, record: CallRecord,
                   behaviour: Behaviour, characters: int) -> Response | None:
    """The scripted failure for this call, or None to answer normally (after any delay)."""
    if behaviour.kind == "http":
        status = behaviour.status or 500
        record.response_status = status
        headers: dict[str, str] = {}
        if status == 429:
            headers["Retry-After"] = str(int(behaviour.seconds
                                             or emulator.settings.default_retry_after_s))
            return _error(status, "Rate limit exceeded. Please retry later.", **headers)
        return _error(status, f"emulated HTTP {status}")
    if behaviour.kind == "budget_exhausted" or emulator.over_budget(characters):
        record.response_status = 429
        return _error(429, "Character quota exhausted for the current billing period.")
    delay = 0.0
    if behaviour.kind == "timeout":
        delay = behaviour.seconds if behaviour.seconds is not None \
            else emulator.settings.default_timeout_s
    elif behaviour.kind == "slow":
        delay = behaviour.seconds or 0.0
    if delay and await sleep_unless_disconnected(request, delay):
        record.response_status = _CLIENT_GONE
        return Response(status_code=_CLIENT_GONE)
    return None


async def synthesize(request: Request) -> Response:
    """`POST /tts/v1/voice`."""
    emulator, record, early, params, behaviour = await _prepare(request)
    if early is not None:
        return early
    characters = spoken_characters(params["text"])
    failure = await _failure(request, emulator, record, behaviour, characters)
    if failure is not None:
        return failure
    record.response_status = 200
    if behaviour.kind == "bad_json":
        return Response(b'{"audioContent": "T2dnUw', media_type="application/json")
    usage = {"processedCharactersCount": characters, "modelId": params["model"]}
    if behaviour.kind == "empty_audio":
        return JSONResponse({"usage": usage})
    if behaviour.kind == "corrupt_base64":
        return JSONResponse({"audioContent": "T2dnUw!!not*base64%%", "usage": usage})
    if behaviour.kind == "corrupt_audio":
        junk = b"OggS" + bytes(range(256)) * 8
        return JSONResponse({"audioContent": base64.b64encode(junk).decode(), "usage": usage})
    audio = await asyncio.to_thread(_audio, params, params["text"], emulator.settings)
    emulator.characters_used += characters
    record.characters = characters
    return JSONResponse({"audioContent": base64.b64encode(audio).decode(), "usage": usage})


_SENTENCES = re.compile(r"(?<=[.!?。！？])\s*")


async def synthesize_stream(request: Request) -> Response:
    """`POST /tts/v1/voice:stream`: newline-delimited JSON results, one per sentence."""
    emulator, record, early, params, behaviour = await _prepare(request)
    if early is not None:
        return early
    characters = spoken_characters(params["text"])
    failure = await _failure(request, emulator, record, behaviour, characters)
    if failure is not None:
        return failure
    record.response_status = 200
    text = re.sub(r"</?\s*speak[^>]*>", "", params["text"])
    sentences = [s for s in _SENTENCES.split(text) if s.strip()] or [text]

    async def lines() -> AsyncIterator[bytes]:
        for index, sentence in enumerate(sentences):
            if behaviour.kind in ("corrupt_base64", "corrupt_audio", "empty_audio") \
                    and index == len(sentences) // 2:
                content = "%%%not-base64" if behaviour.kind == "corrupt_base64" else \
                    base64.b64encode(b"OggS" + bytes(64)).decode()
                yield (json.dumps({"result": {"audioContent": content}}) + "\n").encode()
                continue
            audio = await asyncio.to_thread(_audio, params, sentence, emulator.settings)
            result = {"audioContent": base64.b64encode(audio).decode()}
            if index == len(sentences) - 1:
                result["usage"] = {"processedCharactersCount": characters,
                                   "modelId": params["model"]}
            yield (json.dumps({"result": result}) + "\n").encode()
        emulator.characters_used += characters
        record.characters = characters

    return StreamingResponse(lines(), media_type="application/json")


async def list_voices(request: Request) -> Response:
    """`GET /tts/v1/voices?filter=language=xx`; optional `gender=VOICE_GENDER_*`."""
    emulator = _emulator(request)
    denied = _authorised(request, emulator)
    if denied is not None:
        return denied
    language = None
    match = re.fullmatch(r"\s*language\s*=\s*([a-zA-Z-]+)\s*",
                         request.query_params.get("filter", "") or "language=*")
    if request.query_params.get("filter") and match is None:
        return _error(400, "Invalid filter: only language=<ISO 639-1 code> is supported")
    if match and match.group(1) != "*":
        language = match.group(1).lower().split("-")[0]
    gender = request.query_params.get("gender")
    if gender is not None and gender not in _GENDERS:
        return _error(400, f"Invalid value for gender: {gender!r}; expected one of "
                      f"{', '.join(_GENDERS)}")
    wanted = {"VOICE_GENDER_MALE": "male", "VOICE_GENDER_FEMALE": "female"}.get(gender or "")
    voices = [{"voiceId": vid, "displayName": vid, "description": f"An emulated {sex} voice",
               "languages": list(langs), "tags": [sex]}
              for vid, sex, langs in VOICES
              if (language is None or language in langs) and (wanted is None or sex == wanted)]
    return JSONResponse({"voices": voices})


# --- control API -------------------------------------------------------------------------


async def script(request: Request) -> Response:
    emulator = _emulator(request)
    if request.method == "DELETE":
        count = len(emulator.scripts)
        emulator.scripts.clear()
        return JSONResponse({"cleared": count})
    if request.method == "GET":
        return JSONResponse({"scripts": [e.as_json() for e in emulator.scripts]})
    try:
        body = await request.json()
        behaviour = parse_behaviour(str(body["behaviour"]))
        times = body.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or null (forever)")
    except (ValueError, KeyError, TypeError) as exc:
        return JSONResponse({"ok": False, "description": str(exc)}, status_code=400)
    entry = emulator.script(behaviour, times)
    return JSONResponse({"ok": True, "script": entry.as_json()})


async def calls(request: Request) -> Response:
    emulator = _emulator(request)
    if request.method == "DELETE":
        count = len(emulator.calls)
        emulator.calls.clear()
        return JSONResponse({"cleared": count})
    return JSONResponse({"calls": [c.as_json() for c in emulator.calls]})


async def budget(request: Request) -> Response:
    """`GET`: characters used and the budget; `POST {"budget": N|null}` sets the budget,
    `{"used": N}` the characters used so far."""
    emulator = _emulator(request)
    if request.method == "POST":
        try:
            body = await request.json()
            if "budget" in body:
                value = body["budget"]
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise ValueError("budget must be a non-negative integer or null")
                emulator.budget = value
            if "used" in body:
                if not isinstance(body["used"], int) or body["used"] < 0:
                    raise ValueError("used must be a non-negative integer")
                emulator.characters_used = body["used"]
        except (ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"ok": False, "description": str(exc)}, status_code=400)
    return JSONResponse({"budget": emulator.budget, "used": emulator.characters_used})


async def reset(request: Request) -> Response:
    _emulator(request).reset()
    return JSONResponse({"ok": True})


def create_app(settings: InworldEmulatorSettings | None = None) -> Starlette:
    """The emulator app; its state is `app.state.emulator`."""
    settings = settings or InworldEmulatorSettings()
    app = Starlette(routes=[
        Route("/tts/v1/voice", synthesize, methods=["POST"]),
        Route("/tts/v1/voice:stream", synthesize_stream, methods=["POST"]),
        Route("/tts/v1/voices", list_voices, methods=["GET"]),
        Route("/_emulator/script", script, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/calls", calls, methods=["GET", "DELETE"]),
        Route("/_emulator/budget", budget, methods=["GET", "POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
    app.state.emulator = InworldEmulator(settings)
    return app
