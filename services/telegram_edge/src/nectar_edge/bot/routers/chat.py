"""Free text: a chat turn (a command no router took: a hint). Anything without text: a
short explanation for content, nothing for service messages. Buttons nobody handles: only
answered (by the chain)."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, Update

from nectar_edge.bot.convert import incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.commands import parse_command
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import chat, commands

log = logging.getLogger("nectar.telegram_edge.routers")


def build_router() -> Router:
    router = Router(name="chat")

    @router.message(F.text)
    async def on_text(message: Message, event_update: Update, bot: Bot, deps: Deps,
                      user_context: UserContext | None = None) -> None:
        said = incoming(message, event_update, bot, user_context)
        command = parse_command(message.text)
        if command is not None:  # every known command has its router: this one is not
            await publish(await commands.explain_unknown_command(said, command.name, deps),
                          deps)
            return
        events = await chat.receive_text(said, deps)
        await publish(events, deps)
        # after publishing: the turn is under way before the indicator's round trip
        if events:
            chat.show_typing_soon(message.chat.id, deps,
                                  action=chat.chat_action_for(events[0]),
                                  turn_id=str(events[0].correlation_id))

    @router.message()
    async def on_other(message: Message, event_update: Update, bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await chat.answer_non_text(
            incoming(message, event_update, bot, user_context), message.content_type.value,
            deps)
        await publish(events, deps)

    @router.callback_query()
    async def on_unknown_button(query: CallbackQuery) -> None:
        log.info("button without a handler (answered, nothing else)",
                 extra={"user_id": query.from_user.id, "data": (query.data or "")[:64]})

    return router
