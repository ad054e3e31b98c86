"""The Bot API methods the emulator implements, and `call_method`, their single entry point.

Each handler takes a `Call` and returns the method's `result` (or `Described(result, text)`
when Telegram adds a top-level description) or raises `BotApiError` with Telegram's own
error wording. `call_method` applies scripted faults and flood control first and records
every call, answered or not, in the bot's call log.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .formatting import FormattingError, parse_formatted, utf16_len
from .media import image_size, is_ogg_opus, ogg_opus_duration, photo_sizes
from .protocol import BotApiError, Params, UploadedFile, summarise
from .state import BotState, ChatState, RecordedCall, SentMessage, TelegramEmulator, Webhook
from .updates import UserProfile, refunded_payment, successful_payment

__all__ = ["METHOD_NAMES", "Described", "call_method"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
# Updates Telegram does not send unless asked for in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_NOT_FOUND_QUERY = "query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request;"
    " make sure that only one bot instance is running"
)


@dataclass(frozen=True)
class Described:
    """A result Telegram answers with an extra top-level "description"."""

    result: Any
    description: str


@dataclass
class Call:
    emulator: TelegramEmulator
    bot: BotState
    params: Params

    @property
    def settings(self) -> Any:
        return self.emulator.settings


Handler = Callable[[Call], Awaitable[Any]]


async def call_method(
    emulator: TelegramEmulator,
    token: str,
    method: str,
    raw_params: dict[str, Any],
    *,
    via: str = "http",
) -> tuple[Any, str | None]:
    """Run one Bot API call for the bot `token`: (result, description) or BotApiError.

    Order: unknown method (404), scripted fault, flood gate, the method itself.
    """
    bot = emulator.bot(token)
    name = METHOD_NAMES.get(method.lower(), method)
    status, description = 200, None
    try:
        handler = _METHODS.get(method.lower())
        if handler is None:
            raise BotApiError(404, "Not Found")
        fault = emulator.take_fault(token, name)
        if fault is not None:
            if fault.delay_ms:
                await asyncio.sleep(fault.delay_ms / 1000)
            error = fault.error()
            if error is not None:
                raise error
        if name.startswith(("send", "edit", "copy", "forward")):
            emulator.check_flood(bot, _chat_id_hint(raw_params))
        outcome = await handler(Call(emulator, bot, Params(raw_params)))
        if fault is not None and fault.after_ms:
            await asyncio.sleep(fault.after_ms / 1000)
    except BotApiError as exc:
        status, description = exc.error_code, exc.description
        raise
    finally:
        bot.calls.append(
            RecordedCall(
                method=name,
                params=summarise(raw_params),
                at=time.time(),
                response_status=status,
                chat_id=_chat_id_hint(raw_params),
                description=description,
                via=via,
            )
        )
    if isinstance(outcome, Described):
        return outcome.result, outcome.description
    return outcome, None


def _chat_id_hint(raw: dict[str, Any]) -> int | None:
    try:
        return int(raw["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


# Shared pieces of the send* methods


def _target_chat(call: Call) -> ChatState:
    raw = call.params.raw.get("chat_id")
    if raw in (None, ""):
        raise BotApiError.bad_request("chat_id is empty")
    try:
        chat_id = int(raw)
    except (TypeError, ValueError) as exc:
        raise BotApiError.bad_request("chat not found") from exc
    chat = call.bot.chat(chat_id)
    if chat is None:
        if call.settings.strict_chats:
            raise BotApiError.bad_request("chat not found")
        chat = call.bot.meet_user({"id": chat_id, "is_bot": False, "first_name": f"User {chat_id}"})
    forbidden = chat.forbidden()
    if forbidden is not None:
        raise BotApiError(403, forbidden)
    return chat


def _formatted(
    text: str, parse_mode: str | None, call: Call, entities_param: str
) -> tuple[str, list[Any]]:
    try:
        plain, entities = parse_formatted(text, parse_mode)
    except FormattingError as exc:
        raise BotApiError.bad_request(f"can't parse entities: {exc}") from exc
    if not parse_mode:
        entities = call.params.decoded(entities_param, what="message entities") or []
    return plain, entities


def _caption(call: Call) -> dict[str, Any]:
    caption = call.params.text("caption")
    if not caption:
        return {}
    parse_mode = call.params.text("parse_mode") or None
    plain, entities = _formatted(caption, parse_mode, call, "caption_entities")
    if utf16_len(plain) > MAX_CAPTION:
        raise BotApiError.bad_request("message caption is too long")
    content: dict[str, Any] = {"caption": plain}
    if entities:
        content["caption_entities"] = entities
    return content


def _reply_markup(call: Call) -> dict[str, Any] | None:
    markup = call.params.decoded("reply_markup", what="reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise BotApiError.bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BotApiError.bad_request("can't parse inline keyboard button: InlineKeyboardButton")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise BotApiError.bad_request("can't parse inline keyboard button: Text is empty")
            if len(button) == 1:
                raise BotApiError.bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise BotApiError.bad_request("BUTTON_DATA_INVALID")
    return markup


def _reply_to(call: Call, chat: ChatState) -> dict[str, Any] | None:
    params = call.params
    reply = params.decoded("reply_parameters", what="reply parameters JSON object")
    if reply is None and "reply_to_message_id" in params:
        reply = {
            "message_id": params.integer("reply_to_message_id"),
            "allow_sending_without_reply": params.flag("allow_sending_without_reply"),
        }
    if not isinstance(reply, dict) or reply.get("message_id") is None:
        return None
    target = chat.messages.get(int(reply["message_id"]))
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise BotApiError.bad_request("message to be replied not found")
    return {k: v for k, v in target.items() if k != "reply_to_message"}


def _send(
    call: Call,
    chat: ChatState,
    method: str,
    content: dict[str, Any],
    *,
    source_text: str | None = None,
    invoice_payload: str | None = None,
) -> dict[str, Any]:
    """Validate reply/markup, then allocate the message id and record the sent message."""
    reply_to = _reply_to(call, chat)
    markup = _reply_markup(call)
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": call.bot.user,
        "chat": chat.chat,
        "date": int(time.time()),
        **content,
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if markup is not None and "inline_keyboard" in markup:
        # Telegram echoes only inline keyboards in the sent Message.
        message["reply_markup"] = markup
    parse_mode = call.params.text("parse_mode") or None
    sent = SentMessage(message, method, parse_mode, source_text, invoice_payload)
    call.bot.record_sent(chat, sent)
    return message


def _input_file(call: Call, kind: str, param: str) -> tuple[UploadedFile | None, Any]:
    """(upload, stored) for an InputFile parameter: an upload, a known file_id or a URL."""
    value = call.params.file(param)
    if value is None:
        raise BotApiError.bad_request(f"there is no {param} in the request")
    if isinstance(value, UploadedFile):
        if not value.data:
            raise BotApiError.bad_request("file must be non-empty")
        return value, None
    known = call.emulator.files.get(value)
    if known is not None:
        return None, known
    if urlsplit(value).scheme in ("http", "https"):
        return None, call.emulator.store_file(kind, url=value)
    raise BotApiError.bad_request("wrong file identifier/HTTP URL specified")


# Methods: updates and webhooks


async def get_me(call: Call) -> dict[str, Any]:
    """getMe: the bot's User object."""
    return {
        **call.bot.user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _wanted(update: dict[str, Any], allowed: list[str] | None) -> bool:
    kinds = set(update) - {"update_id"}
    if allowed:
        return bool(kinds & set(allowed))
    return not kinds <= _OPT_IN_UPDATES


async def get_updates(call: Call) -> list[dict[str, Any]]:
    """getUpdates: confirm below `offset`, then long-poll up to `timeout` s for updates.

    A newer getUpdates terminates a waiting one with 409, as Telegram does when two bot
    instances poll the same token.
    """
    bot, params = call.bot, call.params
    if bot.webhook is not None:
        raise BotApiError(409, _WEBHOOK_CONFLICT)
    offset = params.integer("offset", default=0)
    limit = min(max(params.integer("limit", default=100), 1), 100)
    timeout = min(
        max(float(params.integer("timeout", default=0)), 0.0), call.settings.max_long_poll_s
    )
    allowed = params.decoded("allowed_updates", what="allowed updates JSON object")
    if isinstance(allowed, list):
        bot.polling_allowed_updates = [str(kind) for kind in allowed]
    bot.confirm(offset)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.touch()

    def visible() -> list[dict[str, Any]]:
        return [p.update for p in bot.pending if _wanted(p.update, bot.polling_allowed_updates)]

    await bot.updates_signal.wait_until(
        lambda: generation != bot.poll_generation or bot.webhook is not None or bool(visible()),
        timeout,
    )
    if generation != bot.poll_generation:
        raise BotApiError(409, _POLL_CONFLICT)
    if bot.webhook is not None:
        raise BotApiError(409, _WEBHOOK_CONFLICT)
    return visible()[:limit]


async def set_webhook(call: Call) -> Described:
    """setWebhook: from now on updates are POSTed to `url` (http:// allowed, unlike Telegram)."""
    bot, params = call.bot, call.params
    url = params.text("url")
    if not url:
        return await delete_webhook(call)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BotApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token") or None
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise BotApiError.bad_request("secret token contains unallowed characters")
    max_connections = min(max(params.integer("max_connections", default=40), 1), 100)
    allowed = params.decoded("allowed_updates", what="allowed updates JSON object")
    if params.flag("drop_pending_updates"):
        bot.drop_pending()
    unchanged = bot.webhook is not None and bot.webhook.url == url
    bot.webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    bot.last_error_date = bot.last_error_message = None
    bot.touch()
    call.emulator.on_webhook_set(bot)
    return Described(True, "Webhook is already set" if unchanged else "Webhook was set")


async def delete_webhook(call: Call) -> Described:
    """deleteWebhook: back to getUpdates; optionally drop pending updates."""
    bot = call.bot
    if call.params.flag("drop_pending_updates"):
        bot.drop_pending()
    had_webhook = bot.webhook is not None
    bot.webhook = None
    bot.touch()
    return Described(True, "Webhook was deleted" if had_webhook else "Webhook is already deleted")


async def get_webhook_info(call: Call) -> dict[str, Any]:
    """getWebhookInfo: url, pending_update_count, last_error_* of failed deliveries."""
    return call.bot.webhook_info()


# Methods: sending


async def send_message(call: Call) -> dict[str, Any]:
    """sendMessage: text up to 4096 UTF-16 units after entity parsing."""
    chat = _target_chat(call)
    text = call.params.text("text", required="message text is empty")
    parse_mode = call.params.text("parse_mode") or None
    plain, entities = _formatted(text, parse_mode, call, "entities")
    if not plain.strip():
        raise BotApiError.bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT:
        raise BotApiError.bad_request("message is too long")
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    link_preview = call.params.decoded("link_preview_options", what="link preview options")
    if isinstance(link_preview, dict):
        content["link_preview_options"] = link_preview
    return _send(call, chat, "sendMessage", content, source_text=text)


async def send_photo(call: Call) -> dict[str, Any]:
    """sendPhoto: an upload, a known file_id or a URL; answers PhotoSize thumbnails + photo."""
    chat = _target_chat(call)
    upload, stored = _input_file(call, "photo", "photo")
    caption = _caption(call)
    if upload is not None:
        sizes = photo_sizes(image_size(upload.data))
        full_w, full_h = sizes[-1]
        photo: list[dict[str, Any]] = []
        for width, height in sizes:
            item = call.emulator.store_file("photo", upload)
            size = round(len(upload.data) * (width * height) / max(full_w * full_h, 1))
            photo.append(
                {
                    "file_id": item.file_id,
                    "file_unique_id": item.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": max(size, 1),
                }
            )
        call.emulator.files[photo[-1]["file_id"]].meta["photo"] = photo
    else:
        photo = stored.meta.get("photo") or [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 512,
                "height": 512,
                "file_size": stored.size,
            }
        ]
        stored.meta["photo"] = photo
    return _send(call, chat, "sendPhoto", {"photo": photo, **caption})


