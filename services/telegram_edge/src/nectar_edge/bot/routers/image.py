"""/image <prompt>, and the Cancel button of its progress message (`imgcancel:<job id>`)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message, Update

from nectar_edge.bot.commands import command
from nectar_edge.bot.convert import from_callback, incoming
from nectar_edge.bot.publishing import publish
from nectar_edge.deps import Deps
from nectar_edge.domain.context import UserContext
from nectar_edge.handlers import chat, images


def build_router() -> Router:
    router = Router(name="image")

    @router.message(command("image"))
    async def on_image(message: Message, command: CommandObject, event_update: Update,
                       bot: Bot, deps: Deps,
                       user_context: UserContext | None = None) -> None:
        events = await images.request_image(
            incoming(message, event_update, bot, user_context), command.args, deps)
        await publish(events, deps)
        if events:
            chat.show_typing_soon(message.chat.id, deps, action="upload_photo",
                                  turn_id=str(events[0].correlation_id))

    @router.callback_query(F.data.startswith("imgcancel:"))
    async def on_cancel_button(query: CallbackQuery, event_update: Update, bot: Bot,
                               deps: Deps, user_context: UserContext | None = None) -> None:
        events = await images.request_image_cancel(
            from_callback(query, event_update, bot, user_context),
            (query.data or "").split(":", 1)[1], query.id, deps)
        await publish(events, deps)

    return router
