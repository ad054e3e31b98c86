"""The one path every Telegram update takes, webhook or long polling:

    accept (webhook request / poll loop): validate, publish `telegram.update_received`
        -> the bus (JetStream, durable) -> handle (an edge consumer, any replica, one user's
    updates in order): dedupe by update_id, feed the dispatcher (middleware chain, routers).

The webhook answers as soon as the update is stored on the bus, in milliseconds, whatever
the handling costs; a crash after that loses nothing (the consumer redelivers).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from nectar_contracts import Event, UpdateReceived, keyed_uuid7
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from nectar_edge.ports import Publisher, UpdateLog

log = logging.getLogger("nectar.telegram_edge.updates")

Outcome = Literal["handled", "duplicate", "queued"]

PRODUCER = "telegram_edge"


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


class BotSession(Protocol):
    """The started Bot API session updates are bound to (`TelegramGateway`)."""

    bot_id: int

    @property
    def bot(self) -> Bot: ...


class UpdateIntake:
    """Dedupes an update by id and feeds it to the dispatcher, inside the `telegram.update`
    span that starts the turn's trace (events published while handling it carry the trace
    context in their NATS headers)."""

    def __init__(self, dp: Dispatcher, session: BotSession, updates: UpdateLog,
                 tracer: trace.Tracer, dedupe_ttl_s: int, claim_ttl_s: int = 60,
                 publisher: Publisher | None = None) -> None:
        self.publisher = publisher
        self.dp = dp
        self.session = session
        self.updates = updates
        self.tracer = tracer
        self.dedupe_ttl_s = dedupe_ttl_s
        self.claim_ttl_s = claim_ttl_s

    def parse(self, data: dict[str, Any]) -> Update:
        """A webhook payload as an aiogram Update bound to the bot (raises ValidationError)."""
        return Update.model_validate(data, context={"bot": self.session.bot})

    def received(self, data: dict[str, Any]) -> UpdateReceived:
        """The bus event of a raw update; its id is derived from (bot, update id)."""
        bot_id, update_id = self.session.bot_id, int(data["update_id"])
        event_id = keyed_uuid7(f"telegram-update-in|{bot_id}|{update_id}", _sent_at(data))
        return UpdateReceived(event_id=event_id, correlation_id=event_id, producer=PRODUCER,
                              user_id=_sender(data), bot_id=bot_id, update_id=update_id,
                              update=data)

    async def accept(self, data: dict[str, Any]) -> Outcome:
        """Take a raw update (already validated by `parse`): publish it for the consumers,
        inside the `telegram.update` span that starts the turn's trace."""
        if self.publisher is None:
            raise RuntimeError("UpdateIntake.accept needs a publisher")
        event = self.received(data)
        with self.tracer.start_as_current_span(
                "telegram.update", kind=SpanKind.SERVER,
                attributes={"telegram.update_id": event.update_id,
                            "telegram.bot_id": event.bot_id}):
            await self.publisher.publish_all([event])
        return "queued"

    async def handle_received(self, event: Event) -> list[Event]:
        """Bus side: an `UpdateReceived` from the consumer, handled once."""
        assert isinstance(event, UpdateReceived)
        await self.handle(self.parse(event.update))
        return []

    async def handle(self, update: Update) -> Outcome:
        """Handle one update once. The update is claimed for `claim_ttl_s` while it is
        handled and remembered for `dedupe_ttl_s` once handled; on failure the claim is
        released and the error propagates, so that Telegram's (or the poller's) retry is
        handled. A crash mid-handling leaves only the short claim: a later redelivery is
        handled, and the turn's deterministic id lets JetStream drop a second publish."""
        bot_id = self.session.bot_id
        with self.tracer.start_as_current_span(
                "telegram.update.handle", kind=SpanKind.INTERNAL,
                attributes={"telegram.update_id": update.update_id,
                            "telegram.bot_id": bot_id}) as span:
            if not await self.updates.claim(bot_id, update.update_id, self.claim_ttl_s):
                span.set_attribute("telegram.duplicate", True)
                log.info("duplicate update ignored", extra={"update_id": update.update_id})
                return "duplicate"
            try:
                await self.dp.feed_update(self.session.bot, update)
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}"))
                try:
                    await self.updates.release(bot_id, update.update_id)
                except Exception:
                    log.warning("could not release the update claim", exc_info=True,
                                extra={"update_id": update.update_id})
                raise
            await self.updates.complete(bot_id, update.update_id, self.dedupe_ttl_s)
            return "handled"
