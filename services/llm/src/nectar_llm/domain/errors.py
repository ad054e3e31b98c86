"""Domain exceptions of model calls. Adapters raise these; handlers never see HTTP errors."""

from __future__ import annotations

from collections.abc import Sequence

from nectar_llm.domain.model import Attempt, TokenUsage


class ModelError(Exception):
    """A model call produced no usable answer.

    `outcome` is a short, bounded label (metrics, logs); the message is operator-facing and
    never holds secrets or prompt text.
    """

    outcome: str = "error"

    def __init__(self, message: str, *, model: str, outcome: str | None = None) -> None:
        super().__init__(message)
        self.model = model
        if outcome is not None:
            self.outcome = outcome


class TransientModelError(ModelError):
    """Worth retrying later or elsewhere: 408/409/425/429, 5xx, timeouts, connection errors,
    garbled responses. `retry_after_s` comes from the provider's `Retry-After` when given."""

    outcome = "transient"

    def __init__(self, message: str, *, model: str, outcome: str | None = None,
                 status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message, model=model, outcome=outcome)
        self.status = status
        self.retry_after_s = retry_after_s


class PermanentModelError(ModelError):
    """The provider rejected this request (other 4xx: bad request, auth, unknown model);
    the same request to the same model will fail again."""

    outcome = "client_error"

    def __init__(self, message: str, *, model: str, status: int | None = None) -> None:
        super().__init__(message, model=model)
        self.status = status


class EmptyCompletion(ModelError):
    """HTTP 200 whose content is empty or whitespace: the silent refusal (`content_filter`),
    a `length` cut before any visible token, or a bare `stop`. A failure, never a reply.

    `text` keeps the raw (whitespace-only) content for salvage logic that may come later.
    """

    outcome = "empty"

    def __init__(self, *, model: str, finish_reason: str | None,
                 usage: TokenUsage | None = None, text: str = "") -> None:
        super().__init__(f"empty completion (finish_reason={finish_reason})", model=model)
        self.finish_reason = finish_reason
        self.usage = usage or TokenUsage()
        self.text = text


class AllModelsFailed(Exception):
    """Every rung of a fallback chain failed; `attempts` says how, rung by rung."""

    def __init__(self, attempts: Sequence[Attempt]) -> None:
        self.attempts = tuple(attempts)
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        """`#0 model: outcome: error; #1 ...`: operator-facing, no secrets."""
        return "; ".join(f"#{a.index} {a.model}: {a.outcome}: {a.error}" for a in self.attempts)
