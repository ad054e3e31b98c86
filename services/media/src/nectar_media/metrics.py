"""Prometheus metrics of the media service (one set per registry)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from nectar_runtime import MetricSet


class MediaMetrics(MetricSet):
    """Image requests by outcome, and how long renders take."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.requests = Counter(
            "nectar_media_requests_total",
            "Image requests answered, by outcome: ready, not_available, refused, failed",
            ["outcome"], registry=registry)
        self.render_seconds = Histogram(
            "nectar_media_render_seconds", "Time the renderer took for one picture",
            registry=registry, buckets=(1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600))
