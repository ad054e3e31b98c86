"""Cross-cutting concerns of every update (more come later: flood control, i18n, ...)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

log = logging.getLogger("nectar.telegram_edge.bot")


class KnownUserMiddleware(BaseMiddleware):
    """Drops updates without a sender or with a non-positive user id (Telegram user ids are
    positive; channel posts and anonymous senders have none), with a log line.

    Registered as an outer update middleware after aiogram's user-context middleware, which
    puts the sender in `event_from_user`.
    """

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.id <= 0:
            update_id = event.update_id if isinstance(event, Update) else None
            log.info("update ignored: no usable sender",
                     extra={"update_id": update_id,
                            "sender_id": user.id if user is not None else None})
            return None
        return await handler(event, data)
