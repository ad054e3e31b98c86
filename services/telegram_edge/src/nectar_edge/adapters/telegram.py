"""The Telegram Bot API through aiogram 3: one `Bot` and its aiohttp session per process.

`TelegramGateway` is the edge's `Messenger` and owns the session's lifecycle: created in
`start()` (an on_startup hook; nothing connects before), closed in `close()`. aiogram's
exceptions are translated into `nectar_edge.domain.errors` here so that handlers never see
them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

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
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
)
from nectar_runtime import MetricSet
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from nectar_edge.domain.errors import (
    MessageRejected,
    RateLimited,
    RecipientUnavailable,
    TelegramUnavailable,
    TokenRejected,
)
from nectar_edge.domain.flood import FloodSchedule, SlotTooFar
from nectar_edge.domain.messages import Keyboard
from nectar_edge.domain.payments import STARS_CURRENCY
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


class GetRawUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as raw JSON objects: aiogram validates the answer as a whole,
    so one update it cannot read would fail the batch and stall polling (aiogram issue
    #1840); the edge reads each update itself, on the bus (`nectar_edge.bot.feed`)."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


#: how long a (cosmetic) chat action may wait for a send slot before it is skipped
_ACTION_MAX_WAIT_S = 0.5


class SendMetrics(MetricSet):
    """Outbound Bot API metrics (`SendMetrics.for_registry(registry)`: one set per
    registry)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.sends = Counter("nectar_edge_telegram_sends", "Bot API send calls by method and "
                             "outcome (ok, rate_limited, unreachable, rejected, unavailable).",
                             ["method", "outcome"], registry=registry)
        self.flood_wait = Histogram("nectar_edge_flood_wait_seconds", "Time a send waited "
                                    "for a free slot under the per-chat and global limits.",
                                    registry=registry,
                                    buckets=(0, .01, .05, .1, .25, .5, 1, 2, 5, 10))
        self.actions_skipped = Counter("nectar_edge_chat_actions_skipped", "Chat actions "
                                       "(typing, ...) skipped because the flood limits "
                                       "had no free slot soon.", registry=registry)
        self.deferred = Counter("nectar_edge_flood_deferred", "Sends handed back to the bus "
                                "because the next free slot was too far away.",
                                registry=registry)


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
        for row in keyboard])


class TelegramGateway:
    """Bot API session of this process: sending (under flood control), webhook registration,
    long polling, payments."""

    def __init__(self, settings: EdgeSettings,
                 registry: CollectorRegistry = REGISTRY) -> None:
        self.settings = settings
        self.bot_id = settings.bot_id
        self.username: str | None = None
        self._bot: Bot | None = None
        self.flood = FloodSchedule(settings.flood_per_chat_per_s, settings.flood_global_per_s)
        self.metrics = SendMetrics.for_registry(registry)

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
        self.username = me.username
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

    @contextlib.asynccontextmanager
    async def _sending(self, method: str, chat_id: int):  # type: ignore[no-untyped-def]
        """Wait for a flood-control slot, then translate errors and count the outcome. A slot
        too far away is a `RateLimited` (the bus redelivers later); a 429 pauses the chat
        and the bot for `retry_after`."""
        try:
            delay = self.flood.reserve(chat_id, time.monotonic(),
                                       self.settings.flood_max_wait_s)
        except SlotTooFar as exc:
            self.metrics.deferred.inc()
            raise RateLimited(exc.delay_s, f"outbound flood control: {exc}") from None
        self.metrics.flood_wait.observe(delay)
        if delay > 0:
            await asyncio.sleep(delay)
        outcome = "ok"
        try:
            with translated_errors():
                yield
        except RateLimited as exc:
            outcome = "rate_limited"
            now = time.monotonic()
            self.flood.back_off(chat_id, now, exc.retry_after_s)
            self.flood.back_off(None, now, exc.retry_after_s)
            raise
        except RecipientUnavailable:
            outcome = "unreachable"
            raise
        except MessageRejected:
            outcome = "rejected"
            raise
        except Exception:
            outcome = "unavailable"
            raise
        finally:
            self.metrics.sends.labels(method, outcome).inc()

    async def send_text(self, chat_id: int, text: str, keyboard: Keyboard = ()) -> int:
        async with self._sending("sendMessage", chat_id):
            message = await self.bot.send_message(chat_id, text, parse_mode=None,
                                                  reply_markup=_markup(keyboard))
        return message.message_id

    async def send_photo(self, chat_id: int, url: str, caption: str = "") -> int:
        async with self._sending("sendPhoto", chat_id):
            message = await self.bot.send_photo(chat_id, url, caption=caption or None,
                                                parse_mode=None)
        return message.message_id

    async def send_photo_file(self, chat_id: int, data: bytes, filename: str,
                              caption: str = "") -> int:
        async with self._sending("sendPhoto", chat_id):
            message = await self.bot.send_photo(chat_id, BufferedInputFile(data, filename),
                                                caption=caption or None, parse_mode=None)
        return message.message_id

    async def edit_text(self, chat_id: int, message_id: int, text: str,
                        keyboard: Keyboard = ()) -> None:
        async with self._sending("editMessageText", chat_id):
            await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                             parse_mode=None, reply_markup=_markup(keyboard))

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        with translated_errors():
            await self.bot.delete_message(chat_id, message_id, request_timeout=10)

    async def send_voice(self, chat_id: int, audio: bytes,
                         duration_s: float | None = None) -> int:
        duration = max(1, round(duration_s)) if duration_s else None
        async with self._sending("sendVoice", chat_id):
            message = await self.bot.send_voice(
                chat_id, BufferedInputFile(audio, filename="voice.ogg"), duration=duration)
        return message.message_id

    async def answer_callback(self, callback_id: str, text: str = "") -> None:
        with translated_errors():
            await self.bot.answer_callback_query(callback_id, text=text or None,
                                                 request_timeout=5)

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           amount: int) -> int:
        async with self._sending("sendInvoice", chat_id):
            message = await self.bot.send_invoice(
                chat_id, title=title[:32], description=description[:255], payload=payload,
                currency=STARS_CURRENCY, prices=[LabeledPrice(label=title[:32],
                                                              amount=amount)])
        return message.message_id

    async def answer_pre_checkout(self, query_id: str, ok: bool, error: str = "") -> None:
        with translated_errors():
            await self.bot.answer_pre_checkout_query(query_id, ok=ok,
                                                     error_message=error or None,
                                                     request_timeout=5)

    async def refund_stars(self, user_id: int, charge_id: str) -> bool:
        try:
            with translated_errors():
                await self.bot.refund_star_payment(user_id, charge_id)
        except MessageRejected as exc:
            if "CHARGE_ALREADY_REFUNDED" in str(exc):
                return False
            raise
        return True

    async def send_action(self, chat_id: int, action: str) -> None:
        """A chat action counts against the global limit (not the per-chat message
        spacing); it is cosmetic, so when no slot is free soon it is skipped rather than
        delaying real messages."""
        try:
            delay = self.flood.reserve(chat_id, time.monotonic(), _ACTION_MAX_WAIT_S,
                                       message=False)
        except SlotTooFar:
            self.metrics.actions_skipped.inc()
            return
        if delay > 0:
            await asyncio.sleep(delay)
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
                          allowed_updates: list[str]) -> list[dict[str, Any]]:
        """getUpdates: the updates as Telegram sent them (JSON objects, unread)."""
        with translated_errors():
            return await self.bot(
                GetRawUpdates(offset=offset, timeout=timeout_s,
                              allowed_updates=allowed_updates),
                request_timeout=int(timeout_s + self.settings.telegram_request_timeout_s))