def _voice_kind(data: bytes) -> str | None:
    """MIME type Telegram accepts as a voice (OGG/Opus, MP3, M4A), else None."""
    if is_ogg_opus(data):
        return "audio/ogg"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    return None


async def send_voice(call: Call) -> dict[str, Any]:
    """sendVoice: OGG/Opus (or MP3/M4A) becomes a `voice`; any other format is sent as a
    `document`, as the Bot API documents ("other formats may be sent as Audio or Document")."""
    chat = _target_chat(call)
    upload, stored = _input_file(call, "voice", "voice")
    caption = _caption(call)
    if upload is not None:
        mime_type = _voice_kind(upload.data)
        if mime_type is None:
            document = call.emulator.store_file("document", upload)
            content = {
                "document": {
                    "file_id": document.file_id,
                    "file_unique_id": document.file_unique_id,
                    "file_name": upload.filename,
                    "mime_type": upload.content_type,
                    "file_size": document.size,
                },
                **caption,
            }
            return _send(call, chat, "sendVoice", content)
        stored = call.emulator.store_file("voice", upload)
        duration = call.params.integer("duration", default=ogg_opus_duration(upload.data) or 0)
        stored.meta["voice"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
    voice = stored.meta.get("voice") or {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": call.params.integer("duration", default=0),
        "mime_type": "audio/ogg",
        "file_size": stored.size,
    }
    return _send(call, chat, "sendVoice", {"voice": voice, **caption})


async def send_document(call: Call) -> dict[str, Any]:
    """sendDocument: any file, answered as a `document`."""
    chat = _target_chat(call)
    upload, stored = _input_file(call, "document", "document")
    caption = _caption(call)
    if upload is not None:
        stored = call.emulator.store_file("document", upload)
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.filename or "file",
        "mime_type": stored.content_type or "application/octet-stream",
        "file_size": stored.size,
    }
    return _send(call, chat, "sendDocument", {"document": document, **caption})


