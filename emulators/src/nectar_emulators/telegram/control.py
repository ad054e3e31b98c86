"""The emulator's own HTTP API under /_emulator: act as a user, inspect, inject faults.

All bodies and answers are JSON. Bad input answers 422 {"error": ..., "details": [...]};
a malformed bot token answers 401 like the Bot API does.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .protocol import BotApiError, UploadedFile, error_response, is_valid_token
from .state import BotState, Fault, PendingUpdate, TelegramEmulator
from .updates import (
    UserProfile,
    bot_membership,
    callback_query,
    group_message,
    inject_update,
    pre_checkout_query,
    successful_payment,
    user_message,
)

__all__ = ["control_routes"]

_M = TypeVar("_M", bound=BaseModel)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultBody(_Body):
    """POST /_emulator/faults."""

    method: str = Field(description='Bot API method name, or "*" for any method.')
    status: int = Field(default=500, description="error_code to answer; < 400 means delay only.")
    description: str | None = Field(default=None, description="Defaults to Telegram's wording.")
    retry_after: int | None = Field(default=None, description="parameters.retry_after (429).")
    times: int | None = Field(default=1, ge=1, description="Calls to fail; null: until cleared.")
    delay_ms: int = Field(default=0, ge=0, description="Delay before answering.")
    after_ms: int = Field(default=0, ge=0, description="The method runs, then its answer "
                          "waits this long (with status < 400).")
    token: str | None = Field(default=None, description="Only this bot; null: every bot.")


class UserBody(_Body):
    """Who the user is; omitted fields keep what the emulator knows about this user."""

    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool | None = None

    def profile(self, user_id: int) -> UserProfile:
        return UserProfile(
            id=user_id,
            first_name=self.first_name,
            last_name=self.last_name,
            username=self.username,
            language_code=self.language_code,
            is_premium=self.is_premium,
        )


class MessageBody(UserBody):
    """POST .../users/{user_id}/messages: text, or a photo/voice (base64) with text as caption."""

    text: str | None = None
    reply_to_message_id: int | None = None
    photo_base64: str | None = None
    voice_base64: str | None = None
    voice_duration: int | None = None
    voice_mime_type: str = "audio/ogg"


class CallbackBody(UserBody):
    """POST .../users/{user_id}/callback: press an inline button."""

    data: str
    message_id: int | None = None


class PaymentBody(UserBody):
    """Pay an invoice; omitted fields come from the last invoice the bot sent this user."""

    invoice_payload: str | None = None
    currency: str | None = None
    total_amount: int | None = None
    telegram_payment_charge_id: str | None = None


class BlockBody(_Body):
    blocked: bool = True


class GroupBotBody(UserBody):
    """POST .../groups/{chat_id}/bot: the user adds the bot to the group (or removes it)."""

    user_id: int
    added: bool = True
    title: str = "Group"
    type: str = Field(default="group", pattern="^(group|supergroup)$")


class GroupMessageBody(UserBody):
    """POST .../groups/{chat_id}/messages: the user writes in the group."""

    user_id: int
    text: str


class ControlError(Exception):
    def __init__(self, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.message}
        if self.details is not None:
            body["details"] = self.details
        return JSONResponse(body, status_code=self.status)


def _emulator(request: Request) -> TelegramEmulator:
    return request.app.state.emulator  # type: ignore[no-any-return]


async def _body(request: Request, model: type[_M]) -> _M:
    raw = await request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        details = exc.errors(include_url=False, include_context=False, include_input=False)
        raise ControlError(422, "invalid body", details) from exc


def _bot(request: Request) -> BotState:
    token = request.path_params["token"]
    if not is_valid_token(token):
        raise BotApiError(401, "Unauthorized")
    return _emulator(request).bot(token)


def _query_number(request: Request, name: str, default: float) -> float:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ControlError(422, f"{name} must be a number") from exc


def _decode(data: str | None, what: str) -> bytes | None:
    if data is None:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise ControlError(422, f"{what} is not valid base64") from exc


async def _receipt(request: Request, bot: BotState, pending: PendingUpdate) -> dict[str, Any]:
    """Delivery facts for a queued update; with ?wait=S, waits up to S s for the webhook 2xx
    (or, when polling, for the bot to confirm it with a later getUpdates offset)."""
    wait = _query_number(request, "wait", 0.0)
    delivered: bool | None = None
    if wait > 0 and pending.delivered is not None:
        try:
            delivered = await asyncio.wait_for(asyncio.shield(pending.delivered), wait)
        except TimeoutError:
            delivered = None
    return {
        "update_id": pending.update_id,
        "delivery": "webhook" if bot.webhook is not None else "polling",
        "delivered": delivered,
    }


def _wants_receipt(request: Request) -> bool:
    return _query_number(request, "wait", 0.0) > 0


Endpoint = Callable[[Request], Awaitable[Response]]


def _handled(endpoint: Endpoint) -> Endpoint:
    """Turn ControlError / BotApiError raised by an endpoint into their JSON answers."""

    async def wrapper(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ControlError as exc:
            return exc.response()
        except BotApiError as exc:
            return error_response(exc)

    wrapper.__doc__ = endpoint.__doc__
    wrapper.__name__ = endpoint.__name__
    return wrapper


# Faults and reset


async def add_fault(request: Request) -> Response:
    """POST /_emulator/faults: the next `times` calls of `method` answer the given error."""
    body = await _body(request, FaultBody)
    fault = Fault(**body.model_dump())
    _emulator(request).faults.append(fault)
    return JSONResponse({"fault": fault.as_json()}, status_code=201)


async def list_faults(request: Request) -> Response:
    """GET /_emulator/faults: faults still armed."""
    return JSONResponse({"faults": [f.as_json() for f in _emulator(request).faults]})


async def clear_faults(request: Request) -> Response:
    """DELETE /_emulator/faults: disarm every fault."""
    faults = _emulator(request).faults
    cleared = len(faults)
    faults.clear()
    return JSONResponse({"cleared": cleared})


async def reset(request: Request) -> Response:
    """POST /_emulator/reset: forget all bots, chats, files and faults."""
    _emulator(request).reset()
    return JSONResponse({"reset": True})


# Acting as a user


async def post_user_message(request: Request) -> Response:
    """POST /_emulator/bots/{token}/users/{user_id}/messages: the user writes to the bot."""
    bot = _bot(request)
    body = await _body(request, MessageBody)
    photo = _decode(body.photo_base64, "photo_base64")
    voice = _decode(body.voice_base64, "voice_base64")
    if body.text is None and photo is None and voice is None:
        raise ControlError(422, "text, photo_base64 or voice_base64 is required")
    pending, message = user_message(
        _emulator(request),
        bot,
        body.profile(request.path_params["user_id"]),
        text=body.text,
        photo=UploadedFile("photo.jpg", "image/jpeg", photo) if photo is not None else None,
        voice=UploadedFile("voice.ogg", body.voice_mime_type, voice) if voice is not None else None,
        voice_duration=body.voice_duration,
        reply_to_message_id=body.reply_to_message_id,
        want_receipt=_wants_receipt(request),
    )
    receipt = await _receipt(request, bot, pending)
    return JSONResponse({**receipt, "message_id": message["message_id"]})


async def post_callback(request: Request) -> Response:
    """POST /_emulator/bots/{token}/users/{user_id}/callback: the user presses a button."""
    bot = _bot(request)
    body = await _body(request, CallbackBody)
    pending = callback_query(
        bot,
        body.profile(request.path_params["user_id"]),
        data=body.data,
        message_id=body.message_id,
        want_receipt=_wants_receipt(request),
    )
    receipt = await _receipt(request, bot, pending)
    query_id = pending.update["callback_query"]["id"]
    return JSONResponse({**receipt, "callback_query_id": query_id})


def _payment_fields(bot: BotState, user_id: int, body: PaymentBody) -> tuple[str, int, str]:
    chat = bot.chat(user_id)
    invoices = [s for s in (chat.sent if chat else []) if s.invoice_payload is not None]
    last = invoices[-1] if invoices else None
    payload = body.invoice_payload or (last.invoice_payload if last else None)
    currency = body.currency or (last.message["invoice"]["currency"] if last else None)
    total = body.total_amount
    if total is None and last is not None:
        total = last.message["invoice"]["total_amount"]
    if payload is None or currency is None or total is None:
        raise ControlError(404, "no invoice was sent to this user; pass the invoice fields")
    return currency, total, payload


async def post_pre_checkout(request: Request) -> Response:
    """POST /_emulator/bots/{token}/users/{user_id}/pre_checkout_query: the user pays the
    last invoice (or the one described); answerPreCheckoutQuery(ok) then queues the
    successful_payment message."""
    bot = _bot(request)
    body = await _body(request, PaymentBody)
    user_id = request.path_params["user_id"]
    currency, total, payload = _payment_fields(bot, user_id, body)
    pending = pre_checkout_query(
        bot,
        body.profile(user_id),
        currency=currency,
        total_amount=total,
        invoice_payload=payload,
        want_receipt=_wants_receipt(request),
    )
    receipt = await _receipt(request, bot, pending)
    return JSONResponse(
        {**receipt, "pre_checkout_query_id": pending.update["pre_checkout_query"]["id"]}
    )


async def post_successful_payment(request: Request) -> Response:
    """POST /_emulator/bots/{token}/users/{user_id}/successful_payment: skip the checkout and
    deliver the payment service message directly."""
    bot = _bot(request)
    body = await _body(request, PaymentBody)
    user_id = request.path_params["user_id"]
    currency, total, payload = _payment_fields(bot, user_id, body)
    pending, message = successful_payment(
        bot,
        body.profile(user_id),
        currency=currency,
        total_amount=total,
        invoice_payload=payload,
        charge_id=body.telegram_payment_charge_id,
        want_receipt=_wants_receipt(request),
    )
    receipt = await _receipt(request, bot, pending)
    charge = message["successful_payment"]["telegram_payment_charge_id"]
    return JSONResponse(
        {**receipt, "message_id": message["message_id"], "telegram_payment_charge_id": charge}
    )


async def post_block(request: Request) -> Response:
    """POST /_emulator/bots/{token}/users/{user_id}/block {"blocked": bool}: while blocked,
    sends to this user answer 403 "Forbidden: bot was blocked by the user"."""
    bot = _bot(request)
    body = await _body(request, BlockBody)
    user_id = request.path_params["user_id"]
    chat = bot.chat(user_id) or bot.meet_user(
        {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
    )
    if chat.blocked != body.blocked:
        # Telegram tells the bot with a my_chat_member update (member <-> kicked)
        bot_membership(bot, chat, UserProfile(id=user_id),
                       old_status="kicked" if chat.blocked else "member",
                       new_status="kicked" if body.blocked else "member")
    chat.blocked = body.blocked
    return JSONResponse({"user_id": user_id, "blocked": chat.blocked})


async def post_group_bot(request: Request) -> Response:
    """POST /_emulator/bots/{token}/groups/{chat_id}/bot {"user_id", "added", "title",
    "type"}: the user adds the bot to a group or supergroup (negative chat id), or removes
    it; the bot gets a my_chat_member update. A removed bot's sends answer 403."""
    bot = _bot(request)
    body = await _body(request, GroupBotBody)
    chat_id = request.path_params["chat_id"]
    if chat_id >= 0:
        raise ControlError(422, "group chat ids are negative")
    chat = bot.group(chat_id, body.title, body.type)
    old = "member" if chat.bot_member else "left"
    chat.bot_member = body.added
    pending = bot_membership(bot, chat, body.profile(body.user_id), old_status=old,
                             new_status="member" if body.added else "left",
                             want_receipt=_wants_receipt(request))
    return JSONResponse(await _receipt(request, bot, pending))


