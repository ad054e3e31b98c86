"""Bus subscriptions of the edge: each unpacks one event and calls one handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nectar_contracts import (
    Event,
    ImageFailed,
    ImageReady,
    PlanChanged,
    ReplyFailed,
    ReplyReady,
    UserCreated,
    VoiceFailed,
    VoiceReady,
)
from nectar_runtime import Subscription

from nectar_edge import handlers
from nectar_edge.handlers import Deps


def _bound(handler: Callable[..., Awaitable[list[Event]]],
           deps: Deps) -> Callable[[Event], Awaitable[list[Event]]]:
    async def on_event(event: Event) -> list[Event]:
        return await handler(event, deps)

    on_event.__name__ = f"on_{handler.__name__}"
    return on_event


def subscriptions(deps: Deps) -> list[Subscription]:
    """Durable consumers. Deliveries to users start from new messages (a new consumer must
    not replay old replies to Telegram); the plan cache is a projection and reads the whole
    stream."""
    def deliver(name: str, event: type[Event], description: str) -> Subscription:
        return Subscription(name, (event,), _bound(handlers.HANDLERS[event], deps),
                            description)

    return [
        deliver("edge-reply_ready", ReplyReady, "Send the reply to Telegram"),
        deliver("edge-reply_failed", ReplyFailed, "Apologise for a reply that failed"),
        deliver("edge-image_ready", ImageReady, "Send the image as a photo"),
        deliver("edge-image_failed", ImageFailed, "Tell the user the image failed"),
        deliver("edge-voice_ready", VoiceReady, "Send the voice note"),
        deliver("edge-voice_failed", VoiceFailed, "Tell the user the voice note failed"),
        Subscription("edge-plan_changed", (PlanChanged,), _bound(handlers.cache_plan, deps),
                     "Update the plan cache", deliver_all=True),
        Subscription("edge-user_created", (UserCreated,), _bound(handlers.cache_plan, deps),
                     "Seed the plan cache of a new user", deliver_all=True),
    ]
