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
    """Every rung of a fallback chain failed; `attempts` says how, rung by rung.

    `refused`: some rung refused (an empty 200, or a refusal salvage could not fix), so a
    rescue or an in-character soft refusal fits better than an apology. `rejected`: a
    non-transient 4xx ended the chain early (its status in `status`). `spent`: cost (USD)
    reported by the failed calls.
    """

    def __init__(self, attempts: Sequence[Attempt], *, rejected: bool = False,
                 status: int | None = None, spent: float = 0.0) -> None:
        self.attempts = tuple(attempts)
        self.rejected = rejected
        self.status = status
        self.spent = spent
        super().__init__(self.detail)

    @property
    def refused(self) -> bool:
        return any(a.outcome in ("empty", "refused") for a in self.attempts)

    @property
    def rate_limited(self) -> bool:
        return bool(self.attempts) and all(a.outcome in ("rate_limited", "cooldown")
                                           for a in self.attempts)

    @property
    def detail(self) -> str:
        """`#0 model: outcome: error; #1 ...`: operator-facing, no secrets."""
        return "; ".join(f"#{a.index} {a.model}: {a.outcome}: {a.error}" for a in self.attempts)


class BudgetExceeded(Exception):
    """A daily spend ceiling (the user's or the global one) is reached: no new generation."""


class GuardUnavailable(BudgetExceeded):
    """The spend counters cannot be read: refuse the generation (fail closed)."""
