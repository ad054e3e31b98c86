"""Prometheus metrics of the media service (one set per registry)."""

from __future__ import annotations

from nectar_runtime import MetricSet
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_SECONDS = (0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600)


class MediaMetrics(MetricSet):
    """Image jobs by outcome, their queue and render time, and the worker pool."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.requests = Counter(
            "nectar_media_requests_total",
            "Image jobs ended, by outcome: ready, cached, cancelled, or the image_failed "
            "reason", ["outcome"], registry=registry)
        self.render_seconds = Histogram(
            "nectar_media_render_seconds", "Seconds from submission on a worker to the image",
            registry=registry, buckets=_SECONDS)
        self.queue_seconds = Histogram(
            "nectar_media_queue_seconds", "Seconds from the request to its submission on a "
            "worker (the stream and the pool)", registry=registry, buckets=_SECONDS)
        self.worker_up = Gauge(
            "nectar_media_worker_up", "1 while a ComfyUI worker is in the pool",
            ["worker"], registry=registry)
        self.model_loads = Counter(
            "nectar_media_model_loads_total", "Jobs placed on a worker that had to load "
            "another checkpoint or LoRA first", ["worker"], registry=registry)
        self.reruns = Counter(
            "nectar_media_job_reruns_total", "Jobs placed again after their worker lost them",
            registry=registry)
