"""Billing's own Prometheus metrics (the bus and HTTP metrics come from the runtime)."""

from __future__ import annotations

from nectar_runtime import MetricSet
from prometheus_client import CollectorRegistry, Counter


class BillingMetrics(MetricSet):
    """What became of provider notifications; `nectar_billing_webhooks_dead_total` is the
    alert: a notification billing gave up on (nothing credited, an operator must look)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.webhooks = Counter(
            "nectar_billing_webhooks_total", "Provider notifications by final outcome",
            ["provider", "outcome"], registry=registry)
        self.webhook_failures = Counter(
            "nectar_billing_webhook_failures_total", "Failed attempts to process a recorded "
            "notification (retried later with backoff)", ["provider"], registry=registry)
        self.webhooks_dead = Counter(
            "nectar_billing_webhooks_dead_total", "Notifications given up on after their last "
            "allowed attempt, or unreadable: nothing credited (alert on any increase)",
            ["provider"], registry=registry)
