"""One router per feature; `build_routers` is the bot's index, in matching order."""

from __future__ import annotations

from aiogram import Router

from nectar_edge.bot.routers import character, chat, image, language, payments, start, voice


def build_routers() -> list[Router]:
    """Fresh routers (a router can belong to one dispatcher only). Commands and payments
    first; the chat router, which takes any text and anything else, last."""
    return [start.build_router(), character.build_router(), language.build_router(),
            payments.build_router(), image.build_router(), voice.build_router(),
            chat.build_router()]
