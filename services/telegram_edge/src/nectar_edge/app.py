"""The Telegram edge's app: Telegram updates in (webhook or long polling) -> turn events;
reply/image/voice events -> Bot API calls."""

from __future__ import annotations

from nectar_contracts import (
    ConversationReset,
    ImageRequested,
    PaymentReceived,
    ReplyDelivered,
    TurnReceived,
    UpdateReceived,
)
from nectar_runtime import Managed, Runtime, ServiceSpec, Subscription
from starlette.applications import Starlette

from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.bootstrap import build_deps
from nectar_edge.bot.dispatcher import build_dispatcher
from nectar_edge.entrypoints.http import webhook_route
from nectar_edge.entrypoints.nats import subscriptions
from nectar_edge.entrypoints.polling import long_polling_job, register_webhook_job
from nectar_edge.entrypoints.updates import UpdateIntake
from nectar_edge.handlers import Deps
from nectar_edge.settings import EdgeSettings

SERVICE = "telegram_edge"


def create_app(settings: EdgeSettings, deps: Deps | None = None,
               runtime: Runtime | None = None,
               gateway: TelegramGateway | None = None) -> tuple[Starlette, Runtime]:
    """Build the service. `gateway` is the Bot API session updates are fed with; by default
    the messenger of `deps` when that is a `TelegramGateway`, else a new one."""
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, redis=runtime.redis, publisher=runtime.bus,
                              registry=runtime.registry)
    if gateway is None:
        gateway = (deps.messenger if isinstance(deps.messenger, TelegramGateway)
                   else TelegramGateway(settings, runtime.registry))
    dp = build_dispatcher(deps)
    intake = UpdateIntake(dp, gateway, deps.updates, runtime.tracer,
                          settings.update_dedupe_ttl_s, settings.update_claim_ttl_s,
                          publisher=deps.publisher)
    allowed_updates = dp.resolve_used_update_types()

    routes = []
    background = []
    if settings.role == "worker":
        pass  # no intake: another process takes updates in
    elif settings.webhook_url:
        assert settings.webhook_secret is not None  # enforced by EdgeSettings
        secret = settings.webhook_secret.get_secret_value()
        routes.append(webhook_route(intake, secret))
        background = [register_webhook_job(gateway, settings.webhook_url, secret,
                                           allowed_updates)]
    else:
        background = [long_polling_job(intake, gateway, settings.poll_timeout_s,
                                       allowed_updates)]

    consumers = [] if settings.role == "intake" else [Subscription(
        "edge-update_received", (UpdateReceived,), intake.handle_received,
        "Handle a Telegram update: dedupe, middleware chain, commands and turns"),
        *subscriptions(deps)]
    spec = ServiceSpec(
        subscriptions=consumers,
        publishes=[UpdateReceived, TurnReceived, ImageRequested, ReplyDelivered,
                   ConversationReset, PaymentReceived],
        routes=routes,
        managed={"telegram": gateway,
                 **({"audio_store": deps.audio} if isinstance(deps.audio, Managed) else {})},
        optional={"audio_store"},  # voice notes wait for it; text turns do not
        background=background,
    )
    return runtime.build(spec), runtime
