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


class BodyTooLarge(Exception):
    pass


async def _body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused past `max_bytes` before more of it is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def webhook_route(provider: str, deps: Deps, recorded: Callable[[], None],
                  max_body_bytes: int = 65536) -> Route:
    """The provider's endpoint: record first (one INSERT), answer, then `recorded()` wakes
    the processor after the answer has gone out.

    413 for a body larger than any notification; 401 for a bad, missing or stale signature
    and 400 for a body billing cannot read or store (not JSON, NaN or an out-of-range
    number, a NUL character, an amount it cannot process): nothing written; 200 for a
    recorded, repeated or ignored notification; 503 when the database is unavailable (the
    provider retries).
    """

    async def endpoint(request: Request) -> JSONResponse:
        try:
            body = await _body(request, max_body_bytes)
        except BodyTooLarge:
            log.warning("webhook refused: body too large",
                        extra={"provider": provider, "max_bytes": max_body_bytes})
            return JSONResponse({"ok": False, "outcome": "too_large"}, status_code=413)
        try:
            answer = await receive_webhook(provider, body, request.headers, deps,
                                           now=time.time())
        except StoreUnavailable:
            log.warning("webhook not recorded: database unavailable",
                        extra={"provider": provider}, exc_info=True)
            return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
        task = BackgroundTask(recorded) if answer.outcome == "recorded" else None
        return JSONResponse({"ok": answer.status_code == 200, "outcome": answer.outcome},
                            status_code=answer.status_code, background=task)

    endpoint.__name__ = f"{provider}_webhook"
    return Route(PATHS[provider], endpoint, methods=["POST"])


def webhook_routes(deps: Deps, recorded: Callable[[], None],
                   max_body_bytes: int = 65536) -> list[Route]:
    return [webhook_route(provider, deps, recorded, max_body_bytes) for provider in PATHS]
