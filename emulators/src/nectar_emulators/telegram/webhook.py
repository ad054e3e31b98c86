"""Webhook delivery: one background worker per bot POSTs pending updates in order.

Like Telegram: the update is POSTed as application/json with
`X-Telegram-Bot-Api-Secret-Token` when a secret was set; any 2xx confirms it; anything
else (non-2xx, redirect, connection error, timeout) is retried after each of
`webhook_retry_delays_s`, then the update stays pending (visible in getWebhookInfo's
pending_update_count / last_error_message) and is retried after `webhook_idle_retry_s`
or as soon as a new update arrives or setWebhook is called again.

A 2xx answer may carry a Bot API call in its body ("reply to a webhook with a method",
https://core.telegram.org/bots/api#making-requests-when-getting-updates); the worker
executes it through `execute_reply`, ignoring its result as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .protocol import BotApiError, parse_body
from .state import BotState, PendingUpdate, TelegramEmulator

__all__ = ["WebhookDispatcher"]

log = logging.getLogger("nectar_emulators.telegram.webhook")

ReplyExecutor = Callable[[BotState, str, dict[str, Any]], Awaitable[None]]


class WebhookDispatcher:
    """Owns the per-bot delivery workers and their HTTP client."""

    def __init__(self, emulator: TelegramEmulator, execute_reply: ReplyExecutor) -> None:
        self._emulator = emulator
        self._execute_reply = execute_reply
        # Keyed by the BotState itself: after a reset a token maps to a fresh BotState.
        self._workers: dict[BotState, asyncio.Task[None]] = {}
        self._client: httpx.AsyncClient | None = None

    def ensure_worker(self, bot: BotState) -> None:
        """Start delivering for `bot` (idempotent; called when its webhook is set)."""
        for retired in [b for b, task in self._workers.items() if task.done()]:
            del self._workers[retired]
        if bot not in self._workers:
            self._workers[bot] = asyncio.create_task(self._run(bot), name=f"webhook:{bot.bot_id}")

    async def aclose(self) -> None:
        workers = list(self._workers.values())
        self._workers.clear()
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._emulator.settings.webhook_timeout_s, follow_redirects=False
            )
        return self._client

    async def _run(self, bot: BotState) -> None:
        settings = self._emulator.settings
        while True:
            await bot.updates_signal.wait_until(
                lambda: bot.retired or (bot.webhook is not None and bool(bot.pending)), None
            )
            if bot.retired:
                return
            head = bot.pending[0]
            error = await self._attempt(bot, head)
            for delay in settings.webhook_retry_delays_s:
                if error is None or head not in bot.pending or bot.webhook is None:
                    break
                await asyncio.sleep(delay)
                if head in bot.pending and bot.webhook is not None:
                    error = await self._attempt(bot, head)
            if head not in bot.pending:
                continue
            if error is None:
                bot.pending.remove(head)
                head.settle(True)
                bot.touch()
                continue
            head.settle(False)
            seen = bot.changes

            def changed(seen: int = seen) -> bool:
                return bot.changes != seen

            await bot.updates_signal.wait_until(changed, settings.webhook_idle_retry_s)

    async def _attempt(self, bot: BotState, pending: PendingUpdate) -> str | None:
        """POST one update; None on success, else Telegram's last_error_message wording."""
        webhook = bot.webhook
        assert webhook is not None
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        status: int | None = None
        error: str | None = None
        try:
            response = await self._http().post(webhook.url, json=pending.update, headers=headers)
        except httpx.ConnectError:
            error = "Connection refused"
        except httpx.TimeoutException:
            error = "Read timeout expired"
        except httpx.HTTPError as exc:
            error = f"Connection error: {type(exc).__name__}"
        else:
            status = response.status_code
            if 200 <= status < 300:
                await self._maybe_execute_reply(bot, response)
            else:
                error = f"Wrong response from the webhook: {status} {response.reason_phrase}"
        bot.deliveries.append(
            {
                "update_id": pending.update_id,
                "url": webhook.url,
                "status": status,
                "error": error,
                "at": time.time(),
            }
        )
        if error is not None:
            bot.last_error_date = int(time.time())
            bot.last_error_message = error
            log.info(
                "webhook delivery failed",
                extra={"bot_id": bot.bot_id, "update_id": pending.update_id, "error": error},
            )
        return error

    async def _maybe_execute_reply(self, bot: BotState, response: httpx.Response) -> None:
        if not response.content.strip():
            return
        try:
            params = await parse_body(response.headers.get("content-type", ""), response.content)
        except BotApiError:
            return
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self._execute_reply(bot, method, params)
