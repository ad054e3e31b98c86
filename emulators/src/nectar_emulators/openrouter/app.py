"""The OpenRouter emulator's Starlette app.

Endpoints
- `POST /api/v1/chat/completions` (also `/v1/chat/completions`): OpenRouter chat
  completions, JSON or SSE (`"stream": true`), behaviour chosen per call (see below).
- `GET /api/v1/models` (also `/v1/models`): the model list with pricing.
- `GET /api/v1/generation?id=gen-...`: generation stats (tokens, cost) of an earlier call.
- `POST|GET|DELETE /_emulator/script`, `GET|DELETE /_emulator/calls`, `POST /_emulator/reset`,
  `POST /_emulator/clock` (advance the prompt-cache clock).
- `GET /healthz`: liveness.

Behaviour of a call, first match wins: a `[[emu:<spec>]]` marker in the last user message,
the control-API script for the model, then for "*", the `--model-behaviour` default for
the model, then for "*", else "ok". With OpenRouter's `models` fallback list, a retryable
HTTP error (408/429/5xx) of one model moves on to the next, and the answer names the model
that served it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .._server import healthz, sleep_unless_disconnected
from .behaviours import Behaviour, extract_marker, parse_behaviour
from .cache import family_of
from .protocol import (
    DONE,
    KEEPALIVE,
    PROVIDER,
    Pricing,
    chat_chunk,
    chat_completion,
    content_text,
    error_body,
    estimate_tokens,
    last_user_text,
    moderation_metadata,
    sse,
    usage,
    usage_chunk,
)
from .replies import Reply, reply_for, split_for_stream
from .settings import OpenRouterEmulatorSettings
from .state import CallRecord, OpenRouterEmulator

__all__ = ["create_app"]

log = logging.getLogger("nectar_emulators.openrouter")

# Errors after which OpenRouter tries the next model of a `models` fallback list.
_FALLBACK_STATUSES = frozenset({408, 429, 500, 502, 503})
_CLIENT_GONE = 499


def _emulator(request: Request) -> OpenRouterEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


def _error(code: int, message: str | None = None, **headers: str) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=code, headers=headers or None)


def _authorised(request: Request, emulator: OpenRouterEmulator) -> JSONResponse | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return _error(401, "No auth credentials found")
    expected = emulator.settings.api_key
    if expected is not None and credentials.strip() != expected:
        return _error(401, "User not found.")
    return None


class InvalidRequest(Exception):
    """The request body is not a valid chat completion request (answered 400)."""


def _validate(body: Any, emulator: OpenRouterEmulator) -> tuple[list[str], list[dict[str, Any]]]:
    """(candidate models in order, messages), or InvalidRequest with OpenRouter-ish wording."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest('Input required: specify "prompt" or "messages"')
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise InvalidRequest("Each message needs a role")
        content = message.get("content")
        if content is not None and not isinstance(content, (str, list)):
            raise InvalidRequest("Message content must be a string or an array of content parts")
    candidates: list[str] = []
    if isinstance(body.get("model"), str) and body["model"]:
        candidates.append(body["model"])
    fallbacks = body.get("models")
    if fallbacks is not None:
        if not isinstance(fallbacks, list) or not all(isinstance(m, str) for m in fallbacks):
            raise InvalidRequest("models must be an array of model ids")
        candidates.extend(m for m in fallbacks if m not in candidates)
    if not candidates:
        raise InvalidRequest("No models provided")
    if emulator.settings.strict_models:
        for model in candidates:
            if model not in emulator.settings.models:
                raise InvalidRequest(f"{model} is not a valid model ID")
    return candidates, messages


