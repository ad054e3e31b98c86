"""What every model call leaves behind: a span, a JSON log line, Prometheus series.

Per call we record which model answered (and at which rung), time to first token next to
total time (model-side vs network-side latency), tokens and cost: the three things the
routing article says to log per LLM call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from opentelemetry.trace import Tracer
from prometheus_client import CollectorRegistry, Counter, Histogram

from nectar_llm.domain.model import TokenUsage
from nectar_runtime import MetricSet

log = logging.getLogger("nectar.llm.calls")

_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60)


class LlmMetrics(MetricSet):
    """Prometheus series of model calls; one instance per registry (`for_registry`)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
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
            "cached = read from cache, cache_write = written to it)", ["model", "kind"],
            registry=registry)
        self.cost = Counter(
            "nectar_llm_cost_usd_total", "Cost reported by the provider, USD",
            ["model"], registry=registry)
        self.silent_refusals = Counter(
            "nectar_llm_silent_refusals_total", "HTTP 200 with empty content (silent "
            "refusal), by model and finish_reason", ["model", "finish_reason"],
            registry=registry)
        self.salvage = Counter(
            "nectar_llm_salvage_total", "Refused or filtered answers put through salvage, by "
            "model and result (salvaged, failed)", ["model", "result"], registry=registry)
        self.rescue = Counter(
            "nectar_llm_rescue_total", "Rescue attempts after an unsalvageable refusal, by "
            "result (rescued, failed, skipped_free)", ["result"], registry=registry)
        self.turns = Counter(
            "nectar_llm_turns_total", "Reply turns by outcome (primary, fallback, salvaged, "
            "rescued, soft_refusal, failed, rejected, over_budget) and plan",
            ["outcome", "plan"], registry=registry)
        self.cache_hits = Counter(
            "nectar_llm_cache_hit_calls_total", "Successful calls that read prompt tokens "
            "from the provider cache, by model (hit rate per model: this over "
            "nectar_llm_calls_total{outcome=\"ok\"}; token share: nectar_llm_tokens_total "
            "kind=cached over kind=prompt)", ["model"], registry=registry)
        self.skipped = Counter(
            "nectar_llm_skipped_total", "Rungs skipped without a call, by model and reason "
            "(cooldown)", ["model", "reason"], registry=registry)
        self.gated = Counter(
            "nectar_llm_gated_total", "Turns over the plan's content ceiling, by plan and "
            "escalation class", ["plan", "escalation"], registry=registry)


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
        if outcome == "empty":
            m.silent_refusals.labels(model, finish_reason or "none").inc()
        if usage is not None and usage.cached > 0 and outcome in ("ok", "salvaged"):
            m.cache_hits.labels(model).inc()
        m.latency.labels(model, outcome).observe(total_ms / 1000)
        if ttft_ms is not None:
            m.ttft.labels(model).observe(ttft_ms / 1000)
        if usage is not None:
            m.tokens.labels(model, "prompt").inc(usage.prompt)
            m.tokens.labels(model, "completion").inc(usage.completion)
            m.tokens.labels(model, "cached").inc(usage.cached)
            m.tokens.labels(model, "cache_write").inc(usage.cache_write)
            m.cost.labels(model).inc(usage.cost)
        extra = {
            "purpose": purpose, "model": model, "answered_by": answered_by, "attempt": attempt,
            "outcome": outcome, "finish_reason": finish_reason,
            "ttft_ms": None if ttft_ms is None else round(ttft_ms, 1),
            "total_ms": round(total_ms, 1),
            "prompt_tokens": usage.prompt if usage else None,
            "completion_tokens": usage.completion if usage else None,
            "cached_tokens": usage.cached if usage else None,
            "cache_write_tokens": usage.cache_write if usage else None,
            "cost_usd": usage.cost if usage else None,
        }
        if outcome == "ok":
            log.info("llm call", extra=extra)
        else:
            log.warning("llm call failed", extra={**extra, "error": error})

    def skipped(self, *, purpose: str, model: str, reason: str) -> None:
        self.metrics.skipped.labels(model, reason).inc()
        log.info("llm rung skipped", extra={"purpose": purpose, "model": model,
                                            "reason": reason})

    def salvage(self, *, model: str, ok: bool) -> None:
        self.metrics.salvage.labels(model, "salvaged" if ok else "failed").inc()

    def rescue(self, result: str) -> None:
        self.metrics.rescue.labels(result).inc()

    def turn(self, outcome: str, plan: str) -> None:
        self.metrics.turns.labels(outcome, plan).inc()

    def gated(self, plan: str, escalation: str) -> None:
        self.metrics.gated.labels(plan, escalation).inc()