async def send_chat_action(call: Call) -> bool:
    """sendChatAction: "typing" and friends; answers true."""
    _target_chat(call)
    action = call.params.text("action", required="wrong parameter action in request")
    if action not in _CHAT_ACTIONS:
        raise BotApiError.bad_request("wrong parameter action in request")
    return True


async def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery: each query id from a user button press can be answered once."""
    query_id = call.params.text("callback_query_id", required=_NOT_FOUND_QUERY)
    if call.bot.callback_queries.get(query_id, True):
        raise BotApiError.bad_request(_NOT_FOUND_QUERY)
    call.bot.callback_queries[query_id] = True
    return True


def _bot_message(call: Call, chat: ChatState, verb: str) -> dict[str, Any]:
    message_id = call.params.integer("message_id", required="message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise BotApiError.bad_request(f"message to {verb} not found")
    if message["from"]["id"] != call.bot.bot_id:
        raise BotApiError.bad_request(f"message can't be {verb}ed")
    return message


async def edit_message_text(call: Call) -> dict[str, Any]:
    """editMessageText: change the text (and markup) of a message the bot sent."""
    chat = _target_chat(call)
    message = _bot_message(call, chat, "edit")
    if "text" not in message:
        raise BotApiError.bad_request("there is no text in the message to edit")
    text = call.params.text("text", required="message text is empty")
    plain, entities = _formatted(text, call.params.text("parse_mode") or None, call, "entities")
    if utf16_len(plain) > MAX_TEXT:
        raise BotApiError.bad_request("MESSAGE_TOO_LONG")
    markup = _reply_markup(call)
    if plain == message["text"] and markup == message.get("reply_markup"):
        raise BotApiError.bad_request(
            "message is not modified: specified new message content and reply markup are"
            " exactly the same as a current content and reply markup of the message"
        )
    message["text"] = plain
    message.pop("entities", None)
    if entities:
        message["entities"] = entities
    _apply_markup(message, markup)
    message["edit_date"] = int(time.time())
    call.bot.chat_signal.notify()
    return message


async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    """editMessageReplyMarkup: replace or remove a sent message's inline keyboard."""
    chat = _target_chat(call)
    message = _bot_message(call, chat, "edit")
    markup = _reply_markup(call)
    if markup == message.get("reply_markup"):
        raise BotApiError.bad_request(
            "message is not modified: specified new message content and reply markup are"
            " exactly the same as a current content and reply markup of the message"
        )
    _apply_markup(message, markup)
    message["edit_date"] = int(time.time())
    return message


