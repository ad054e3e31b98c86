"""Publishing what an update handler returned, inside the update's span."""

from __future__ import annotations

from collections.abc import Sequence

from nectar_contracts import Event
from opentelemetry import trace

from nectar_edge.deps import Deps


async def publish(events: Sequence[Event], deps: Deps) -> None:
    """Publish `events`; the current `telegram.update` span is tagged with the turn id and
    user, so the trace can be found by turn like every consumer's span."""
    if events:
        span = trace.get_current_span()
        span.set_attribute("nectar.turn_id", str(events[0].correlation_id))
        span.set_attribute("nectar.user_id", events[0].user_id)
        span.set_attribute("nectar.event_type", events[0].type)
    await deps.publisher.publish_all(events)
