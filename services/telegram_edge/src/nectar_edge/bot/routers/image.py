"""/image <prompt>."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandObject
from aiogram.types import Message, Update

from nectar_edge.bot.commands import command
from nectar_edge.bot.convert import incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import chat, commands


def build_router() -> Router:
    router = Router(name="image")

    @router.message(command("image"))
    async def on_image(message: Message, command: CommandObject, event_update: Update,
                       bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await commands.request_image(
            incoming(message, event_update, bot, user_context), command.args, deps)
        await publish(events, deps)
        if events:
            chat.show_typing_soon(message.chat.id, deps, action="upload_photo",
                                  turn_id=str(events[0].correlation_id))

    return router
