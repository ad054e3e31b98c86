"""`SpeechEngine` over Inworld's TTS API (httpx): `POST /tts/v1/voice`.

Request (docs.inworld.ai, API reference "Synthesize speech"): `Authorization: Basic <key>`
(the Base64 credential from the portal, sent as is), body `{text (<= 2,000 characters),
voiceId, modelId, audioConfig: {audioEncoding: "OGG_OPUS", sampleRateHertz: 48000, bitRate,
speakingRate (0.5-1.5)}, temperature ((0, 2])}`. Response `{audioContent: <base64>, usage:
{processedCharactersCount, modelId}}`. Errors are gRPC-gateway bodies `{code, message,
details}` with the HTTP status.

Translation into domain errors:
- 408, 409, 425, 429 (with `Retry-After`), 5xx, timeouts, connection errors, a body that is
  not JSON -> `TransientSynthesisError`;
- HTTP 200 whose `audioContent` is missing, not base64, or not decodable audio ->
  `TransientSynthesisError(outcome="bad_audio")` (the chain moves to the next engine);
- 402, or 429 whose message speaks of quota, credits or billing (the character budget is
  spent; no `Retry-After` will help) -> `QuotaExhausted`;
- any other 4xx (400 over-long text or a wrong enum, 401/403 credentials, 404 unknown
  voice) -> `PermanentSynthesisError`;
- a language the engine has no model for -> `UnsupportedLanguage` without a call.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx
from nectar_runtime.http import TRANSIENT_STATUSES, ProviderClient, parse_retry_after
from pydantic import SecretStr

from nectar_voice.adapters.audio import AudioDecodeError, decode, is_ogg_opus_48k_mono
from nectar_voice.domain.errors import (
    PermanentSynthesisError,
    QuotaExhausted,
    SynthesisError,
    TransientSynthesisError,
    UnsupportedLanguage,
)
from nectar_voice.domain.model import (
    OUTPUT_SAMPLE_RATE,
    Audio,
    EngineCaps,
    EngineRequest,
    Gender,
    Limits,
    ProsodyRange,
)

NAME = "inworld"
#: the 15 languages Inworld TTS 1.5 speaks natively (seed article; docs list the same)
LANGUAGES = frozenset({"en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl", "hi",
                       "ar", "he", "nl"})
#: gender as Inworld's voice APIs spell it; plain "male"/"female" strings get a 400
GENDER_ENUM = {Gender.FEMALE: "VOICE_GENDER_FEMALE", Gender.MALE: "VOICE_GENDER_MALE"}

_QUOTA_WORDS = re.compile(r"quota|credit|billing|balance|budget|insufficient", re.IGNORECASE)
_DETAIL_CHARS = 200


def _error_message(payload: Any, fallback: str = "") -> str:
    """The message of a gRPC-gateway error body (`{code, message}` or `{error: {...}}`)."""
    message = ""
    if isinstance(payload, Mapping):
        error = payload.get("error", payload)
        if isinstance(error, Mapping):
            message = str(error.get("message") or "")
        elif isinstance(error, str):
            message = error
    return " ".join((message or fallback).split())[:_DETAIL_CHARS]


def status_error(status: int, message: str, retry_after_s: float | None = None
                 ) -> SynthesisError:
    """The domain exception for an Inworld error status."""
    detail = f"HTTP {status}" + (f": {message}" if message else "")
    if status == 402 or (status == 429 and _QUOTA_WORDS.search(message)):
        return QuotaExhausted(detail, engine=NAME)
    if status == 429:
        if retry_after_s is not None:
            detail += f" (retry after {retry_after_s:g}s)"
        return TransientSynthesisError(detail, engine=NAME, outcome="rate_limited",
                                       status=status, retry_after_s=retry_after_s)
    if status >= 500:
        return TransientSynthesisError(detail, engine=NAME, outcome="server_error",
                                       status=status, retry_after_s=retry_after_s)
    if status in TRANSIENT_STATUSES:
        return TransientSynthesisError(detail, engine=NAME, outcome="transient", status=status,
                                       retry_after_s=retry_after_s)
    return PermanentSynthesisError(detail, engine=NAME, status=status)


class InworldSpeechEngine(ProviderClient):
    """Inworld TTS. `start()` opens the pooled HTTP client, `close()` closes it; both run in
    the service's lifespan, never at construction."""

    provider = "Inworld"

    name = NAME

    def __init__(self, *, base_url: str, api_key: SecretStr, model: str = "inworld-tts-1.5-max",
                 timeout_s: float = 20.0, connect_timeout_s: float = 5.0,
                 connect_retries: int = 1, max_connections: int = 16,
                 bit_rate: int = 64_000, languages: frozenset[str] = LANGUAGES,
                 limits: Limits | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.model = model
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.connect_retries = connect_retries
        self.max_connections = max_connections
        self.bit_rate = bit_rate
        self.caps = EngineCaps(languages=frozenset(languages), ssml=True,
                               ipa_languages=frozenset({"en"}), limits=limits or Limits(),
                               prosody=ProsodyRange())
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the pooled HTTP client (lifespan startup hook)."""
        if self._client is not None:
            return
        limits = httpx.Limits(max_connections=self.max_connections,
                              max_keepalive_connections=self.max_connections)
        transport = self._transport or httpx.AsyncHTTPTransport(
            retries=self.connect_retries, limits=limits)
        self._client = httpx.AsyncClient(
            base_url=self.base_url, transport=transport,
            headers={"Authorization": f"Basic {self._api_key.get_secret_value()}"},
            timeout=httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s),
        )

    def request_body(self, request: EngineRequest) -> dict[str, Any]:
        caps = self.caps.prosody
        return {
            "text": request.text,
            "voiceId": request.voice.voice,
            "modelId": request.voice.model or self.model,
            "audioConfig": {
                "audioEncoding": "OGG_OPUS",
                "sampleRateHertz": OUTPUT_SAMPLE_RATE,
                "bitRate": self.bit_rate,
                "speakingRate": caps.rate(request.prosody.speaking_rate),
            },
            "temperature": caps.temperature(request.prosody.temperature),
        }

    def _scrub(self, text: str) -> str:
        secret = self._api_key.get_secret_value()
        return text.replace(secret, "***") if secret else text

    async def synthesize(self, request: EngineRequest) -> Audio:
        if self._client is None:
            # the port promises domain errors only: a chain used before the lifespan ran
            # opens the client itself rather than failing with a RuntimeError
            await self.start()
        assert self._client is not None
        if request.language not in self.caps.languages:
            raise UnsupportedLanguage(f"Inworld has no model for {request.language!r}",
                                      engine=NAME)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                response = await self._client.post("tts/v1/voice",
                                                   json=self.request_body(request))
                if response.status_code != 200:
                    raise self._status_error(response)
                return self._audio(response)
        except SynthesisError as exc:
            exc.args = (self._scrub(str(exc)),)
            raise
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise TransientSynthesisError(
                f"timeout after {time.perf_counter() - started:.1f}s ({type(exc).__name__})",
                engine=NAME, outcome="timeout") from exc
        except httpx.TransportError as exc:
            raise TransientSynthesisError(
                self._scrub(f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]), engine=NAME,
                outcome="connection") from exc

    async def list_voices(self, language: str, gender: Gender | None = None
                          ) -> list[dict[str, Any]]:
        """Voices of `language` (`GET /tts/v1/voices?filter=language=xx`), optionally of one
        gender (sent as Inworld's enum). For catalog checks, never on the hot path."""
        if self._client is None:
            await self.start()
        assert self._client is not None
        params = {"filter": f"language={language}"}
        if gender is not None:
            params["gender"] = GENDER_ENUM[gender]
        try:
            response = await self._client.get("tts/v1/voices", params=params)
        except httpx.TimeoutException as exc:
            raise TransientSynthesisError("timeout listing voices", engine=NAME,
                                          outcome="timeout") from exc
        except httpx.TransportError as exc:
            raise TransientSynthesisError(f"{type(exc).__name__} listing voices", engine=NAME,
                                          outcome="connection") from exc
        if response.status_code != 200:
            raise self._status_error(response)
        try:
            voices = response.json().get("voices", [])
        except (ValueError, AttributeError) as exc:
            raise TransientSynthesisError("voice list is not JSON", engine=NAME,
                                          outcome="bad_response") from exc
        return [v for v in voices if isinstance(v, dict)]

    def _status_error(self, response: httpx.Response) -> SynthesisError:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        message = self._scrub(_error_message(payload, fallback=response.text[:_DETAIL_CHARS]))
        return status_error(response.status_code, message,
                            parse_retry_after(response.headers.get("retry-after")))

    def _audio(self, response: httpx.Response) -> Audio:
        try:
            data = response.json()
        except ValueError as exc:
            raise TransientSynthesisError("HTTP 200 with a body that is not JSON", engine=NAME,
                                          outcome="bad_response") from exc
        if not isinstance(data, Mapping):
            raise TransientSynthesisError("HTTP 200 with a JSON body that is not an object",
                                          engine=NAME, outcome="bad_response")
        if data.get("error"):
            error = data["error"]
            code = error.get("code") if isinstance(error, Mapping) else None
            raise status_error(code if isinstance(code, int) and 400 <= code < 600 else 500,
                               _error_message(data))
        content = data.get("audioContent")
        if not isinstance(content, str) or not content:
            raise TransientSynthesisError("HTTP 200 without audioContent", engine=NAME,
                                          outcome="bad_audio")
        try:
            raw = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TransientSynthesisError("audioContent is not valid base64", engine=NAME,
                                          outcome="bad_audio") from exc
        try:
            samples, rate = decode(raw)
        except AudioDecodeError as exc:
            raise TransientSynthesisError(f"audioContent does not decode: {exc}", engine=NAME,
                                          outcome="bad_audio") from exc
        usage = data.get("usage")
        billed = 0
        if isinstance(usage, Mapping):
            try:
                billed = max(int(usage.get("processedCharactersCount") or 0), 0)
            except (TypeError, ValueError):
                billed = 0
        return Audio(samples=samples, sample_rate=rate,
                     encoded=raw if is_ogg_opus_48k_mono(raw) else None, billed_chars=billed)
