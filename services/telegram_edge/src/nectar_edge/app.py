"""The Telegram edge's app: Telegram updates in (webhook or long polling) -> turn events;
reply/image/voice events -> Bot API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nectar_contracts import (
    ConversationReset,
    ImageCancelRequested,
    ImageRequested,
    PaymentReceived,
    PaymentRefunded,
    PlanChanged,
    ReplyDelivered,
    TurnReceived,
    UpdateReceived,
    UserCreated,
)
from nectar_runtime import Managed, Runtime, ServiceSpec, subscriptions
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from nectar_edge.adapters.billing_log import JetStreamBillingPlans
from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.bootstrap import build_deps
from nectar_edge.bot.dispatcher import allowed_updates
from nectar_edge.deps import Deps
from nectar_edge.entrypoints.http import webhook_route
from nectar_edge.entrypoints.intake import UpdateIntake
from nectar_edge.entrypoints.polling import long_polling_job, register_webhook_job
from nectar_edge.handlers import HANDLERS
from nectar_edge.settings import EdgeSettings

SERVICE = "telegram_edge"


def create_app(settings: EdgeSettings, deps: Deps | None = None,
               runtime: Runtime | None = None,
               gateway: TelegramGateway | None = None) -> tuple[Starlette, Runtime]:
    """Build the service. `gateway` is the Bot API session updates come in through; by
    default the messenger of `deps` when that is a `TelegramGateway`, else a new one."""
    runtime = runtime or Runtime(SERVICE, settings.infra)
    if gateway is None:
        gateway = (deps.messenger if deps is not None
                   and isinstance(deps.messenger, TelegramGateway)
                   else TelegramGateway(settings, runtime.registry))
    deps = deps or build_deps(
        settings, redis=runtime.redis, publisher=runtime.bus, messenger=gateway,
        plans=JetStreamBillingPlans(lambda: runtime.broker.connection),
        tracer=runtime.tracer, registry=runtime.registry)
    routes, background = _intake(settings, gateway,
                                 UpdateIntake(gateway.bot_id, deps.publisher, runtime.tracer))
    managed: dict[str, Managed] = {"telegram": gateway, "background": deps.background}
    if deps.media_files is not None:
        managed["media_files"] = deps.media_files
    spec = ServiceSpec(
        subscriptions=[] if settings.role == "intake" else subscriptions("edge", HANDLERS,
                                                                         deps),
        publishes=[UpdateReceived, TurnReceived, ImageRequested, ImageCancelRequested,
                   ReplyDelivered, ConversationReset, PaymentReceived, PaymentRefunded],
        reads=[PlanChanged, UserCreated],  # the plan refill (`adapters/billing_log.py`)
        routes=routes,
        managed=managed,
        background=background,
    )
    return runtime.build(spec), runtime


def _intake(settings: EdgeSettings, gateway: TelegramGateway, intake: UpdateIntake,
            ) -> tuple[list[BaseRoute], list[Callable[[], Awaitable[None]]]]:
    """How updates come in: the webhook route and its registration, or long polling, or
    nothing (a worker)."""
    if settings.role == "worker":
        return [], []  # no intake: another process takes updates in
    kinds = allowed_updates()
    if not settings.webhook_url:
        return [], [long_polling_job(intake, gateway, settings.poll_timeout_s, kinds,
                                     settings.webhook_max_body_bytes)]
    assert settings.webhook_secret is not None  # enforced by EdgeSettings
    secret = settings.webhook_secret.get_secret_value()
    return ([webhook_route(intake, secret, settings.webhook_max_body_bytes)],
            [register_webhook_job(gateway, settings.webhook_url, secret, kinds)])
