"""The Telegram emulator's Starlette app: Bot API endpoints, file downloads, control API.

Endpoints
- `GET|POST /bot{token}/{method}`: the Bot API (https://core.telegram.org/bots/api).
- `GET /file/bot{token}/{file_path}`: file download, as after getFile.
- `/_emulator/...`: user-side and test-control API (see `control.py`).
- `GET /healthz`: liveness.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._server import healthz
from .control import control_routes
from .methods import call_method
from .protocol import BotApiError, error_response, is_valid_token, ok_response, parse_body
from .settings import TelegramEmulatorSettings
from .state import BotState, TelegramEmulator
from .webhook import WebhookDispatcher

__all__ = ["create_app"]

log = logging.getLogger("nectar_emulators.telegram")


def _emulator(request: Request) -> TelegramEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


async def bot_api(request: Request) -> Response:
    """`/bot{token}/{method}`: decode params from query/JSON/form/multipart, run the method,
    answer Telegram's envelope with the HTTP status equal to error_code."""
    token = request.path_params["token"]
    method = request.path_params["method"]
    if not is_valid_token(token):
        return error_response(BotApiError(401, "Unauthorized"))
    try:
        params = await parse_body(
            request.headers.get("content-type", ""), await request.body(), request.query_params
        )
        result, description = await call_method(_emulator(request), token, method, params)
    except BotApiError as exc:
        log.info(
            "bot api error",
            extra={"method": method, "error_code": exc.error_code, "description": exc.description},
        )
        return error_response(exc)
    return ok_response(result, description)


async def download_file(request: Request) -> Response:
    """`/file/bot{token}/{file_path}`: the bytes behind getFile's file_path."""
    if not is_valid_token(request.path_params["token"]):
        return error_response(BotApiError(401, "Unauthorized"))
    stored = _emulator(request).file_by_path(request.path_params["file_path"])
    if stored is None or stored.data is None:
        return error_response(BotApiError(404, "Not Found"))
    return Response(stored.data, media_type=stored.content_type or "application/octet-stream")


def create_app(settings: TelegramEmulatorSettings | None = None) -> Starlette:
    """A fresh emulator (empty state) as a Starlette app; `app.state.emulator` is its state."""
    settings = settings or TelegramEmulatorSettings()
    emulator = TelegramEmulator(settings)

    async def execute_reply(bot: BotState, method: str, params: dict[str, Any]) -> None:
        # Telegram never reports the outcome of a method sent in a webhook reply.
        try:
            await call_method(emulator, bot.token, method, params, via="webhook_response")
        except BotApiError:
            pass
        except Exception:
            log.exception("webhook reply method failed", extra={"method": method})

    dispatcher = WebhookDispatcher(emulator, execute_reply)
    emulator.on_webhook_set = dispatcher.ensure_worker

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await dispatcher.aclose()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
        Route("/file/bot{token}/{file_path:path}", download_file, methods=["GET"]),
        *control_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.emulator = emulator
    app.state.settings = settings
    return app
