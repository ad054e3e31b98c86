"""The fallback chain: try each rung's model in order, first usable answer wins.

A rung fails on any `ModelError`: HTTP errors and timeouts, and also an HTTP 200 whose
content is empty (the silent refusal), which a retry policy on status codes alone misses.
A permanent error (4xx) on one rung still moves on: the next rung is another model,
usually another provider, and may well accept the same request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.trace import Status, StatusCode

from nectar_llm.domain.errors import AllModelsFailed, EmptyCompletion, ModelError
from nectar_llm.domain.model import Answer, Attempt, ChatMessage, ChatRequest
from nectar_llm.domain.routing import ModelChain
from nectar_llm.ports import ChatModel
from nectar_llm.telemetry import CallTelemetry


async def run_chain(chat_model: ChatModel, chain: ModelChain, messages: Sequence[ChatMessage],
                    *, max_tokens: int, temperature: float, telemetry: CallTelemetry,
                    purpose: str = "chat", stream: bool = False,
                    extra_body: Mapping[str, Any] | None = None) -> Answer:
    """The first non-empty completion along `chain`; `AllModelsFailed` when none gave one.

    Each call gets an `llm.chat` span (attributes model, attempt, purpose, outcome), a log
    line and metrics, whatever its outcome.
    """
    attempts: list[Attempt] = []
    for index, model in enumerate(chain.models):
        request = ChatRequest(model=model, messages=tuple(messages), max_tokens=max_tokens,
                              temperature=temperature, stream=stream,
                              extra_body=dict(extra_body or {}))
        with telemetry.tracer.start_as_current_span(
            "llm.chat", attributes={"model": model, "attempt": index, "purpose": purpose},
            record_exception=True, set_status_on_exception=True,
        ) as span:
            started = time.perf_counter()
            try:
                completion = await chat_model.complete(request)
            except ModelError as exc:
                total_ms = (time.perf_counter() - started) * 1000
                span.set_attribute("outcome", exc.outcome)
                span.set_status(Status(StatusCode.ERROR, exc.outcome))
                telemetry.record(
                    purpose=purpose, model=model, attempt=index, outcome=exc.outcome,
                    total_ms=total_ms, error=str(exc),
                    usage=exc.usage if isinstance(exc, EmptyCompletion) else None,
                    finish_reason=exc.finish_reason if isinstance(exc, EmptyCompletion)
                    else None)
                attempts.append(Attempt(index, model, exc.outcome, str(exc)))
                continue
            span.set_attribute("outcome", "ok")
            span.set_attribute("answered_by", completion.model)
            span.set_attribute("total_ms", round(completion.total_ms, 1))
            if completion.ttft_ms is not None:
                span.set_attribute("ttft_ms", round(completion.ttft_ms, 1))
            telemetry.record(
                purpose=purpose, model=model, attempt=index, outcome="ok",
                total_ms=completion.total_ms, ttft_ms=completion.ttft_ms,
                usage=completion.usage, answered_by=completion.model,
                finish_reason=completion.finish_reason)
            attempts.append(Attempt(index, model, "ok"))
            return Answer(completion=completion, attempt=index, requested_model=model,
                          attempts=tuple(attempts))
    raise AllModelsFailed(attempts)
