"""POST /webhooks/cryptobot and /webhooks/card: provider payment notifications."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from nectar_billing.deps import Deps
from nectar_billing.domain import StoreUnavailable
from nectar_billing.domain.webhooks import CARD, CRYPTOBOT
from nectar_billing.inbox import receive_webhook

log = logging.getLogger("nectar.billing.webhooks")

#: URL path of each provider's notifications
PATHS = {CRYPTOBOT: "/webhooks/cryptobot", CARD: "/webhooks/card"}


def webhook_route(provider: str, deps: Deps, recorded: Callable[[], None]) -> Route:
    """The provider's endpoint: record first (one INSERT), answer, then `recorded()` wakes
    the processor after the answer has gone out.

    401 for a bad, missing or stale signature and 400 for an unreadable body, both with
    nothing written; 200 for a recorded, repeated or ignored notification; 503 when the
    database is unavailable (the provider retries).
    """

    async def endpoint(request: Request) -> JSONResponse:
        try:
            answer = await receive_webhook(provider, await request.body(), request.headers,
                                           deps, now=time.time())
        except StoreUnavailable:
            log.warning("webhook not recorded: database unavailable",
                        extra={"provider": provider}, exc_info=True)
            return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
        task = BackgroundTask(recorded) if answer.outcome == "recorded" else None
        return JSONResponse({"ok": answer.status_code == 200, "outcome": answer.outcome},
                            status_code=answer.status_code, background=task)

    endpoint.__name__ = f"{provider}_webhook"
    return Route(PATHS[provider], endpoint, methods=["POST"])


def webhook_routes(deps: Deps, recorded: Callable[[], None]) -> list[Route]:
    return [webhook_route(provider, deps, recorded) for provider in PATHS]
