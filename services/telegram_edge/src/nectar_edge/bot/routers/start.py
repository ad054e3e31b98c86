"""/start, /help and /paysupport."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message, Update

from nectar_edge.bot.commands import command, start_command
from nectar_edge.bot.convert import incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import commands, payments


def build_router() -> Router:
    router = Router(name="start")

    @router.message(start_command())
    async def on_start(message: Message, event_update: Update, bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await commands.greet_user(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    @router.message(command("help"))
    async def on_help(message: Message, event_update: Update, bot: Bot, deps: Deps,
                      user_context: UserContext | None = None) -> None:
        events = await commands.show_help(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    @router.message(command("paysupport"))
    async def on_paysupport(message: Message, event_update: Update, bot: Bot, deps: Deps,
                            user_context: UserContext | None = None) -> None:
        events = await payments.show_payment_support(
            incoming(message, event_update, bot, user_context), deps)
        await publish(events, deps)

    return router
