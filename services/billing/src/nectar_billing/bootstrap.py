"""Composition root of the billing service.

`build_deps` wires the adapters; nothing connects here (the engine's pool opens its first
connection on first use, in the service's startup hooks). Every part can be overridden by
keyword, e.g. the fakes in `nectar_billing.adapters.fakes` for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nectar_billing.adapters.postgres import (
    SqlDatabase,
    SqlOutboxStore,
    SqlUnitOfWork,
    create_engine,
)
from nectar_billing.domain.plans import load_catalog
from nectar_billing.handlers import Deps, WebhookSecrets
from nectar_billing.ports import Database, OutboxStore, UnitOfWork
from nectar_billing.settings import BillingSettings


class Wakeup:
    """Forwards "outbox rows were committed" to whoever listens (the relay, once built)."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[], None]] = []

    def __call__(self) -> None:
        for listener in self.listeners:
            listener()


@dataclass
class Components:
    """Everything the billing app is made of."""

    handlers: Deps
    database: Database
    outbox: OutboxStore
    outbox_committed: Wakeup


def build_deps(settings: BillingSettings, *, database: Database | None = None,
               outbox: OutboxStore | None = None,
               uow: Callable[[], UnitOfWork] | None = None,
               outbox_committed: Wakeup | None = None) -> Components:
    wakeup = outbox_committed or Wakeup()
    if database is None or outbox is None or uow is None:
        engine = create_engine(settings)
        database = database or SqlDatabase(engine)
        outbox = outbox or SqlOutboxStore(engine)
        uow = uow or (lambda: SqlUnitOfWork(engine, on_outbox_commit=wakeup))
    secrets = WebhookSecrets(
        cryptobot_app_token=settings.cryptobot_app_token.get_secret_value(),
        paddle_secret=settings.paddle_webhook_secret.get_secret_value(),
        paddle_max_skew_s=settings.paddle_max_skew_s)
    return Components(handlers=Deps(uow=uow, catalog=load_catalog(settings.plans_file),
                                    secrets=secrets),
                      database=database, outbox=outbox, outbox_committed=wakeup)
