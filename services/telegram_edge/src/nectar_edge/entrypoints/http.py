"""POST /telegram/webhook: Telegram's webhook delivery of updates."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nectar_edge.entrypoints.intake import UpdateIntake

log = logging.getLogger("nectar.telegram_edge.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(intake: UpdateIntake, secret: str,
                  parse: Callable[[dict[str, Any]], Any]) -> Route:
    """The webhook endpoint.

    403 without side effects unless the secret header matches (constant-time compare);
    400 for a body that is not a JSON update; 200 once the update is stored on the bus
    (handled by a consumer right after); 500 when it could not be stored (Telegram
    retries).
    """
    expected = secret.encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            log.warning("webhook call with a missing or wrong secret",
                        extra={"client": request.client.host if request.client else None})
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        try:
            data = json.loads(await request.body())
        except (UnicodeDecodeError, json.JSONDecodeError):
            return JSONResponse({"ok": False, "error": "body is not JSON"}, status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return JSONResponse({"ok": False, "error": "not a Telegram update"},
                                status_code=400)
        try:
            parse(data)
        except ValidationError as exc:
            return JSONResponse({"ok": False, "error": f"invalid update: {exc.error_count()} "
                                 "errors"}, status_code=400)
        try:
            outcome = await intake.accept(data)
        except Exception:
            log.exception("update could not be queued", extra={"update_id": data["update_id"]})
            return JSONResponse({"ok": False, "error": "internal"}, status_code=500)
        return JSONResponse({"ok": True, "outcome": outcome})

    return Route("/telegram/webhook", telegram_webhook, methods=["POST"])
