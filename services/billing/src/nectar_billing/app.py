"""The billing service's app: users from every turn, events out through the outbox.

Startup: migrate the schema (if enabled, under an advisory lock), then the runtime starts the
consumers and the outbox relay. Readiness includes `SELECT 1` on the database.
"""

from __future__ import annotations

import logging

from nectar_contracts import Event, TurnReceived, UserCreated
from nectar_runtime import Runtime, ServiceSpec, Subscription
from starlette.applications import Starlette

from nectar_billing import handlers
from nectar_billing.bootstrap import Components, build_deps
from nectar_billing.handlers import ENSURE_USER_CONSUMER
from nectar_billing.relay import OutboxRelay
from nectar_billing.settings import BillingSettings

SERVICE = "billing"

log = logging.getLogger("nectar.billing.app")


def create_app(settings: BillingSettings, deps: Components | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    """Build the billing app; nothing connects until its lifespan starts."""
    deps = deps or build_deps(settings)
    runtime = runtime or Runtime(SERVICE, settings.infra)
    relay = OutboxRelay(deps.outbox, runtime.bus.publish, poll_s=settings.outbox_poll_s,
                        batch_size=settings.outbox_batch_size)
    deps.outbox_committed.listeners.append(relay.wake)

    async def on_turn_received(event: TurnReceived) -> list[Event]:
        return await handlers.ensure_user(event, deps.handlers)

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
            deliver_all=True)],
        publishes=[UserCreated],
        ready_checks={"postgres": deps.database.ping},
        on_startup=[migrate],
        on_shutdown=[deps.database.close],
        background=[relay_outbox],
    )
    return runtime.build(spec), runtime