def _apply_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is not None and markup.get("inline_keyboard"):
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


async def delete_message(call: Call) -> bool:
    """deleteMessage: any message of the private chat, once."""
    chat = _target_chat(call)
    message_id = call.params.integer("message_id", required="message identifier is not specified")
    if chat.messages.pop(message_id, None) is None:
        raise BotApiError.bad_request("message to delete not found")
    for sent in chat.sent:
        if sent.message["message_id"] == message_id:
            sent.deleted = True
    return True


async def get_file(call: Call) -> dict[str, Any]:
    """getFile: path for GET /file/bot<token>/<file_path>."""
    file_id = call.params.text("file_id", required="invalid file_id")
    stored = call.emulator.files.get(file_id)
    if stored is None:
        raise BotApiError.bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


# Methods: commands and profile


async def set_my_commands(call: Call) -> bool:
    """setMyCommands: validated and kept for getMyCommands (scopes ignored)."""
    commands = call.params.decoded("commands", what="commands JSON object")
    if not isinstance(commands, list):
        raise BotApiError.bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            raise BotApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise BotApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    call.bot.commands = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return call.bot.commands


async def delete_my_commands(call: Call) -> bool:
    call.bot.commands = []
    return True


async def accepted(call: Call) -> bool:
    """Profile setters the emulator accepts without keeping anything."""
    return True


async def get_my_name(call: Call) -> dict[str, str]:
    return {"name": call.bot.user["first_name"]}


async def get_my_description(call: Call) -> dict[str, str]:
    return {"description": ""}


async def get_my_short_description(call: Call) -> dict[str, str]:
    return {"short_description": ""}


