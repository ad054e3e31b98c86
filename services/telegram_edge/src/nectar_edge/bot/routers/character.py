"""/character [name]."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message, Update

from nectar_edge import handlers
from nectar_edge.bot.convert import incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.handlers import Deps


def build_router() -> Router:
    router = Router(name="character")

    @router.message(Command("character"))
    async def on_character(message: Message, command: CommandObject, event_update: Update,
                           bot: Bot, deps: Deps) -> None:
        events = await handlers.choose_character(incoming(message, event_update, bot),
                                                 command.args, deps)
        await publish(events, deps)

    return router
