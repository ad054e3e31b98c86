"""OpenRouter's wire format: request reading, completion / chunk / error bodies, usage.

Follows https://openrouter.ai/docs/api-reference/overview (OpenAI-compatible chat
completions with OpenRouter's `provider`, `native_finish_reason`, `usage.cost` and
`{"error": {"code", "message", "metadata"}}` errors). Usage accounting
(https://openrouter.ai/docs/use-cases/usage-accounting) is always on: every response carries
`usage` with `cost`, `cost_details` and token details, whatever the request says
(`usage.include` is deprecated and has no effect); a stream ends with a usage-only chunk
(`choices: []`) before `[DONE]`. A moderation refusal (403) carries `metadata` with
`reasons`, `flagged_input` (at most 100 characters), `provider_name` and `model_slug`
(https://openrouter.ai/docs/api-reference/errors).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PROVIDER",
    "Pricing",
    "cache_prefix",
    "chat_chunk",
    "chat_completion",
    "content_text",
    "error_body",
    "estimate_tokens",
    "last_user_text",
    "moderation_metadata",
    "sse",
    "usage",
    "usage_chunk",
]

PROVIDER = "Emulator"
KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
DONE = b"data: [DONE]\n\n"
# Cache reads are billed at a fraction of the prompt price, as most providers do.
CACHE_READ_DISCOUNT = 0.25

ERROR_MESSAGES = {
    400: "invalid request",
    401: "User not found.",
    402: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
    403: "Your chosen model requires moderation and your input was flagged",
    404: "Not Found",
    408: "Request timed out",
    429: "Rate limit exceeded: upstream provider is temporarily rate-limited",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "No endpoints found that can handle the requested parameters.",
}


def content_text(content: Any) -> str:
    """The text of a message's content: a string, or a list of parts ({type: "text"} count)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def estimate_tokens(text: str) -> int:
    """Deterministic token estimate: ceil(characters / 4)."""
    return math.ceil(len(text) / 4)


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def cache_prefix(messages: list[dict[str, Any]]) -> tuple[str, int] | None:
    """(hash, chars) of the prompt up to the last part marked with `cache_control`."""
    texts: list[str] = []
    marked: str | None = None
    for message in messages:
        content = message.get("content")
        parts = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
        for part in parts:
            if not isinstance(part, dict):
                continue
            texts.append(f"{message.get('role')}:{part.get('text', '')}")
            if part.get("cache_control"):
                marked = "\x00".join(texts)
    if marked is None:
        return None
    return hashlib.sha256(marked.encode()).hexdigest(), len(marked)


@dataclass(frozen=True)
class Pricing:
    prompt_per_mtok: float
    completion_per_mtok: float

    def cost(self, prompt: int, cached: int, completion: int) -> float:
        uncached = prompt - cached
        total = (
            uncached * self.prompt_per_mtok
            + cached * self.prompt_per_mtok * CACHE_READ_DISCOUNT
            + completion * self.completion_per_mtok
        )
        return round(total / 1_000_000, 12)


def usage(
    pricing: Pricing,
    *,
    prompt: int,
    completion: int,
    cached: int = 0,
    reasoning: int = 0,
    cache_write: int = 0,
) -> dict[str, Any]:
    """OpenRouter's usage object: tokens, `cost` (credits, USD), `cost_details` (what the
    upstream provider charged, split into prompt and completion), token details."""
    cost = pricing.cost(prompt, cached, completion)
    prompt_cost = pricing.cost(prompt, cached, 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": cost,
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": cached, "cache_write_tokens": cache_write,
                                  "audio_tokens": 0, "video_tokens": 0},
        "cost_details": {"upstream_inference_cost": cost,
                         "upstream_inference_prompt_cost": prompt_cost,
                         "upstream_inference_completions_cost": round(cost - prompt_cost, 12)},
        "completion_tokens_details": {"reasoning_tokens": reasoning, "image_tokens": 0,
                                      "audio_tokens": 0},
    }


def moderation_metadata(model: str, flagged_input: str) -> dict[str, Any]:
    """`error.metadata` of a moderation refusal (HTTP 403)."""
    return {"reasons": ["sexual", "violence"], "flagged_input": flagged_input[:100],
            "provider_name": PROVIDER, "model_slug": model}


def error_body(
    code: int, message: str | None = None, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message or ERROR_MESSAGES.get(code, "Error")}
    if metadata:
        error["metadata"] = metadata
    return {"error": error}


def chat_completion(
    *,
    generation_id: str,
    model: str,
    content: str | None,
    finish_reason: str,
    native_finish_reason: str,
    usage_body: dict[str, Any],
    created: int | None = None,
) -> dict[str, Any]:
    """A non-streaming `chat.completion` body."""
    return {
        "id": generation_id,
        "provider": PROVIDER,
        "model": model,
        "object": "chat.completion",
        "created": created or int(time.time()),
        "choices": [
            {
                "logprobs": None,
                "index": 0,
                "finish_reason": finish_reason,
                "native_finish_reason": native_finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
        "usage": usage_body,
    }


def chat_chunk(
    *,
    generation_id: str,
    model: str,
    created: int,
    content: str | None,
    finish_reason: str | None = None,
    usage_body: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One `chat.completion.chunk` of a stream."""
    chunk: dict[str, Any] = {
        "id": generation_id,
        "provider": PROVIDER,
        "model": model,
        "object": "chat.completion.chunk",
        "created": created,
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "native_finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
    }
    if error is not None:
        chunk["error"] = error
    if usage_body is not None:
        chunk["usage"] = usage_body
    return chunk


def usage_chunk(*, generation_id: str, model: str, created: int,
                usage_body: dict[str, Any]) -> dict[str, Any]:
    """The last chunk of a stream: usage only, no choices."""
    return {"id": generation_id, "provider": PROVIDER, "model": model,
            "object": "chat.completion.chunk", "created": created, "choices": [],
            "usage": usage_body}


def sse(payload: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()
