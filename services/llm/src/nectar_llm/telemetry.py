"""What every model call leaves behind: a span, a JSON log line, Prometheus series.

Per call we record which model answered (and at which rung), time to first token next to
total time (model-side vs network-side latency), tokens and cost: the three things the
routing article says to log per LLM call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar

from opentelemetry.trace import Tracer
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from nectar_llm.domain.model import TokenUsage

log = logging.getLogger("nectar.llm.calls")

_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60)


class LlmMetrics:
    """Prometheus series of model calls; one instance per registry (created once)."""

    _by_registry: ClassVar[dict[int, LlmMetrics]] = {}

    def __init__(self, registry: CollectorRegistry) -> None:
        self.calls = Counter(
            "nectar_llm_calls_total", "Model calls by model and outcome (ok, empty, "
            "rate_limited, timeout, server_error, connection, bad_response, transient, "
            "client_error)", ["model", "outcome"], registry=registry)
        self.latency = Histogram(
            "nectar_llm_call_seconds", "Duration of one model call, by model and outcome",
            ["model", "outcome"], registry=registry, buckets=_LATENCY_BUCKETS)
        self.ttft = Histogram(
            "nectar_llm_ttft_seconds", "Time to first token of streamed model calls",
            ["model"], registry=registry, buckets=_LATENCY_BUCKETS)
        self.tokens = Counter(
            "nectar_llm_tokens_total", "Tokens billed, by model and kind (prompt, completion, "
            "cached)", ["model", "kind"], registry=registry)
        self.cost = Counter(
            "nectar_llm_cost_usd_total", "Cost reported by the provider, USD",
            ["model"], registry=registry)

    @classmethod
    def for_registry(cls, registry: CollectorRegistry = REGISTRY) -> LlmMetrics:
        key = id(registry)
        if key not in cls._by_registry:
            cls._by_registry[key] = cls(registry)
        return cls._by_registry[key]


@dataclass(frozen=True)
class CallTelemetry:
    """Tracer and metrics the fallback chain reports every call to."""

    tracer: Tracer
    metrics: LlmMetrics

    def record(self, *, purpose: str, model: str, attempt: int, outcome: str,
               total_ms: float, ttft_ms: float | None = None,
               usage: TokenUsage | None = None, answered_by: str | None = None,
               finish_reason: str | None = None, error: str = "") -> None:
        """Count, time and log one call (success or failure). `model` is the requested slug
        (bounded label set); `answered_by` what the provider reported."""
        m = self.metrics
        m.calls.labels(model, outcome).inc()
        m.latency.labels(model, outcome).observe(total_ms / 1000)
        if ttft_ms is not None:
            m.ttft.labels(model).observe(ttft_ms / 1000)
        if usage is not None:
            m.tokens.labels(model, "prompt").inc(usage.prompt)
            m.tokens.labels(model, "completion").inc(usage.completion)
            m.tokens.labels(model, "cached").inc(usage.cached)
            m.cost.labels(model).inc(usage.cost)
        extra = {
            "purpose": purpose, "model": model, "answered_by": answered_by, "attempt": attempt,
            "outcome": outcome, "finish_reason": finish_reason,
            "ttft_ms": None if ttft_ms is None else round(ttft_ms, 1),
            "total_ms": round(total_ms, 1),
            "prompt_tokens": usage.prompt if usage else None,
            "completion_tokens": usage.completion if usage else None,
            "cached_tokens": usage.cached if usage else None,
            "cost_usd": usage.cost if usage else None,
        }
        if outcome == "ok":
            log.info("llm call", extra=extra)
        else:
            log.warning("llm call failed", extra={**extra, "error": error})
