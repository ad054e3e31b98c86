"""Fakes of the llm service's ports (imported by the unit tests next to this file)."""

from __future__ import annotations

from collections import defaultdict, deque

from nectar_llm.domain.errors import EmptyCompletion, ModelError
from nectar_llm.domain.model import ChatRequest, Completion, TokenUsage

Outcome = str | ModelError

#: the chains the unit tests configure (conftest `settings`)
PRIMARY = "provider-a/primary-70b"
FALLBACK = "provider-b/fallback-12b"
LAST = "provider-c/last-resort"
SUMMARIZER = "provider-b/summarizer"


class FakeChatModel:
    """A `ChatModel` scripted per model slug.

    Each call pops the next scripted outcome of the requested model: a string is the
    completion text (whitespace-only raises `EmptyCompletion`, as the real adapter does), a
    `ModelError` is raised. Unscripted calls answer `"<model> says hi"`. Every request is
    kept in `calls`.
    """

    def __init__(self) -> None:
        self.script: dict[str, deque[Outcome]] = defaultdict(deque)
        self.calls: list[ChatRequest] = []
        self.usage = TokenUsage(prompt=120, completion=30, cached=100, cost=0.0004)

    def then(self, model: str, *outcomes: Outcome) -> FakeChatModel:
        self.script[model].extend(outcomes)
        return self

    @property
    def models_called(self) -> list[str]:
        return [call.model for call in self.calls]

    async def complete(self, request: ChatRequest) -> Completion:
        self.calls.append(request)
        queue = self.script[request.model]
        outcome: Outcome = queue.popleft() if queue else f"{request.model} says hi"
        if isinstance(outcome, ModelError):
            raise outcome
        if not outcome.strip():
            raise EmptyCompletion(model=request.model, finish_reason="content_filter",
                                  usage=self.usage, text=outcome)
        return Completion(text=outcome, model=request.model, finish_reason="stop",
                          usage=self.usage, ttft_ms=12.0 if request.stream else None,
                          total_ms=34.0)
