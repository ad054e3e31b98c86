"""The fallback chain: try each rung's model in order, first usable answer wins.

- An HTTP 200 whose content is empty (the silent refusal: `content_filter`, `length` or even
  `stop` with nothing in it) is a failure, which a retry policy on status codes alone misses;
  the next rung is tried.
- Transient errors (408/409/425/429, 5xx, timeouts, connection errors) move to the next rung;
  a 429 also puts that model on a cooldown shared by every replica for its `Retry-After`,
  and models still cooling down are skipped without a call.
- A non-transient 4xx ends the chain (`AllModelsFailed(rejected=True)`): the request itself
  is wrong (auth, credits, malformed), another model will not fix it.
- On the chat path, an answer that contains a refusal sentence, or was cut by the content
  filter, goes through salvage first (no extra call; in a worker thread, off the event
  loop). Salvaged: it is the answer. Not: the rung is `refused` and the chain stops there;
  rescue (paid) or an in-character soft refusal (free) is the handler's decision, not more
  fallbacks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from opentelemetry.trace import Status, StatusCode

from nectar_llm.domain.errors import (
    AllModelsFailed,
    EmptyCompletion,
    ModelError,
    PermanentModelError,
    TransientModelError,
)
from nectar_llm.domain.model import Answer, Attempt, ChatMessage, ChatRequest
from nectar_llm.domain.routing import ModelChain
from nectar_llm.domain.salvage import contains_refusal, salvage
from nectar_llm.ports import ChatModel, Cooldowns
from nectar_llm.telemetry import CallTelemetry

#: per-model request options: (extra body, send cache marker)
Options = Callable[[str], tuple[Mapping[str, Any], bool]]
#: per-model messages (e.g. a rescue model's stay-in-character prefix)
Messages = Callable[[str], Sequence[ChatMessage]]

DEFAULT_COOLDOWN_S = 30.0


def _no_options(model: str) -> tuple[Mapping[str, Any], bool]:
    return {}, True


async def run_chain(chat_model: ChatModel, chain: ModelChain,
                    messages: Sequence[ChatMessage] | Messages,
                    *, max_tokens: int, temperature: float, telemetry: CallTelemetry,
                    purpose: str = "chat", stream: bool = False,
                    options: Options = _no_options, cooldowns: Cooldowns | None = None,
                    default_cooldown_s: float = DEFAULT_COOLDOWN_S,
                    check_refusals: bool = False, stop_on_refusal: bool = True,
                    first_index: int = 0, user: str | None = None,
                    cooling: Mapping[str, float] | None = None) -> Answer:
    """The first usable completion along `chain`; `AllModelsFailed` when none gave one.

    Each call gets an `llm.chat` span (attributes model, attempt, purpose, outcome), a log
    line and metrics, whatever its outcome. `first_index` numbers rungs after earlier ones
    (rescue rungs continue the reply chain's numbering). `stop_on_refusal=False` (rescue
    rungs) tries the next rung after an unsalvageable refusal instead of stopping. `cooling`:
    cooldowns the caller already looked up (saves a round trip), else asked here.
    """
    attempts: list[Attempt] = []
    spent = 0.0
    if cooling is None:
        cooling = await cooldowns.active(chain.models) if cooldowns is not None else {}
    for offset, model in enumerate(chain.models):
        index = first_index + offset
        if model in cooling:
            attempts.append(Attempt(index, model, "cooldown",
                                    f"rate limited, {cooling[model]:.1f}s of cooldown left"))
            telemetry.skipped(purpose=purpose, model=model, reason="cooldown")
            continue
        extra_body, marker = options(model)
        prompt = messages(model) if callable(messages) else messages
        request = ChatRequest(model=model, messages=tuple(prompt), max_tokens=max_tokens,
                              temperature=temperature, stream=stream,
                              extra_body=dict(extra_body), cache_marker=marker, user=user)
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
                empty = isinstance(exc, EmptyCompletion)
                if empty:
                    spent += exc.usage.cost
                telemetry.record(
                    purpose=purpose, model=model, attempt=index, outcome=exc.outcome,
                    total_ms=total_ms, error=str(exc), usage=exc.usage if empty else None,
                    finish_reason=exc.finish_reason if empty else None)
                attempts.append(Attempt(index, model, exc.outcome, str(exc)))
                if isinstance(exc, TransientModelError) and exc.status == 429 \
                        and cooldowns is not None:
                    await cooldowns.put(model, exc.retry_after_s or default_cooldown_s)
                if isinstance(exc, PermanentModelError):
                    raise AllModelsFailed(attempts, rejected=True, status=exc.status,
                                          spent=spent) from exc
                continue
            spent += completion.usage.cost
            text, salvaged = completion.text, False
            if check_refusals and (completion.finish_reason == "content_filter"
                                   or contains_refusal(completion.text)):
                # salvage embeds the answer's sentences (tens to hundreds of ms of CPU): in
                # a worker thread, so the other turns this replica carries go on meanwhile
                rescued_text = await asyncio.to_thread(salvage, completion.text)
                telemetry.salvage(model=model, ok=rescued_text is not None)
                if rescued_text is None:
                    span.set_attribute("outcome", "refused")
                    telemetry.record(
                        purpose=purpose, model=model, attempt=index, outcome="refused",
                        total_ms=completion.total_ms, ttft_ms=completion.ttft_ms,
                        usage=completion.usage, answered_by=completion.model,
                        finish_reason=completion.finish_reason)
                    attempts.append(Attempt(index, model, "refused",
                                            "refusal that salvage could not fix"))
                    if not stop_on_refusal:
                        continue
                    raise AllModelsFailed(attempts, spent=spent)
                text, salvaged = rescued_text, True
            outcome = "salvaged" if salvaged else "ok"
            span.set_attribute("outcome", outcome)
            span.set_attribute("answered_by", completion.model)
            span.set_attribute("total_ms", round(completion.total_ms, 1))
            if completion.ttft_ms is not None:
                span.set_attribute("ttft_ms", round(completion.ttft_ms, 1))
            telemetry.record(
                purpose=purpose, model=model, attempt=index, outcome=outcome,
                total_ms=completion.total_ms, ttft_ms=completion.ttft_ms,
                usage=completion.usage, answered_by=completion.model,
                finish_reason=completion.finish_reason)
            attempts.append(Attempt(index, model, outcome))
            return Answer(completion=completion, attempt=index, requested_model=model,
                          attempts=tuple(attempts), text=text, salvaged=salvaged, spent=spent)
    raise AllModelsFailed(attempts, spent=spent)
