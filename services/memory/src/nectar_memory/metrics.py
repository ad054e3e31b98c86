"""Prometheus metrics of the memory service (default registry, created once per registry)."""

from __future__ import annotations

from typing import ClassVar

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class MemoryMetrics:
    """Counters and gauges of the memory layers."""

    _by_registry: ClassVar[dict[CollectorRegistry, MemoryMetrics]] = {}

    def __init__(self, registry: CollectorRegistry) -> None:
        self.degraded = Counter(
            "nectar_memory_degraded_total",
            "Turns whose context was built without a memory layer (e.g. semantic), by layer",
            ["layer"], registry=registry)
        self.summaries = Counter(
            "nectar_memory_summaries_total",
            "Summary lifecycle: requested, stored, dropped_reset, dropped_empty, "
            "skipped_in_flight",
            ["outcome"], registry=registry)
        self.dependency_up = Gauge(
            "nectar_memory_dependency_up",
            "1 when a degradable dependency answered its last probe, else 0",
            ["dependency"], registry=registry)

    @classmethod
    def for_registry(cls, registry: CollectorRegistry = REGISTRY) -> MemoryMetrics:
        """The metrics registered in `registry`, created once."""
        # keyed by the registry itself (not its id, which a collected registry can pass on)
        if registry not in cls._by_registry:
            cls._by_registry[registry] = cls(registry)
        return cls._by_registry[registry]
