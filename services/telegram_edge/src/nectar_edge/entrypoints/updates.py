"""The one path every Telegram update takes, webhook or long polling: trace, dedupe, feed."""

from __future__ import annotations

import logging
from typing import Any, Literal, Protocol

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from nectar_edge.ports import UpdateLog

log = logging.getLogger("nectar.telegram_edge.updates")

Outcome = Literal["handled", "duplicate"]


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
                 tracer: trace.Tracer, dedupe_ttl_s: int, claim_ttl_s: int = 60) -> None:
        self.dp = dp
        self.session = session
        self.updates = updates
        self.tracer = tracer
        self.dedupe_ttl_s = dedupe_ttl_s
        self.claim_ttl_s = claim_ttl_s

    def parse(self, data: dict[str, Any]) -> Update:
        """A webhook payload as an aiogram Update bound to the bot (raises ValidationError)."""
        return Update.model_validate(data, context={"bot": self.session.bot})

    async def handle(self, update: Update) -> Outcome:
        """Handle one update once. The update is claimed for `claim_ttl_s` while it is
        handled and remembered for `dedupe_ttl_s` once handled; on failure the claim is
        released and the error propagates, so that Telegram's (or the poller's) retry is
        handled. A crash mid-handling leaves only the short claim: a later redelivery is
        handled, and the turn's deterministic id lets JetStream drop a second publish."""
        bot_id = self.session.bot_id
        with self.tracer.start_as_current_span(
                "telegram.update", kind=SpanKind.SERVER,
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
