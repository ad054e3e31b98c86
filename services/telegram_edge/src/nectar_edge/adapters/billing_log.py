"""`JetStreamBillingPlans`: billing's plan events, read back from the BILLING stream.

The edge's plan cache is a projection of `billing.plan_changed` / `billing.user_created`;
when an entry is missing (never cached, or evicted) the user's last message on each of the
two subjects (`nectar.billing.<user>.plan_changed`, `...user_created`) is billing's own
word, read with JetStream's direct get of the last message by subject (one request each, no
consumer; any replica of the stream answers). The service declares these events in
`ServiceSpec.reads`, which grants exactly that API in its NATS permissions.
"""

from __future__ import annotations

from collections.abc import Callable

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from nectar_contracts import MalformedEvent, Plan, PlanChanged, UserCreated, parse_event


class JetStreamBillingPlans:
    """`BillingPlans` over the runtime's NATS connection (`connection()` is called when
    needed: the connection exists once the service started)."""

    def __init__(self, connection: Callable[[], NatsClient]) -> None:
        self.connection = connection

    async def latest_plan(self, user_id: int) -> tuple[Plan, int] | None:
        js = self.connection().jetstream()
        found: list[tuple[int, Plan]] = []
        for event_type in (PlanChanged, UserCreated):
            subject = event_type.subject_template.format(user_id=user_id)
            try:
                msg = await js.get_last_msg(event_type.stream, subject, direct=True)
            except NotFoundError:
                continue
            try:
                event = parse_event(msg.data or b"", (PlanChanged, UserCreated))
            except MalformedEvent:  # not billing's word; the other subject may be
                continue
            assert isinstance(event, PlanChanged | UserCreated)
            found.append((int(event.occurred_at.timestamp() * 1000), event.plan))
        if not found:
            return None
        as_of_ms, plan = max(found)
        return plan, as_of_ms