async def post_group_message(request: Request) -> Response:
    """POST /_emulator/bots/{token}/groups/{chat_id}/messages {"user_id", "text"}: a user
    writes in a group the bot is in."""
    bot = _bot(request)
    body = await _body(request, GroupMessageBody)
    chat = bot.chat(request.path_params["chat_id"])
    if chat is None or chat.is_private or not chat.bot_member:
        raise ControlError(404, "the bot is not in this group; add it first")
    pending, message = group_message(bot, chat, body.profile(body.user_id), text=body.text,
                                     want_receipt=_wants_receipt(request))
    return JSONResponse({**await _receipt(request, bot, pending),
                         "message_id": message["message_id"]})


async def get_callback_queries(request: Request) -> Response:
    """GET /_emulator/bots/{token}/callback_queries: every button press and whether the
    bot answered it (answerCallbackQuery)."""
    return JSONResponse({"callback_queries": _bot(request).callback_queries})


async def post_raw_update(request: Request) -> Response:
    """POST /_emulator/bots/{token}/updates: queue a raw Update (update_id optional)."""
    bot = _bot(request)
    try:
        update = await request.json()
    except ValueError as exc:
        raise ControlError(422, "body must be a JSON Update object") from exc
    if not isinstance(update, dict) or len(set(update) - {"update_id"}) != 1:
        raise ControlError(422, "an Update has update_id and exactly one other field")
    pending = inject_update(bot, update, want_receipt=_wants_receipt(request))
    return JSONResponse(await _receipt(request, bot, pending))


