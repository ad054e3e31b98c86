"""What billing's handlers, jobs and operator actions are given (built by `bootstrap`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nectar_contracts.plans import PlanCatalog
from prometheus_client import CollectorRegistry

from nectar_billing.metrics import BillingMetrics
from nectar_billing.ports import Database, OutboxStore, UnitOfWorkFactory


def utcnow() -> datetime:
    return datetime.now(UTC)


class Wakeup:
    """Forwards "outbox rows were committed" to whoever listens (the relay, once built)."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[], None]] = []

    def __call__(self) -> None:
        for listener in self.listeners:
            listener()


@dataclass(frozen=True)
class WebhookSecrets:
    """Provider secrets (plain strings only in memory; settings keep them as SecretStr)."""

    cryptobot_app_token: str = field(default="", repr=False)
    paddle_secret: str = field(default="", repr=False)
    paddle_max_skew_s: float = 5.0


@dataclass(frozen=True)
class WebhookRetry:
    """How a recorded notification whose processing fails is retried: exponential backoff
    from `base_s` (capped at `max_s`), given up (`dead`) after `max_attempts` attempts."""

    max_attempts: int = 5
    base_s: float = 5.0
    max_s: float = 3600.0

    def delay_s(self, attempts: int) -> float:
        """Seconds before the next try, after `attempts` failed ones (1, 2, ...)."""
        return min(self.base_s * 2 ** max(attempts - 1, 0), self.max_s)


@dataclass(frozen=True)
class Deps:
    """Everything billing is made of: storage ports, the plan catalog, secrets, the clock.

    `uow` opens one transaction over every repository; `outbox` is the relay's side of the
    outbox and `outbox_committed` the signal that new rows are waiting; `database` is the
    `Managed` lifecycle of the store (migrate on start, `SELECT 1`, close).
    """

    uow: UnitOfWorkFactory
    database: Database
    outbox: OutboxStore
    catalog: PlanCatalog
    outbox_committed: Wakeup = field(default_factory=Wakeup)
    secrets: WebhookSecrets = field(default_factory=WebhookSecrets)
    webhook_retry: WebhookRetry = field(default_factory=WebhookRetry)
    metrics: BillingMetrics = field(
        default_factory=lambda: BillingMetrics.for_registry(CollectorRegistry()))
    clock: Callable[[], datetime] = utcnow
