"""POST /telegram/webhook: Telegram's webhook delivery of updates."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nectar_edge.entrypoints.intake import UpdateIntake

log = logging.getLogger("nectar.telegram_edge.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused past `limit` bytes (declared or streamed) before more is
    read or anything stored."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def webhook_route(intake: UpdateIntake, secret: str, max_body_bytes: int) -> Route:
    """The webhook endpoint. It checks only what it must, so that every update Telegram can
    send is taken (a refused update makes Telegram retry it and hold every later one
    behind it: the bot would stop answering everyone):

    - 403, without side effects, unless the secret header matches (constant-time compare);
    - 413 for a body over `max_body_bytes` (far above anything Telegram sends; refused
      before it could fail at the bus);
    - 400 for a body that is not a JSON object with an integer `update_id` (not an update);
    - 200 once the update is stored on the bus, whatever its kind or content: the
      consumer reads it, and dead-letters with the reason what it cannot understand;
    - 500 when it could not be stored (our infrastructure; Telegram retries).
    """
    expected = secret.encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, expected):
            log.warning("webhook call with a missing or wrong secret",
                        extra={"client": request.client.host if request.client else None})
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        try:
            data = json.loads(await _read_body(request, max_body_bytes))
        except BodyTooLarge:
            log.warning("webhook body over the limit refused",
                        extra={"limit_bytes": max_body_bytes})
            return JSONResponse({"ok": False, "error": "body too large"}, status_code=413)
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("webhook body is not JSON")
            return JSONResponse({"ok": False, "error": "body is not JSON"}, status_code=400)
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            log.warning("webhook body is not a Telegram update")
            return JSONResponse({"ok": False, "error": "not a Telegram update"},
                                status_code=400)
        try:
            outcome = await intake.accept(data)
        except Exception:
            log.exception("update could not be queued", extra={"update_id": update_id})
            return JSONResponse({"ok": False, "error": "internal"}, status_code=500)
        return JSONResponse({"ok": True, "outcome": outcome})

    return Route("/telegram/webhook", telegram_webhook, methods=["POST"])
