"""aiogram types -> the edge's plain values."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot
from aiogram.types import CallbackQuery, Message, Update

from nectar_edge.domain.context import UserContext
from nectar_edge.domain.messages import IncomingMessage


def incoming(message: Message, update: Update, bot: Bot,
             context: UserContext | None = None) -> IncomingMessage:
    """The `IncomingMessage` of a user's message (the auth middleware guarantees `from`)."""
    user = message.from_user
    assert user is not None
    return IncomingMessage(
        bot_id=bot.id, update_id=update.update_id, message_id=message.message_id,
        user_id=user.id, chat_id=message.chat.id, text=message.text,
        language_code=user.language_code, sent_at=message.date, context=context,
    )


def from_callback(query: CallbackQuery, update: Update, bot: Bot,
                  context: UserContext | None = None) -> IncomingMessage:
    """A button press as an `IncomingMessage` from the user in the chat of the button."""
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return IncomingMessage(
        bot_id=bot.id, update_id=update.update_id,
        message_id=query.message.message_id if query.message is not None else 0,
        user_id=query.from_user.id, chat_id=chat_id, text=query.data,
        language_code=query.from_user.language_code,
        sent_at=datetime.now(UTC), context=context,
    )
