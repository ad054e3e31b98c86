"""The one path every Telegram update takes in, webhook or long polling:

    accept (webhook request / poll loop): publish `telegram.update_received`
        -> the bus (JetStream, durable) -> `handlers.updates.handle_update` (an edge
    consumer, any replica, one user's updates in order): dedupe by update_id, then the bot.

The webhook answers as soon as the update is stored on the bus, in milliseconds, whatever
the handling costs; a crash after that loses nothing (the consumer redelivers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from nectar_contracts import UpdateReceived, keyed_uuid7
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from nectar_edge.deps import PRODUCER
from nectar_edge.ports import Publisher

Outcome = Literal["queued"]


def _sender(data: dict[str, Any]) -> int:
    """The sender's user id of a raw update (0 when it has none or a non-positive one)."""
    for kind in ("message", "edited_message", "callback_query", "pre_checkout_query",
                 "shipping_query", "inline_query", "my_chat_member"):
        body = data.get(kind)
        if isinstance(body, dict):
            sender = body.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return max(0, sender["id"])
    return 0


def _sent_at(data: dict[str, Any]) -> datetime:
    for kind in ("message", "edited_message"):
        body = data.get(kind)
        if isinstance(body, dict) and isinstance(body.get("date"), int):
            return datetime.fromtimestamp(body["date"], tz=UTC)
    return datetime.now(UTC)


class UpdateIntake:
    """Stores raw updates on the bus, inside the `telegram.update` span that starts the
    turn's trace (the consumer's spans carry it on through the NATS headers)."""

    def __init__(self, bot_id: int, publisher: Publisher, tracer: trace.Tracer) -> None:
        self.bot_id = bot_id
        self.publisher = publisher
        self.tracer = tracer

    def received(self, data: dict[str, Any]) -> UpdateReceived:
        """The bus event of a raw update; its id is derived from (bot, update id)."""
        update_id = int(data["update_id"])
        event_id = keyed_uuid7(f"telegram-update-in|{self.bot_id}|{update_id}",
                               _sent_at(data))
        return UpdateReceived(event_id=event_id, correlation_id=event_id, producer=PRODUCER,
                              user_id=_sender(data), bot_id=self.bot_id, update_id=update_id,
                              update=data)

    async def accept(self, data: dict[str, Any]) -> Outcome:
        """Take a raw update (a JSON object with an integer `update_id`): publish it for
        the consumers."""
        event = self.received(data)
        with self.tracer.start_as_current_span(
                "telegram.update", kind=SpanKind.SERVER,
                attributes={"telegram.update_id": event.update_id,
                            "telegram.bot_id": event.bot_id}):
            await self.publisher.publish_all([event])
        return "queued"
