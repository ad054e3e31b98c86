"""aiogram types -> the edge's plain values."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message, Update

from nectar_edge.domain.messages import IncomingMessage


def incoming(message: Message, update: Update, bot: Bot) -> IncomingMessage:
    """The `IncomingMessage` of a user's message (the user middleware guarantees `from`)."""
    user = message.from_user
    assert user is not None
    return IncomingMessage(
        bot_id=bot.id, update_id=update.update_id, message_id=message.message_id,
        user_id=user.id, chat_id=message.chat.id, text=message.text,
        language_code=user.language_code, sent_at=message.date,
    )
