"""Long polling (when no webhook URL is configured) and webhook registration jobs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from nectar_edge.adapters.telegram import TelegramGateway
from nectar_edge.domain.errors import RateLimited, TelegramUnavailable
from nectar_edge.entrypoints.intake import UpdateIntake

log = logging.getLogger("nectar.telegram_edge.polling")

#: tries of one failing update before the poller moves past it (it is logged)
MAX_UPDATE_ATTEMPTS = 3


def long_polling_job(intake: UpdateIntake, gateway: TelegramGateway, timeout_s: int,
                     allowed_updates: list[str],
                     error_pause_s: float = 1.0) -> Callable[[], Awaitable[None]]:
    """A background job: deleteWebhook, then getUpdates(offset, timeout) forever, each update
    through the same intake as the webhook (stored on the bus, handled by the consumers);
    the offset moves past an update once it is stored (or failed `MAX_UPDATE_ATTEMPTS`
    times, so one poison update cannot stall the bot)."""

    async def poll_telegram_updates() -> None:
        await gateway.delete_webhook()
        log.info("long polling started", extra={"timeout_s": timeout_s})
        offset: int | None = None
        failures: dict[int, int] = {}
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
                try:
                    await intake.accept(update.model_dump(mode="json", exclude_none=True,
                                                          by_alias=True))
                except Exception:
                    tries = failures.get(update.update_id, 0) + 1
                    failures[update.update_id] = tries
                    if tries < MAX_UPDATE_ATTEMPTS:
                        log.warning("update failed; will retry", exc_info=True,
                                    extra={"update_id": update.update_id, "attempt": tries})
                        await asyncio.sleep(error_pause_s)
                        break  # offset stays: getUpdates returns this update again
                    log.exception("update failed repeatedly; skipped",
                                  extra={"update_id": update.update_id, "attempt": tries})
                failures.pop(update.update_id, None)
                offset = update.update_id + 1

    return poll_telegram_updates


def register_webhook_job(gateway: TelegramGateway, url: str, secret: str,
                         allowed_updates: list[str]) -> Callable[[], Awaitable[None]]:
    """A one-shot background job (restarted by the runtime until it succeeds): setWebhook
    with the secret token. It runs after the broker started, so updates Telegram pushes right
    away can be published."""

    async def register_telegram_webhook() -> None:
        await gateway.set_webhook(url, secret, allowed_updates)
        log.info("webhook registered", extra={"url": url, "allowed_updates": allowed_updates})

    return register_telegram_webhook
