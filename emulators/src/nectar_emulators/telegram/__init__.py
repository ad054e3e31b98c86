"""Telegram Bot API emulator.

Speaks the Bot API wire format (`/bot{token}/{method}`, JSON / form / multipart params,
`{"ok": ..., "result" | "error_code", "description", "parameters"}` answers) for any
number of bots (one per token, bot id = the digits before the colon) and adds a
user-side control API under `/_emulator` so tests and a terminal client can act as
Telegram users. State is in memory, per process.

Implemented methods: getMe, getUpdates (long-poll, offset confirmation, 409 conflicts),
setWebhook / deleteWebhook / getWebhookInfo, sendMessage (HTML / MarkdownV2 / Markdown
parsing with Telegram's "can't parse entities" errors, 4096 limit), sendPhoto,
sendVoice, sendDocument, sendChatAction, answerCallbackQuery, editMessageText,
editMessageReplyMarkup, deleteMessage, getFile (+ `/file/bot{token}/{path}`),
set/get/deleteMyCommands and profile setters, sendInvoice, createInvoiceLink,
answerPreCheckoutQuery, refundStarPayment (then the `refunded_payment` service message, as
Telegram sends it). Anything else answers 404 "Not Found". Groups: a user can add the bot to
a group (`my_chat_member`) and write there; blocking the bot in private sends
`my_chat_member` too.

Delivery: a user action only *queues* the update and returns at once. With a webhook
set, a background worker per bot POSTs pending updates in order (retries, then keeps
them pending: see `webhook.py`); otherwise getUpdates returns them. Pass `?wait=S` to a
user-side POST to wait up to S seconds and get `"delivered": true|false` (webhook 2xx, or
confirmation by a later getUpdates offset); without it `"delivered"` is null.

Control API (JSON):
- POST   /_emulator/faults {"method","status","description","retry_after","times","delay_ms",
         "after_ms","token"}
- GET    /_emulator/faults;  DELETE /_emulator/faults;  POST /_emulator/reset
- POST   /_emulator/bots/{token}/users/{user_id}/messages  {"text", "first_name", "username",
         "language_code", "reply_to_message_id", "photo_base64", "voice_base64", ...}
- POST   /_emulator/bots/{token}/users/{user_id}/callback  {"data", "message_id"}
- POST   /_emulator/bots/{token}/users/{user_id}/pre_checkout_query  {invoice fields or none}
- POST   /_emulator/bots/{token}/users/{user_id}/successful_payment  {invoice fields or none}
- POST   /_emulator/bots/{token}/users/{user_id}/block  {"blocked": true}  (my_chat_member)
- POST   /_emulator/bots/{token}/groups/{chat_id}/bot  {"user_id", "added", "title", "type"}
- POST   /_emulator/bots/{token}/groups/{chat_id}/messages  {"user_id", "text"}
- GET    /_emulator/bots/{token}/callback_queries  (press id -> answered)
- POST   /_emulator/bots/{token}/updates  raw Update;  GET: pending updates + webhook info
- GET    /_emulator/bots/{token}/chats/{chat_id}/messages?after_message_id=K&timeout=S
- GET    /_emulator/bots/{token}/calls?method=&chat_id=&status=;  DELETE to clear
- GET    /_emulator/bots/{token}/deliveries   (webhook attempts)
- GET    /_emulator/bots/{token}/files/{file_id}   (uploaded bytes)

Deviation from Telegram: webhooks may be plain http:// on any port.
"""

from .app import create_app
from .settings import TelegramEmulatorSettings

__all__ = ["TelegramEmulatorSettings", "create_app"]
