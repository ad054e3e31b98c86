"""Free text: a chat turn. Anything without text: a short explanation."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message, Update

from nectar_edge.bot.convert import incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import chat


def build_router() -> Router:
    router = Router(name="chat")

    @router.message(F.text)
    async def on_text(message: Message, event_update: Update, bot: Bot, deps: Deps,
                      user_context: UserContext | None = None) -> None:
        events = await chat.receive_text(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)
        # after publishing: the turn is under way before the indicator's round trip
        if events:
            chat.show_typing_soon(message.chat.id, deps,
                                  action=chat.chat_action_for(events[0]),
                                  turn_id=str(events[0].correlation_id))

    @router.message()
    async def on_other(message: Message, event_update: Update, bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await chat.explain_text_only(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    return router