async def chat_completions(request: Request) -> Response:
    """`POST /api/v1/chat/completions`: resolve the behaviour, then answer (JSON or SSE)."""
    emulator = _emulator(request)
    denied = _authorised(request, emulator)
    if denied is not None:
        return denied
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _error(400, "Invalid JSON in request body")
    try:
        candidates, messages = _validate(body, emulator)
    except InvalidRequest as exc:
        return _error(400, str(exc))
    stream = bool(body.get("stream"))
    record = CallRecord(
        id=f"gen-{int(time.time())}-{secrets.token_hex(10)}",
        model=candidates[0],
        messages_count=len(messages),
        stream=stream,
        body=body,
    )
    emulator.calls.append(record)
    try:
        marker, user_text = extract_marker(last_user_text(messages))
    except ValueError as exc:
        record.response_status, record.outcome = 400, "bad_marker"
        return _error(400, f"emulator marker: {exc}")
    for index, model in enumerate(candidates):
        emulator.note_model(model)
        behaviour, source = (marker, "marker") if marker else emulator.behaviour_for(model)
        record.attempts.append({"model": model, "behaviour": behaviour.spec, "source": source})
        retryable = behaviour.is_http_error and behaviour.status in _FALLBACK_STATUSES
        if retryable and index + 1 < len(candidates):
            continue
        record.served_model, record.behaviour, record.behaviour_source = (
            model,
            behaviour.spec,
            source,
        )
        log.info(
            "chat completion",
            extra={"model": model, "behaviour": behaviour.spec, "stream": stream, "id": record.id},
        )
        return await _answer(request, emulator, record, behaviour, model, messages, user_text)
    raise AssertionError("unreachable: the last candidate always answers")


async def _answer(
    request: Request,
    emulator: OpenRouterEmulator,
    record: CallRecord,
    behaviour: Behaviour,
    model: str,
    messages: list[dict[str, Any]],
    user_text: str,
) -> Response:
    settings = emulator.settings
    if behaviour.is_http_error:
        status = behaviour.status or 500
        record.response_status, record.outcome = status, "http_error"
        headers: dict[str, str] = {}
        if status == 429:
            headers["Retry-After"] = str(int(behaviour.seconds or settings.default_retry_after_s))
        elif behaviour.seconds is not None:
            # e.g. a 402 while credits are topped up automatically: try again after that
            headers["Retry-After"] = str(int(behaviour.seconds))
        metadata: dict[str, Any] | None = None
        if status >= 500:
            metadata = {"provider_name": PROVIDER, "raw": f"emulated {behaviour.spec}"}
        elif status == 403:
            metadata = moderation_metadata(model, user_text)
        return JSONResponse(
            error_body(status, None, metadata), status_code=status, headers=headers or None
        )
    delay = _delay_before_answer(behaviour, record.stream, settings.default_timeout_s)
    if delay and await sleep_unless_disconnected(request, delay):
        record.response_status, record.outcome = _CLIENT_GONE, "client_disconnected"
        return Response(status_code=_CLIENT_GONE)
    reply = reply_for(behaviour, model, user_text, record.body)
    usage_body = _usage(emulator, model, messages, reply, record.body)
    _remember_generation(emulator, record, model, reply, usage_body)
    record.response_status = 200
    if record.stream:
        return _stream(emulator, record, behaviour, model, reply, usage_body)
    return _json(record, behaviour, model, reply, usage_body)


def _delay_before_answer(behaviour: Behaviour, stream: bool, default_timeout_s: float) -> float:
    """Seconds to wait before any byte goes out (a streamed "slow" pauses after the start)."""
    if behaviour.kind == "timeout":
        return behaviour.seconds if behaviour.seconds is not None else default_timeout_s
    if behaviour.kind == "slow" and not stream:
        return behaviour.seconds or 0.0
    return 0.0


def _usage(
    emulator: OpenRouterEmulator,
    model: str,
    messages: list[dict[str, Any]],
    reply: Reply,
    body: dict[str, Any],
) -> dict[str, Any]:
    prompt_chars = "".join(content_text(m.get("content")) for m in messages)
    prompt = estimate_tokens(prompt_chars)
    settings = emulator.settings
    family = family_of(model, settings.cache_families, settings.default_cache_family)
    user = body.get("user") if isinstance(body.get("user"), str) else None
    read, written = emulator.prompt_cache.lookup_and_store(model, family, messages, user)
    cached = min(prompt, read)
    pricing = Pricing(settings.prompt_price_per_mtok, settings.completion_price_per_mtok)
    return usage(
        pricing,
        prompt=prompt,
        completion=reply.completion_tokens,
        cached=cached,
        cache_write=min(written, prompt - cached),
        reasoning=reply.reasoning_tokens,
    )


def _remember_generation(
    emulator: OpenRouterEmulator,
    record: CallRecord,
    model: str,
    reply: Reply,
    usage_body: dict[str, Any],
) -> None:
    emulator.generations[record.id] = {
        "id": record.id,
        "model": model,
        "provider_name": PROVIDER,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.at)),
        "streamed": record.stream,
        "total_cost": usage_body["cost"],
        "usage": usage_body["cost"],
        "tokens_prompt": usage_body["prompt_tokens"],
        "tokens_completion": usage_body["completion_tokens"],
        "native_tokens_prompt": usage_body["prompt_tokens"],
        "native_tokens_completion": usage_body["completion_tokens"],
        "native_tokens_cached": usage_body["prompt_tokens_details"]["cached_tokens"],
        "native_tokens_reasoning": usage_body["completion_tokens_details"]["reasoning_tokens"],
        "finish_reason": reply.finish_reason,
        "native_finish_reason": reply.native_finish_reason,
    }


