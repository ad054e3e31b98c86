"""`ChatModel` over OpenRouter's OpenAI-compatible chat completions API (httpx).

Translates every provider and transport failure into a domain exception:
- 408, 409, 425, 429 (with `Retry-After`), 5xx, timeouts, connection errors, garbled bodies
  -> `TransientModelError`;
- 402 (credits) with `Retry-After` -> `TransientModelError` (the account is being topped up:
  try again after that); a bare 402 is not a wait-and-retry case (OpenRouter's error docs);
- 403 with moderation metadata -> `PermanentModelError` with outcome `moderated` and the
  moderation `reasons` in its message (never the flagged input: that is the user's text);
- any other non-2xx -> `PermanentModelError`;
- HTTP 200 with empty or whitespace content, whatever the `finish_reason` (`stop`,
  `content_filter`, `length`) -> `EmptyCompletion`: reasoning models behind some providers
  filter silently and answer 200 with nothing, which a status-code retry policy misses.

Usage accounting is always on at OpenRouter (https://openrouter.ai/docs/use-cases/
usage-accounting): every response reports cost and cached tokens, and the deprecated
`usage: {"include": true}` is not sent. With `stream=True` the answer arrives as server-sent
events (the usage comes in a last chunk with no choices) and the time to the first content
token is measured.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx
from nectar_runtime.http import TRANSIENT_STATUSES, ProviderClient, parse_retry_after
from pydantic import SecretStr

from nectar_llm.domain.errors import (
    EmptyCompletion,
    ModelError,
    PermanentModelError,
    TransientModelError,
)
from nectar_llm.domain.model import ChatMessage, ChatRequest, Completion, TokenUsage

_DETAIL_CHARS = 200


def status_error(model: str, status: int, message: str,
                 retry_after_s: float | None = None, *, moderated: bool = False) -> ModelError:
    """The domain exception for a provider error status (`moderated`: the error carried
    moderation metadata)."""
    detail = f"HTTP {status}"
    if message:
        detail += f": {message}"
    if status == 429:
        if retry_after_s is not None:
            detail += f" (retry after {retry_after_s:g}s)"
        return TransientModelError(detail, model=model, outcome="rate_limited", status=status,
                                   retry_after_s=retry_after_s)
    if status >= 500:
        return TransientModelError(detail, model=model, outcome="server_error", status=status,
                                   retry_after_s=retry_after_s)
    if status in TRANSIENT_STATUSES:
        return TransientModelError(detail, model=model, outcome="transient", status=status,
                                   retry_after_s=retry_after_s)
    if status == 402 and retry_after_s is not None:
        return TransientModelError(f"{detail} (retry after {retry_after_s:g}s)", model=model,
                                   outcome="payment_required", status=status,
                                   retry_after_s=retry_after_s)
    error = PermanentModelError(detail, model=model, status=status)
    if moderated:
        error.outcome = "moderated"
    return error


def moderation_reasons(payload: Any) -> list[str] | None:
    """The `reasons` of a moderation error body (None when it is not one)."""
    error = payload.get("error") if isinstance(payload, Mapping) else None
    raw = error.get("metadata") if isinstance(error, Mapping) else None
    if isinstance(raw, Mapping) and isinstance(raw.get("reasons"), list):
        return [" ".join(str(r).split())[:40] for r in raw["reasons"][:5]]
    return None


def _error_message(payload: Any, fallback: str = "") -> str:
    """The provider's error message from an OpenAI/OpenRouter error body, shortened.
    Moderation errors add their reasons, never `flagged_input` (the user's text)."""
    message = ""
    if isinstance(payload, Mapping):
        error = payload.get("error")
        if isinstance(error, Mapping):
            message = " ".join(str(error.get("message") or "").split())[:120]
            reasons = moderation_reasons(payload)
            if reasons is not None:
                message += f" [moderation: {', '.join(reasons) or 'flagged'}]"
            raw = error.get("metadata")
            if isinstance(raw, Mapping) and raw.get("provider_name"):
                message += f" [provider {raw['provider_name']}]"
        elif isinstance(error, str):
            message = error
    message = " ".join((message or fallback).split())
    return message[:_DETAIL_CHARS]


def _int(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def parse_usage(raw: Any) -> TokenUsage:
    """OpenRouter `usage`: tokens, `prompt_tokens_details.cached_tokens` (cache reads) and
    `.cache_write_tokens` (or Anthropic's `cache_creation_input_tokens`), `cost` (USD)."""
    if not isinstance(raw, Mapping):
        return TokenUsage()
    details = raw.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, Mapping) else None
    written = details.get("cache_write_tokens") if isinstance(details, Mapping) else None
    written = written or raw.get("cache_creation_input_tokens")
    try:
        cost = max(float(raw.get("cost") or 0.0), 0.0)
    except (TypeError, ValueError):
        cost = 0.0
    return TokenUsage(prompt=_int(raw.get("prompt_tokens")),
                      completion=_int(raw.get("completion_tokens")), cached=_int(cached),
                      cost=cost, cache_write=_int(written))


def _content_text(content: Any) -> str:
    """Message content as text (a string, or a list of `{"type": "text"}` parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text") or "") for part in content
                       if isinstance(part, Mapping) and part.get("type") == "text")
    return ""


class OpenRouterChatModel(ProviderClient):
    """OpenRouter chat completions. `start()` opens the HTTP client, `close()` closes it;
    both run in the service's lifespan, never at construction."""

    provider = "OpenRouter"

    def __init__(self, *, base_url: str, api_key: SecretStr, http_referer: str = "",
                 app_title: str = "", timeout_s: float = 30.0, connect_timeout_s: float = 5.0,
                 connect_retries: int = 1, max_connections: int = 32,
                 cache_marker: bool = True,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.http_referer = http_referer
        self.app_title = app_title
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.connect_retries = connect_retries
        self.max_connections = max_connections
        self.cache_marker = cache_marker
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
        headers = {"Authorization": f"Bearer {self._api_key.get_secret_value()}"}
        if self.http_referer:
            headers["HTTP-Referer"] = self.http_referer
        if self.app_title:
            headers["X-Title"] = self.app_title
        self._client = httpx.AsyncClient(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s),
        )

    def _message(self, message: ChatMessage, marker: bool = True) -> dict[str, Any]:
        if message.cacheable and self.cache_marker and marker:
            # Anthropic-style marker on the last block of the stable prefix: required by
            # some routes (Gemini via OpenRouter caches 0% without it), ignored by others.
            return {"role": message.role, "content": [
                {"type": "text", "text": message.content,
                 "cache_control": {"type": "ephemeral"}}]}
        return {"role": message.role, "content": message.content}

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [self._message(m, request.cache_marker) for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.stream:
            body["stream"] = True
        if request.user:
            body["user"] = request.user
        body.update(request.extra_body)
        return body

    def _scrub(self, text: str) -> str:
        secret = self._api_key.get_secret_value()
        return text.replace(secret, "***") if secret else text

    async def complete(self, request: ChatRequest) -> Completion:
        if self._client is None:
            raise RuntimeError("OpenRouterChatModel.complete() before start()")
        started = time.perf_counter()
        model = request.model
        try:
            async with asyncio.timeout(self.timeout_s):
                if request.stream:
                    return await self._stream(self._client, request, started)
                return await self._once(self._client, request, started)
        except ModelError as exc:
            exc.args = (self._scrub(str(exc)),)
            raise
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise TransientModelError(
                f"timeout after {(time.perf_counter() - started):.1f}s "
                f"({type(exc).__name__})", model=model, outcome="timeout") from exc
        except httpx.TransportError as exc:
            raise TransientModelError(
                self._scrub(f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]), model=model,
                outcome="connection") from exc

    async def _once(self, client: httpx.AsyncClient, request: ChatRequest,
                    started: float) -> Completion:
        response = await client.post("chat/completions", json=self.request_body(request))
        if response.status_code != 200:
            raise self._status_error(request.model, response)
        try:
            data = response.json()
        except ValueError as exc:
            raise TransientModelError("HTTP 200 with a body that is not JSON",
                                      model=request.model, outcome="bad_response") from exc
        total_ms = (time.perf_counter() - started) * 1000
        return self._completion(request.model, data, total_ms=total_ms, ttft_ms=None)

    async def _stream(self, client: httpx.AsyncClient, request: ChatRequest,
                      started: float) -> Completion:
        model = request.model
        async with client.stream("POST", "chat/completions",
                                 json=self.request_body(request)) as response:
            if response.status_code != 200:
                await response.aread()
                raise self._status_error(model, response)
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                # A provider may ignore `stream` and answer one JSON document.
                await response.aread()
                try:
                    data = response.json()
                except ValueError as exc:
                    raise TransientModelError("HTTP 200 with a body that is neither SSE nor "
                                              "JSON", model=model,
                                              outcome="bad_response") from exc
                return self._completion(model, data, ttft_ms=None,
                                        total_ms=(time.perf_counter() - started) * 1000)
            parts: list[str] = []
            ttft_ms: float | None = None
            finish_reason: str | None = None
            answered_by = model
            usage: Any = None
            done = False
            async for line in response.aiter_lines():
                # SSE: `data: {...}` lines; `: OPENROUTER PROCESSING` keep-alive comments.
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    done = True
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError as exc:
                    raise TransientModelError("malformed SSE chunk", model=model,
                                              outcome="bad_response") from exc
                if not isinstance(chunk, Mapping):
                    continue
                if chunk.get("error"):
                    # Mid-stream error: HTTP status is already 200, the error is in the data.
                    raise self._body_error(model, chunk)
                answered_by = str(chunk.get("model") or answered_by)
                usage = chunk.get("usage") or usage
                choices = chunk.get("choices")
                if not isinstance(choices, list) or not choices:
                    continue
                choice = choices[0] if isinstance(choices[0], Mapping) else {}
                delta = choice.get("delta")
                piece = _content_text(delta.get("content")) if isinstance(delta, Mapping) \
                    else ""
                if piece:
                    if ttft_ms is None:
                        ttft_ms = (time.perf_counter() - started) * 1000
                    parts.append(piece)
                finish_reason = choice.get("finish_reason") or finish_reason
        if finish_reason == "error":
            raise TransientModelError("provider error mid-stream (finish_reason=error)",
                                      model=model, outcome="server_error")
        if not done and finish_reason is None:
            raise TransientModelError("stream ended before a finish_reason or [DONE]",
                                      model=model, outcome="connection")
        total_ms = (time.perf_counter() - started) * 1000
        return self._result(model, answered_by, "".join(parts), finish_reason,
                            parse_usage(usage), ttft_ms=ttft_ms, total_ms=total_ms)

    def _status_error(self, model: str, response: httpx.Response) -> ModelError:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        message = _error_message(payload, fallback=response.text[:_DETAIL_CHARS])
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return status_error(model, response.status_code, self._scrub(message), retry_after,
                            moderated=moderation_reasons(payload) is not None)

    def _body_error(self, model: str, payload: Mapping[str, Any]) -> ModelError:
        """An error object inside an HTTP 200 body (OpenRouter reports upstream errors so)."""
        error = payload.get("error")
        code = error.get("code") if isinstance(error, Mapping) else None
        message = self._scrub(_error_message(payload))
        if isinstance(code, int) and 400 <= code < 600:
            return status_error(model, code, message)
        return TransientModelError(f"provider error: {message}", model=model,
                                   outcome="server_error")

    def _completion(self, model: str, data: Any, *, total_ms: float,
                    ttft_ms: float | None) -> Completion:
        if not isinstance(data, Mapping):
            raise TransientModelError("HTTP 200 with a JSON body that is not an object",
                                      model=model, outcome="bad_response")
        if data.get("error"):
            # The provider failed after OpenRouter committed to a 200 (partial content, if
            # any, is not an answer).
            raise self._body_error(model, data)
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
            raise TransientModelError("HTTP 200 without choices", model=model,
                                      outcome="bad_response")
        choice = choices[0]
        if choice.get("finish_reason") == "error":
            raise TransientModelError("provider error (finish_reason=error)", model=model,
                                      outcome="server_error")
        message = choice.get("message")
        text = _content_text(message.get("content")) if isinstance(message, Mapping) else ""
        return self._result(model, str(data.get("model") or model), text,
                            choice.get("finish_reason"), parse_usage(data.get("usage")),
                            ttft_ms=ttft_ms, total_ms=total_ms)

    @staticmethod
    def _result(model: str, answered_by: str, text: str, finish_reason: Any,
                usage: TokenUsage, *, ttft_ms: float | None, total_ms: float) -> Completion:
        reason = str(finish_reason) if finish_reason is not None else None
        if not text.strip():
            raise EmptyCompletion(model=model, finish_reason=reason, usage=usage, text=text)
        return Completion(text=text, model=answered_by, finish_reason=reason, usage=usage,
                          ttft_ms=ttft_ms, total_ms=total_ms)
