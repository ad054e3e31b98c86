"""The Telegram Bot API through aiogram 3: one `Bot` and its aiohttp session per process.

`TelegramGateway` is the edge's `Messenger` and owns the session's lifecycle: created in
`start()` (an on_startup hook; nothing connects before), closed in `close()`. aiogram's
exceptions are translated into `nectar_edge.domain.errors` here so that handlers never see
them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import Update

from nectar_edge.domain.errors import (
    MessageRejected,
    RateLimited,
    RecipientUnavailable,
    TelegramUnavailable,
    TokenRejected,
)
from nectar_edge.settings import EdgeSettings

log = logging.getLogger("nectar.telegram_edge.telegram")

# 400 descriptions meaning "this user/chat cannot be written to" rather than "this message
# is wrong" (https://core.telegram.org/bots/api#making-requests, observed descriptions).
_UNREACHABLE_400 = ("chat not found", "user not found", "user is deactivated",
                    "peer_id_invalid", "bot was blocked", "have no rights to send")


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn aiogram/Bot API failures into the edge's domain exceptions."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise RateLimited(float(exc.retry_after), exc.message) from exc
    except TelegramForbiddenError as exc:
        raise RecipientUnavailable(exc.message) from exc
    except TelegramUnauthorizedError as exc:
        raise TokenRejected(exc.message) from exc
    except TelegramMigrateToChat as exc:
        raise MessageRejected(exc.message) from exc
    except TelegramBadRequest as exc:
        if any(marker in exc.message.lower() for marker in _UNREACHABLE_400):
            raise RecipientUnavailable(exc.message) from exc
        raise MessageRejected(exc.message) from exc
    except TelegramAPIError as exc:  # network errors, 5xx, 404, 409, decode errors
        raise TelegramUnavailable(f"{type(exc).__name__}: {exc.message}") from exc


class TelegramGateway:
    """Bot API session of this process: sending, webhook registration, long polling."""

    def __init__(self, settings: EdgeSettings) -> None:
        self.settings = settings
        self.bot_id = settings.bot_id
        self._bot: Bot | None = None

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            raise RuntimeError("the Telegram session is not started yet")
        return self._bot

    @property
    def started(self) -> bool:
        return self._bot is not None

    async def start(self) -> None:
        """Create the session and check the token once with getMe; raise `TokenRejected`
        with a clear message when Telegram does not accept it."""
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(self.settings.telegram_api_base),
            timeout=self.settings.telegram_request_timeout_s,
        )
        bot = Bot(self.settings.telegram_bot_token.get_secret_value(), session=session)
        try:
            with translated_errors():
                me = await bot.get_me()
        except TokenRejected as exc:
            await session.close()
            raise TokenRejected(
                "Telegram rejected EDGE_TELEGRAM_BOT_TOKEN (getMe answered "
                f"'{exc}'); check the token for bot {self.bot_id} and "
                f"EDGE_TELEGRAM_API_BASE={self.settings.telegram_api_base}") from None
        except BaseException:
            await session.close()
            raise
        self._bot = bot
        log.info("telegram session started", extra={"bot_id": me.id, "username": me.username,
                                                    "api_base": self.settings.telegram_api_base})

    async def close(self) -> None:
        if self._bot is not None:
            bot, self._bot = self._bot, None
            await bot.session.close()

    async def check(self) -> None:
        """Readiness: the session exists (no Bot API call per probe)."""
        if self._bot is None:
            raise ConnectionError("telegram session not started")

    # --- Messenger port ---------------------------------------------------------------

    async def send_text(self, chat_id: int, text: str) -> int:
        with translated_errors():
            message = await self.bot.send_message(chat_id, text, parse_mode=None)
        return message.message_id

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int:
        with translated_errors():
            message = await self.bot.send_photo(chat_id, url, caption=caption or None,
                                                parse_mode=None)
        return message.message_id

    async def send_voice(self, chat_id: int, url: str, duration_s: float | None = None) -> int:
        duration = max(1, round(duration_s)) if duration_s else None
        with translated_errors():
            message = await self.bot.send_voice(chat_id, url, duration=duration)
        return message.message_id

    async def send_action(self, chat_id: int, action: str) -> None:
        with translated_errors():
            await self.bot.send_chat_action(chat_id, action, request_timeout=5)

    # --- update intake ----------------------------------------------------------------

    async def set_webhook(self, url: str, secret: str, allowed_updates: list[str]) -> None:
        with translated_errors():
            await self.bot.set_webhook(url, secret_token=secret,
                                       allowed_updates=allowed_updates)

    async def delete_webhook(self) -> None:
        with translated_errors():
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def get_updates(self, offset: int | None, timeout_s: int,
                          allowed_updates: list[str]) -> list[Update]:
        with translated_errors():
            return await self.bot.get_updates(
                offset=offset, timeout=timeout_s, allowed_updates=allowed_updates,
                request_timeout=int(timeout_s + self.settings.telegram_request_timeout_s))
