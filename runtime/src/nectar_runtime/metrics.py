"""Prometheus metrics: one helper for every service's metric set, and the bus's own metrics.

A service declares its metrics as a `MetricSet` subclass whose `__init__(registry)` creates
them; `for_registry(registry)` returns the one instance per registry (prometheus_client refuses
to register a name twice, and tests build several apps in one process, each with a registry).
"""

from __future__ import annotations

import weakref
from typing import ClassVar, Self

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram


class MetricSet:
    """Base of a service's metrics; subclasses create their metrics in `__init__`."""

    _instances: ClassVar[weakref.WeakKeyDictionary[CollectorRegistry,
                                                   dict[type, MetricSet]]] = \
        weakref.WeakKeyDictionary()

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    @classmethod
    def for_registry(cls, registry: CollectorRegistry = REGISTRY) -> Self:
        """The metrics of this set registered in `registry`, created once."""
        sets = MetricSet._instances.setdefault(registry, {})
        if cls not in sets:
            sets[cls] = cls(registry)
        return sets[cls]  # type: ignore[return-value]


class BusMetrics(MetricSet):
    """Counters of the consumer loop."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.consumed = Counter(
            "nectar_events_consumed_total", "Messages taken from JetStream, by outcome",
            ["service", "consumer", "outcome"], registry=registry)
        self.handle_seconds = Histogram(
            "nectar_event_handle_seconds", "Time to handle one event, publishing included",
            ["service", "consumer"], registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
                     60, 120, 300))
        self.wait_seconds = Histogram(
            "nectar_event_wait_seconds", "Queue age: time a message waited in its stream "
            "before its first delivery was handled", ["service", "consumer"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
                     600, 1800))
        self.http_requests = Counter(
            "nectar_http_requests_total", "Requests to a service's own routes (webhooks), by "
            "route and status code", ["service", "route", "status"], registry=registry)
        self.http_seconds = Histogram(
            "nectar_http_request_seconds", "Time to answer a request to a service's own route",
            ["service", "route"], registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.dead_lettered = Counter(
            "nectar_dead_lettered_total", "Messages parked on the dead-letter stream",
            ["service", "consumer", "error_type"], registry=registry)
        self.published = Counter(
            "nectar_events_published_total", "Events published, by type",
            ["service", "type"], registry=registry)
        self.outage_retries = Counter(
            "nectar_outage_retries_total", "Messages handed back because one of our own "
            "dependencies was down (never dead-lettered)",
            ["service", "consumer", "dependency"], registry=registry)
        self.dependency_up = Gauge(
            "nectar_dependency_up", "1 when the dependency's readiness check passed at the "
            "last /readyz, else 0", ["service", "dependency"], registry=registry)
        self.in_flight = Gauge(
            "nectar_events_in_flight", "Messages being handled now, per consumer",
            ["service", "consumer"], registry=registry)
