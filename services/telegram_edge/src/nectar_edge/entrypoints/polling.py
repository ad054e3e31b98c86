"""Long polling (when no webhook URL is configured) and webhook registration jobs."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.domain.errors import RateLimited, TelegramUnavailable
from nectar_edge.entrypoints.intake import UpdateIntake

log = logging.getLogger("nectar.telegram_edge.polling")

#: longest pause between two tries of storing an update while the bus is down
MAX_PAUSE_S = 10.0


def long_polling_job(intake: UpdateIntake, gateway: TelegramGateway, timeout_s: int,
                     allowed_updates: list[str], max_update_bytes: int,
                     error_pause_s: float = 1.0) -> Callable[[], Awaitable[None]]:
    """A background job: deleteWebhook, then getUpdates(offset, timeout) forever, each update
    (as Telegram sent it, unread) through the same intake as the webhook: stored on the
    bus, handled by the consumers, which read it and dead-letter what they cannot
    understand. The offset moves past an update once it is stored; while the bus is down
    the same update is tried again with a growing pause, never skipped (only an update
    larger than the webhook's body limit is, with an error log, as the webhook refuses it
    with 413)."""

    async def poll_telegram_updates() -> None:
        await gateway.delete_webhook()
        log.info("long polling started", extra={"timeout_s": timeout_s})
        offset: int | None = None
        while True:
            try:
                updates = await gateway.get_updates(offset, timeout_s, allowed_updates)
            except RateLimited as exc:
                await asyncio.sleep(exc.retry_after_s)
                continue
            except TelegramUnavailable as exc:
                log.warning("getUpdates failed; pausing", extra={"error": str(exc)})
                await asyncio.sleep(error_pause_s)
                continue
            for update in updates:
                update_id = update.get("update_id")
                if not isinstance(update_id, int) or isinstance(update_id, bool):
                    log.error("getUpdates returned something that is not an update; skipped",
                              extra={"update": str(update)[:200]})
                    continue
                if len(json.dumps(update).encode()) > max_update_bytes:
                    log.error("update over the size limit; skipped",
                              extra={"update_id": update_id, "limit_bytes": max_update_bytes})
                else:
                    await _store(intake, update, update_id, error_pause_s)
                offset = update_id + 1

    return poll_telegram_updates


async def _store(intake: UpdateIntake, update: dict[str, Any], update_id: int,
                 pause: float) -> None:
    """Store one update on the bus, trying again (with a growing pause) while it is down."""
    while True:
        try:
            await intake.accept(update)
            return
        except Exception:
            log.warning("update not stored; trying again", exc_info=True,
                        extra={"update_id": update_id, "pause_s": pause})
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)


def register_webhook_job(gateway: TelegramGateway, url: str, secret: str,
                         allowed_updates: list[str]) -> Callable[[], Awaitable[None]]:
    """A one-shot background job (restarted by the runtime until it succeeds): setWebhook
    with the secret token. It runs after the broker started, so updates Telegram pushes right
    away can be published."""

    async def register_telegram_webhook() -> None:
        await gateway.set_webhook(url, secret, allowed_updates)
        log.info("webhook registered", extra={"url": url, "allowed_updates": allowed_updates})

    return register_telegram_webhook