def _json(
    record: CallRecord, behaviour: Behaviour, model: str, reply: Reply, usage_body: dict[str, Any]
) -> Response:
    headers = {"X-Generation-Id": record.id}
    body = chat_completion(
        generation_id=record.id,
        model=model,
        content=reply.content,
        finish_reason=reply.finish_reason,
        native_finish_reason=reply.native_finish_reason,
        usage_body=usage_body,
    )
    if behaviour.kind == "mid_stream_error":
        # The provider failed after OpenRouter had committed to a 200.
        record.outcome = "mid_stream_error"
        choice = body["choices"][0]
        choice["message"]["content"] = reply.content[: len(reply.content) // 2]
        choice["finish_reason"] = choice["native_finish_reason"] = "error"
        body["error"] = {"code": 502, "message": "Provider disconnected unexpectedly"}
    if behaviour.kind == "stream_cut":
        record.outcome = "cut"
        raw = json.dumps(body).encode()
        return _CutResponse([raw[: len(raw) // 2]], "application/json", headers, len(raw))
    record.outcome = record.outcome or "ok"
    return JSONResponse(body, headers=headers)


def _stream(
    emulator: OpenRouterEmulator,
    record: CallRecord,
    behaviour: Behaviour,
    model: str,
    reply: Reply,
    usage_body: dict[str, Any],
) -> Response:
    settings = emulator.settings
    created = int(record.at)
    pieces = split_for_stream(reply.content, settings.stream_chunk_words)
    headers = {"X-Generation-Id": record.id, "Cache-Control": "no-cache"}

    def chunk(content: str | None, **extra: Any) -> bytes:
        return sse(
            chat_chunk(
                generation_id=record.id, model=model, created=created, content=content, **extra
            )
        )

    if behaviour.kind == "stream_cut":
        record.outcome = "cut"
        sent = max(1, len(pieces) // 2) if pieces else 0
        parts = [KEEPALIVE, *(chunk(p) for p in pieces[:sent])]
        return _CutResponse(parts, "text/event-stream", headers)

    async def events() -> AsyncIterator[bytes]:
        yield KEEPALIVE
        if behaviour.kind == "slow":
            await asyncio.sleep(behaviour.seconds or 0)
        if behaviour.kind == "mid_stream_error":
            record.outcome = "mid_stream_error"
            for piece in pieces[: max(1, len(pieces) // 2)]:
                yield chunk(piece)
            error = {"code": "server_error", "message": "Provider disconnected unexpectedly"}
            yield chunk("", finish_reason="error", error=error)
            return
        for piece in pieces:
            if settings.stream_chunk_delay_ms:
                await asyncio.sleep(settings.stream_chunk_delay_ms / 1000)
            yield chunk(piece)
        yield chunk("", finish_reason=reply.finish_reason)
        yield sse(usage_chunk(generation_id=record.id, model=model, created=created,
                              usage_body=usage_body))
        yield DONE
        record.outcome = "ok"

    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


class _CutResponse(Response):
    """Sends a response start and some body, then returns without finishing it.

    uvicorn then closes the connection ("ASGI callable returned without completing
    response"), so the client sees a body cut short, as when a provider connection drops.
    """

    def __init__(
        self,
        parts: list[bytes],
        media_type: str,
        headers: dict[str, str],
        declared_length: int | None = None,
    ) -> None:
        super().__init__(media_type=media_type, headers=headers)
        self.parts = parts
        if declared_length is not None:
            self.headers["content-length"] = str(declared_length)
        else:
            del self.headers["content-length"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        for part in self.parts:
            await send({"type": "http.response.body", "body": part, "more_body": True})


def _model_entry(model: str, settings: OpenRouterEmulatorSettings) -> dict[str, Any]:
    return {
        "id": model,
        "canonical_slug": model,
        "name": f"Emulated {model}",
        "created": 1_700_000_000,
        "description": "A model served by the local OpenRouter emulator.",
        "context_length": 131072,
        "architecture": {
            "modality": "text->text",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "tokenizer": "Other",
            "instruct_type": None,
        },
        "pricing": {
            "prompt": f"{settings.prompt_price_per_mtok / 1_000_000:.10f}".rstrip("0"),
            "completion": f"{settings.completion_price_per_mtok / 1_000_000:.10f}".rstrip("0"),
            "request": "0",
            "image": "0",
            "web_search": "0",
            "internal_reasoning": "0",
        },
        "top_provider": {
            "context_length": 131072,
            "max_completion_tokens": 16384,
            "is_moderated": False,
        },
        "per_request_limits": None,
        "supported_parameters": [
            "max_tokens",
            "temperature",
            "top_p",
            "stop",
            "seed",
            "response_format",
            "tools",
        ],
    }


async def list_models(request: Request) -> Response:
    """`GET /api/v1/models`: configured models plus every model requested so far."""
    emulator = _emulator(request)
    return JSONResponse({"data": [_model_entry(m, emulator.settings) for m in emulator.models]})


async def get_generation(request: Request) -> Response:
    """`GET /api/v1/generation?id=...`: stats of a generation this emulator served."""
    emulator = _emulator(request)
    denied = _authorised(request, emulator)
    if denied is not None:
        return denied
    generation = emulator.generations.get(request.query_params.get("id", ""))
    if generation is None:
        return _error(404, "Generation not found")
    return JSONResponse({"data": generation})


# Control API


async def add_script(request: Request) -> Response:
    """`POST /_emulator/script {"model": id|"*", "behaviour": spec, "times": N|null}`:
    queue a behaviour for the next N calls of the model (FIFO per model; null = until cleared)."""
    try:
        body = await request.json()
        model = body.get("model") or "*"
        behaviour = parse_behaviour(str(body["behaviour"]))
        times = body.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or null")
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        return JSONResponse({"error": f"invalid script: {exc}"}, status_code=422)
    entry = _emulator(request).script(str(model), behaviour, times)
    return JSONResponse({"script": entry.as_json(str(model))}, status_code=201)


async def list_script(request: Request) -> Response:
    """`GET /_emulator/script`: entries still queued."""
    return JSONResponse({"script": _emulator(request).scripted()})


async def clear_script(request: Request) -> Response:
    """`DELETE /_emulator/script`: drop every queued entry."""
    return JSONResponse({"cleared": _emulator(request).clear_scripts()})


async def list_calls(request: Request) -> Response:
    """`GET /_emulator/calls?model=`: recorded requests, oldest first."""
    model = request.query_params.get("model")
    calls = [
        c.as_json() for c in _emulator(request).calls if model in (None, c.model, c.served_model)
    ]
    return JSONResponse({"calls": calls})


async def clear_calls(request: Request) -> Response:
    """`DELETE /_emulator/calls`."""
    calls = _emulator(request).calls
    cleared = len(calls)
    calls.clear()
    return JSONResponse({"cleared": cleared})


async def advance_clock(request: Request) -> Response:
    """`POST /_emulator/clock {"advance_s": N}`: move the cache clock forward (TTL tests)."""
    try:
        body = await request.json()
        advance = float(body["advance_s"])
        if advance < 0:
            raise ValueError("advance_s must be >= 0")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return JSONResponse({"error": f"invalid clock request: {exc}"}, status_code=422)
    cache = _emulator(request).prompt_cache
    cache.offset_s += advance
    return JSONResponse({"offset_s": cache.offset_s, "entries": len(cache.entries)})


async def reset(request: Request) -> Response:
    """`POST /_emulator/reset`: scripts, calls, generations and prompt cache forgotten."""
    _emulator(request).reset()
    return JSONResponse({"reset": True})


def create_app(settings: OpenRouterEmulatorSettings | None = None) -> Starlette:
    """A fresh emulator as a Starlette app; `app.state.emulator` is its state."""
    settings = settings or OpenRouterEmulatorSettings()
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/api/v1/models", list_models, methods=["GET"]),
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/api/v1/generation", get_generation, methods=["GET"]),
        Route("/_emulator/script", add_script, methods=["POST"]),
        Route("/_emulator/script", list_script, methods=["GET"]),
        Route("/_emulator/script", clear_script, methods=["DELETE"]),
        Route("/_emulator/calls", list_calls, methods=["GET"]),
        Route("/_emulator/calls", clear_calls, methods=["DELETE"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/clock", advance_clock, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = OpenRouterEmulator(settings)
    app.state.settings = settings
    return app
