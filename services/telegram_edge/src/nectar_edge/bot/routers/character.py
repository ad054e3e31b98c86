"""/character [name], the character buttons (`char:<id>`) and /reset."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message, Update

from nectar_edge.bot.commands import command
from nectar_edge.bot.convert import from_callback, incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import commands


def build_router() -> Router:
    router = Router(name="character")

    @router.message(command("character"))
    async def on_character(message: Message, command: CommandObject, event_update: Update,
                           bot: Bot, deps: Deps,
                           user_context: UserContext | None = None) -> None:
        events = await commands.choose_character(
            incoming(message, event_update, bot, user_context), command.args, deps)
        await publish(events, deps)

    @router.callback_query(F.data.startswith("char:"))
    async def on_character_button(query: CallbackQuery, event_update: Update, bot: Bot,
                                  deps: Deps,
                                  user_context: UserContext | None = None) -> None:
        events = await commands.choose_character(
            from_callback(query, event_update, bot, user_context),
            (query.data or "").split(":", 1)[1], deps)
        await publish(events, deps)

    @router.message(command("reset"))
    async def on_reset(message: Message, event_update: Update, bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await commands.reset_conversation(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    return router
