"""The billing service's app: users from every turn, Stars payments from the edge, provider
webhooks over HTTP; events out through the outbox.

Startup: the database (`Deps.database`, a `Managed` adapter) migrates the schema if enabled
(under an advisory lock), then the runtime starts the consumers of the `HANDLERS` index and
the background jobs (outbox relay, webhook processor, expiry sweep). Readiness includes
`SELECT 1` on the database.
"""

from __future__ import annotations

from nectar_contracts import PlanChanged, UserCreated, UserDeleted
from nectar_runtime import Runtime, ServiceSpec, subscriptions
from starlette.applications import Starlette

from nectar_billing import handlers, inbox
from nectar_billing.bootstrap import build_deps
from nectar_billing.deps import Deps
from nectar_billing.entrypoints.http import webhook_routes
from nectar_billing.entrypoints.jobs import OutboxRelay, WebhookProcessor, sweep_expired_plans
from nectar_billing.handlers import CONSUMERS, HANDLERS
from nectar_billing.settings import BillingSettings

SERVICE = "billing"


def create_app(settings: BillingSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    """Build the billing app; nothing connects until its lifespan starts."""
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, registry=runtime.registry)
    relay = OutboxRelay(deps.outbox, runtime.bus.publish, poll_s=settings.outbox_poll_s,
                        batch_size=settings.outbox_batch_size)
    deps.outbox_committed.listeners.append(relay.wake)
    processor = WebhookProcessor(
        lambda limit: inbox.process_pending_webhooks(deps, limit),
        poll_s=settings.webhook_poll_s, batch_size=settings.webhook_batch_size)

    async def relay_outbox() -> None:
        await relay.run()

    async def process_webhooks() -> None:
        await processor.run()

    async def expire_plans() -> None:
        await sweep_expired_plans(lambda limit: handlers.expire_plans(deps, limit),
                                  every_s=settings.expiry_sweep_s)

    spec = ServiceSpec(
        subscriptions=subscriptions(CONSUMERS, HANDLERS, deps),
        publishes=[UserCreated, PlanChanged, UserDeleted],
        routes=webhook_routes(deps, recorded=processor.wake,
                              max_body_bytes=settings.webhook_max_body_bytes),
        managed={"postgres": deps.database},
        background=[relay_outbox, process_webhooks, expire_plans],
    )
    return runtime.build(spec), runtime
