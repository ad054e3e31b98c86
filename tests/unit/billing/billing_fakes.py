"""Billing's `Deps` on the in-memory fakes, through the real composition root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nectar_billing.adapters.fakes import (
    FakeBillingStore,
    FakeDatabase,
    FakeOutboxStore,
    FakeUnitOfWork,
)
from nectar_billing.bootstrap import build_deps
from nectar_billing.deps import Deps, Wakeup
from nectar_billing.settings import BillingSettings
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

CRYPTO_TOKEN = "12345:AAunittesttoken"
PADDLE_SECRET = "pdl_ntfset_01unit_secret"


def fake_deps(store: FakeBillingStore, *, uow: Callable[[], Any] | None = None,
              **overrides: Any) -> Deps:
    wakeup = overrides.pop("outbox_committed", None) or Wakeup()
    overrides.setdefault("registry", CollectorRegistry())  # metrics of this test only
    settings = BillingSettings(cryptobot_app_token=SecretStr(CRYPTO_TOKEN),
                               paddle_webhook_secret=SecretStr(PADDLE_SECRET))
    return build_deps(settings, uow=uow or (lambda: FakeUnitOfWork(store, wakeup)),
                      database=FakeDatabase(store), outbox=FakeOutboxStore(store),
                      outbox_committed=wakeup, **overrides)
