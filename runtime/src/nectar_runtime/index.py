"""A service's `HANDLERS` index, turned into its bus subscriptions.

Every service ends its `handlers.py` with the index of what it consumes:

    HANDLERS: Index = {
        TurnReceived: On(build_context, "Append the user's line and assemble the context"),
        ImageRequested: On(render_image, "Render an image", max_in_flight=4, ack_wait_s=30),
    }

and its app hands the index to `subscriptions(prefix, HANDLERS, deps)`: one durable consumer
per event type, named `<prefix>-<event name>` (e.g. `memory-turn_received`), whose handler is
`handler(event, deps)`. No service wires a subscriber by hand, so the index is the whole truth
about what a service consumes (a contract test holds every service to it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from nectar_contracts import Event
from nectar_runtime.bus import Subscription

BoundHandler = Callable[[Any, Any], Awaitable[Sequence[Event]]]


@dataclass(frozen=True)
class On:
    """One entry of a `HANDLERS` index: the handler of an event type and how it is consumed."""

    handler: BoundHandler
    description: str
    #: a projection that must see the whole history starts at the first message
    deliver_all: bool = False
    #: messages handled at once per replica (None: `NECTAR_MAX_IN_FLIGHT`)
    max_in_flight: int | None = None
    #: redelivery after this long without an ack or heartbeat (None: `NECTAR_ACK_WAIT_S`)
    ack_wait_s: float | None = None
    #: events handled in order per key (default: per user)
    ordering_key: Callable[[Event], Hashable] | None = None
    #: per-user order held across replicas and retries (see `Subscription.ordered`)
    ordered: bool = True


Index = Mapping[type[Event], On]


def consumer_name(prefix: str, event: type[Event]) -> str:
    """The durable consumer of `event` in the service whose consumers start with `prefix`."""
    return f"{prefix}-{event.event_name()}"


def subscriptions(prefix: str, index: Index, deps: Any,
                  tune: Mapping[type[Event], Mapping[str, Any]] | None = None,
                  ) -> list[Subscription]:
    """The subscriptions of a service: one per entry of its index, bound to `deps`.

    `tune` overrides an entry's options from settings (e.g. `{ImageRequested:
    {"max_in_flight": pool_capacity}}`)."""
    subs = []
    for event, on in index.items():
        on = replace(on, **(tune or {}).get(event, {}))
        subs.append(Subscription(
            name=consumer_name(prefix, event), events=(event,),
            handler=_bind(on.handler, deps), description=on.description,
            deliver_all=on.deliver_all, max_in_flight=on.max_in_flight,
            ack_wait_s=on.ack_wait_s, ordered=on.ordered,
            **({"ordering_key": on.ordering_key} if on.ordering_key else {})))
    return subs


def _bind(handler: BoundHandler, deps: Any) -> Callable[[Event], Awaitable[Sequence[Event]]]:
    async def on_event(event: Event) -> Sequence[Event]:
        return await handler(event, deps)

    on_event.__name__ = on_event.__qualname__ = f"on_{handler.__name__}"
    on_event.__doc__ = handler.__doc__
    return on_event
