"""/language [code] and the language buttons (`lang:<code>`)."""

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
    router = Router(name="language")

    @router.message(command("language"))
    async def on_language(message: Message, command: CommandObject, event_update: Update,
                          bot: Bot, deps: Deps,
                          user_context: UserContext | None = None) -> None:
        events = await commands.choose_language(
            incoming(message, event_update, bot, user_context), command.args, deps)
        await publish(events, deps)

    @router.callback_query(F.data.startswith("lang:"))
    async def on_language_button(query: CallbackQuery, event_update: Update, bot: Bot,
                                 deps: Deps,
                                 user_context: UserContext | None = None) -> None:
        events = await commands.choose_language(
            from_callback(query, event_update, bot, user_context),
            (query.data or "").split(":", 1)[1], deps)
        await publish(events, deps)

    return router
