"""The billing service's app: users from every turn, events out through the outbox.

Startup: migrate the schema (if enabled, under an advisory lock), then the runtime starts the
consumers and the outbox relay. Readiness includes `SELECT 1` on the database.
"""

from __future__ import annotations

import asyncio
import logging
import time

from nectar_contracts import (
    Event,
    PaymentReceived,
    PlanChanged,
    TurnReceived,
    UserCreated,
    UserDeleted,
)
from nectar_runtime import Runtime, ServiceSpec, Subscription
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from nectar_billing import handlers
from nectar_billing.bootstrap import Components, build_deps
from nectar_billing.domain import StoreUnavailable
from nectar_billing.domain.webhooks import CARD, CRYPTOBOT
from nectar_billing.handlers import ENSURE_USER_CONSUMER, STARS_CONSUMER
from nectar_billing.relay import OutboxRelay, WebhookProcessor
from nectar_billing.settings import BillingSettings

SERVICE = "billing"

log = logging.getLogger("nectar.billing.app")


class _Database:
    """The database as a `Managed` adapter: migrate on start, ping as the readiness check."""

    def __init__(self, database, migrate) -> None:
        self.database = database
        self.migrate = migrate

    async def start(self) -> None:
        await self.migrate()

    async def close(self) -> None:
        await self.database.close()

    async def check(self) -> None:
        await self.database.ping()


def create_app(settings: BillingSettings, deps: Components | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    """Build the billing app; nothing connects until its lifespan starts."""
    deps = deps or build_deps(settings)
    runtime = runtime or Runtime(SERVICE, settings.infra)
    relay = OutboxRelay(deps.outbox, runtime.bus.publish, poll_s=settings.outbox_poll_s,
                        batch_size=settings.outbox_batch_size)
    deps.outbox_committed.listeners.append(relay.wake)

    processor = WebhookProcessor(
        lambda limit: handlers.process_pending_webhooks(deps.handlers, limit),
        poll_s=settings.webhook_poll_s, batch_size=settings.webhook_batch_size)

    async def on_turn_received(event: TurnReceived) -> list[Event]:
        return await handlers.ensure_user(event, deps.handlers)

    async def on_payment_received(event: PaymentReceived) -> list[Event]:
        return await handlers.record_stars_payment(event, deps.handlers)

    def webhook_route(provider: str):
        async def endpoint(request: Request) -> JSONResponse:
            # Record first (one INSERT), answer, process after the answer has gone out.
            try:
                answer = await handlers.receive_webhook(
                    provider, await request.body(), request.headers, deps.handlers,
                    now=time.time())
            except StoreUnavailable:
                log.warning("webhook not recorded: database unavailable",
                            extra={"provider": provider}, exc_info=True)
                return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
            task = BackgroundTask(processor.wake) if answer.outcome == "recorded" else None
            return JSONResponse({"ok": answer.status_code == 200, "outcome": answer.outcome},
                                status_code=answer.status_code, background=task)
        return endpoint

    async def process_webhooks() -> None:
        await processor.run()

    async def expire_plans() -> None:
        while True:
            await asyncio.sleep(settings.expiry_sweep_s)
            try:
                while await handlers.expire_plans(deps.handlers) == 100:
                    pass
            except Exception:
                log.warning("plan expiry sweep failed; will retry", exc_info=True)

    async def migrate() -> None:
        if settings.migrate_on_start:
            await deps.database.migrate("head")
        else:
            log.info("schema migration on start disabled (BILLING_MIGRATE_ON_START=false)")

    async def relay_outbox() -> None:
        await relay.run()

    spec = ServiceSpec(
        subscriptions=[Subscription(
            ENSURE_USER_CONSUMER, (TurnReceived,), on_turn_received,
            "Create the user on first contact; `billing.user_created` leaves via the outbox",
            deliver_all=True),
            Subscription(
                STARS_CONSUMER, (PaymentReceived,), on_payment_received,
                "Telegram Stars payments from the edge: ledger once per charge id, plan "
                "derived, `billing.plan_changed` via the outbox", deliver_all=True)],
        publishes=[UserCreated, PlanChanged, UserDeleted],
        routes=[Route("/webhooks/cryptobot", webhook_route(CRYPTOBOT), methods=["POST"]),
                Route("/webhooks/card", webhook_route(CARD), methods=["POST"])],
        managed={"postgres": _Database(deps.database, migrate)},
        background=[relay_outbox, process_webhooks, expire_plans],
    )
    return runtime.build(spec), runtime