async def get_chat_menu_button(call: Call) -> dict[str, str]:
    return {"type": "default"}


# Methods: payments (Telegram Stars flow)


def _invoice_fields(call: Call) -> tuple[dict[str, Any], str]:
    params = call.params
    title = params.text("title", required="INVOICE_TITLE_EMPTY")
    description = params.text("description", required="INVOICE_DESCRIPTION_EMPTY")
    payload = params.text("payload", required="INVOICE_PAYLOAD_INVALID")
    currency = params.text("currency", required="CURRENCY_INVALID")
    prices = params.decoded("prices", what="prices JSON object")
    if not isinstance(prices, list) or not prices:
        raise BotApiError.bad_request("can't parse prices JSON object")
    try:
        total = sum(int(price["amount"]) for price in prices)
    except (KeyError, TypeError, ValueError) as exc:
        raise BotApiError.bad_request("can't parse prices JSON object") from exc
    if len(title) > 32:
        raise BotApiError.bad_request("INVOICE_TITLE_INVALID")
    if not 1 <= len(payload.encode("utf-8")) <= 128:
        raise BotApiError.bad_request("INVOICE_PAYLOAD_INVALID")
    invoice = {
        "title": title,
        "description": description,
        "start_parameter": params.text("start_parameter"),
        "currency": currency,
        "total_amount": total,
    }
    return invoice, payload


async def send_invoice(call: Call) -> dict[str, Any]:
    """sendInvoice: a Message with `invoice`; the payload is kept for the user-side payment."""
    chat = _target_chat(call)
    invoice, payload = _invoice_fields(call)
    return _send(call, chat, "sendInvoice", {"invoice": invoice}, invoice_payload=payload)


async def create_invoice_link(call: Call) -> str:
    """createInvoiceLink: a t.me-style link (nothing behind it)."""
    _invoice_fields(call)
    return f"https://t.me/$emu_invoice_{secrets.token_urlsafe(12)}"


async def answer_pre_checkout_query(call: Call) -> bool:
    """answerPreCheckoutQuery: ok=true completes the payment, so the emulator queues the
    `successful_payment` message Telegram would send next."""
    params, bot = call.params, call.bot
    query_id = params.text("pre_checkout_query_id", required=_NOT_FOUND_QUERY)
    if bot.pre_checkout_queries.get(query_id, True):
        raise BotApiError.bad_request(_NOT_FOUND_QUERY)
    if "ok" not in params:
        raise BotApiError.bad_request("ok is empty")
    approved = params.flag("ok")
    if not approved and not params.text("error_message"):
        raise BotApiError.bad_request("PRECHECKOUT_ERROR_MESSAGE_EMPTY")
    bot.pre_checkout_queries[query_id] = True
    if approved:
        details = bot.pre_checkout_details[query_id]
        successful_payment(
            bot,
            UserProfile(id=details["user_id"]),
            currency=details["currency"],
            total_amount=details["total_amount"],
            invoice_payload=details["invoice_payload"],
        )
    return True


async def refund_star_payment(call: Call) -> bool:
    """refundStarPayment: a charge id from a successful_payment can be refunded once."""
    charge_id = call.params.text("telegram_payment_charge_id", required="CHARGE_ID_EMPTY")
    call.params.integer("user_id", required="user_id is empty")
    refunded = call.bot.charges.get(charge_id)
    if refunded is None:
        raise BotApiError.bad_request("CHARGE_NOT_FOUND")
    if refunded:
        raise BotApiError.bad_request("CHARGE_ALREADY_REFUNDED")
    call.bot.charges[charge_id] = True
    if charge_id in call.bot.charge_details:
        # Telegram then sends the bot (and the user) the refunded_payment service message
        refunded_payment(call.bot, charge_id)
    return True


async def log_out(call: Call) -> bool:
    return True


_REGISTRY: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": log_out,
    "close": log_out,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendVoice": send_voice,
    "sendDocument": send_document,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "getFile": get_file,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyName": accepted,
    "setMyDescription": accepted,
    "setMyShortDescription": accepted,
    "setChatMenuButton": accepted,
    "getMyName": get_my_name,
    "getMyDescription": get_my_description,
    "getMyShortDescription": get_my_short_description,
    "getChatMenuButton": get_chat_menu_button,
    "sendInvoice": send_invoice,
    "createInvoiceLink": create_invoice_link,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
    "refundStarPayment": refund_star_payment,
}
# Telegram matches method names case-insensitively.
_METHODS: dict[str, Handler] = {name.lower(): handler for name, handler in _REGISTRY.items()}
METHOD_NAMES: dict[str, str] = {name.lower(): name for name in _REGISTRY}