# Inspecting what the bot did


async def get_pending_updates(request: Request) -> Response:
    """GET /_emulator/bots/{token}/updates: updates not yet confirmed/delivered."""
    bot = _bot(request)
    return JSONResponse({"pending": [p.update for p in bot.pending], "webhook": bot.webhook_info()})


async def get_chat_messages(request: Request) -> Response:
    """GET /_emulator/bots/{token}/chats/{chat_id}/messages?after_message_id=K&timeout=S:
    long-poll up to S s for messages the bot sent to the chat with message_id > K."""
    bot = _bot(request)
    chat_id = request.path_params["chat_id"]
    after = int(_query_number(request, "after_message_id", 0))
    timeout = min(
        _query_number(request, "timeout", 0.0), _emulator(request).settings.max_long_poll_s
    )

    files = _emulator(request).files

    def newer() -> list[dict[str, Any]]:
        chat = bot.chat(chat_id)
        sent = chat.sent if chat is not None else []
        return [_with_file_url(s.view(), files) for s in sent
                if s.message["message_id"] > after]

    await bot.chat_signal.wait_until(lambda: bool(newer()), timeout)
    return JSONResponse({"messages": newer()})


def _with_file_url(view: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    """A message view plus `file_url` when its file was sent by URL (no bytes here)."""
    stored = files.get(view.get("file_id") or "")
    return {**view, "file_url": stored.url if stored is not None else None}


async def get_calls(request: Request) -> Response:
    """GET /_emulator/bots/{token}/calls?method=&chat_id=&status=: the Bot API call log."""
    bot = _bot(request)
    method = (request.query_params.get("method") or "").lower()
    chat_id = request.query_params.get("chat_id")
    status = request.query_params.get("status")
    calls = [
        c.as_json()
        for c in bot.calls
        if (not method or c.method.lower() == method)
        and (chat_id is None or str(c.chat_id) == chat_id)
        and (status is None or str(c.response_status) == status)
    ]
    return JSONResponse({"calls": calls})


async def clear_calls(request: Request) -> Response:
    """DELETE /_emulator/bots/{token}/calls."""
    bot = _bot(request)
    cleared = len(bot.calls)
    bot.calls.clear()
    return JSONResponse({"cleared": cleared})


async def get_deliveries(request: Request) -> Response:
    """GET /_emulator/bots/{token}/deliveries: every webhook POST attempt and its outcome."""
    return JSONResponse({"deliveries": _bot(request).deliveries})


async def get_file_bytes(request: Request) -> Response:
    """GET /_emulator/bots/{token}/files/{file_id}: bytes of a file the bot uploaded."""
    _bot(request)
    stored = _emulator(request).files.get(request.path_params["file_id"])
    if stored is None:
        raise ControlError(404, "unknown file_id")
    if stored.data is None:
        raise ControlError(404, f"file was sent by URL ({stored.url}); the emulator has no bytes")
    return Response(stored.data, media_type=stored.content_type or "application/octet-stream")


class SignedIntConvertor(Convertor[int]):
    """Chat ids: negative for groups and channels (Starlette's `int` takes digits only)."""

    regex = "-?[0-9]+"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("chat_id", SignedIntConvertor())

_BOT = "/_emulator/bots/{token}"
_USER = _BOT + "/users/{user_id:int}"


def control_routes() -> list[Route]:
    """Routes of the control API (mounted at the app root)."""
    table: list[tuple[str, Endpoint, list[str]]] = [
        ("/_emulator/faults", add_fault, ["POST"]),
        ("/_emulator/faults", list_faults, ["GET"]),
        ("/_emulator/faults", clear_faults, ["DELETE"]),
        ("/_emulator/reset", reset, ["POST"]),
        (_USER + "/messages", post_user_message, ["POST"]),
        (_USER + "/callback", post_callback, ["POST"]),
        (_USER + "/pre_checkout_query", post_pre_checkout, ["POST"]),
        (_USER + "/successful_payment", post_successful_payment, ["POST"]),
        (_USER + "/block", post_block, ["POST"]),
        (_BOT + "/groups/{chat_id:chat_id}/bot", post_group_bot, ["POST"]),
        (_BOT + "/groups/{chat_id:chat_id}/messages", post_group_message, ["POST"]),
        (_BOT + "/callback_queries", get_callback_queries, ["GET"]),
        (_BOT + "/updates", post_raw_update, ["POST"]),
        (_BOT + "/updates", get_pending_updates, ["GET"]),
        (_BOT + "/chats/{chat_id:chat_id}/messages", get_chat_messages, ["GET"]),
        (_BOT + "/calls", get_calls, ["GET"]),
        (_BOT + "/calls", clear_calls, ["DELETE"]),
        (_BOT + "/deliveries", get_deliveries, ["GET"]),
        (_BOT + "/files/{file_id}", get_file_bytes, ["GET"]),
    ]
    return [Route(path, _handled(endpoint), methods=methods) for path, endpoint, methods in table]
