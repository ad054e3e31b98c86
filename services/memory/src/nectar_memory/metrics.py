"""Prometheus metrics of the memory service (default registry, created once per registry)."""

from __future__ import annotations

from nectar_runtime import MetricSet
from prometheus_client import CollectorRegistry, Counter


class MemoryMetrics(MetricSet):
    """Counters of the memory layers. (Whether Chroma answers is the runtime's
    `nectar_dependency_up{service="memory", dependency="chroma"}`.)"""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.degraded = Counter(
            "nectar_memory_degraded_total",
            "Turns whose context was built without a memory layer (e.g. semantic), by layer",
            ["layer"], registry=registry)
        self.summaries = Counter(
            "nectar_memory_summaries_total",
            "Summary lifecycle: requested, stored, dropped_reset, dropped_empty, "
            "skipped_in_flight",
            ["outcome"], registry=registry)
