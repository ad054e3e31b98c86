"""Prometheus metrics every service exports on `/metrics`."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram


class BusMetrics:
    """Counters of the consumer loop; one instance per registry."""

    _by_registry: dict[int, BusMetrics] = {}

    def __init__(self, registry: CollectorRegistry) -> None:
        self.consumed = Counter(
            "nectar_events_consumed_total", "Messages taken from JetStream, by outcome",
            ["service", "consumer", "outcome"], registry=registry)
        self.handle_seconds = Histogram(
            "nectar_event_handle_seconds", "Time to handle one event, publishing included",
            ["service", "consumer"], registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.dead_lettered = Counter(
            "nectar_dead_lettered_total", "Messages parked on the dead-letter stream",
            ["service", "consumer", "error_type"], registry=registry)
        self.published = Counter(
            "nectar_events_published_total", "Events published, by type",
            ["service", "type"], registry=registry)

    @classmethod
    def for_registry(cls, registry: CollectorRegistry = REGISTRY) -> BusMetrics:
        """The metrics registered in `registry`, created once."""
        key = id(registry)
        if key not in cls._by_registry:
            cls._by_registry[key] = cls(registry)
        return cls._by_registry[key]
