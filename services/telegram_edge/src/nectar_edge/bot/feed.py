"""Raw Telegram updates into aiogram: validated as `Update` objects and fed to the
dispatcher (middleware chain, routers) with the handlers' `Deps`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from nectar_edge.deps import Deps


class BotSession(Protocol):
    """The started Bot API session updates are bound to (`TelegramGateway`)."""

    bot_id: int

    @property
    def bot(self) -> Bot: ...


def read_update(data: Mapping[str, Any], bot: Bot) -> Update:
    """A raw update as an aiogram `Update` bound to `bot` (raises pydantic's
    ValidationError)."""
    return Update.model_validate(dict(data), context={"bot": bot})


class AiogramFeed:
    """The edge's `UpdateFeed`: each update through the dispatcher, inside the
    `telegram.update.handle` span (events published while handling it carry the trace)."""

    def __init__(self, dp: Dispatcher, session: BotSession, tracer: trace.Tracer) -> None:
        self.dp = dp
        self.session = session
        self.tracer = tracer

    async def feed(self, update: Mapping[str, Any], deps: Deps) -> None:
        with self.tracer.start_as_current_span(
                "telegram.update.handle", kind=SpanKind.INTERNAL,
                attributes={"telegram.update_id": int(update["update_id"]),
                            "telegram.bot_id": self.session.bot_id}) as span:
            try:
                parsed = read_update(update, self.session.bot)
                await self.dp.feed_update(self.session.bot, parsed, deps=deps)
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
