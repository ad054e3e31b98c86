"""In-memory state of the Telegram emulator: bots, chats, pending updates, files, faults.

Everything runs on one asyncio loop and every mutation below is synchronous (no await in
the middle), so each is atomic; waiters (getUpdates, the chat long-poll, the webhook
worker) sleep on a `Signal` and re-check their condition when it fires.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._server import Signal
from .protocol import BotApiError, UploadedFile, bot_id_from_token, bot_user, private_chat
from .settings import TelegramEmulatorSettings

__all__ = [
    "BotState",
    "ChatState",
    "Fault",
    "PendingUpdate",
    "RecordedCall",
    "SentMessage",
    "StoredFile",
    "TelegramEmulator",
    "Webhook",
]

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request;"
    " make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    """A scripted failure: the next `times` calls of `method` answer this error."""

    method: str
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    times: int | None = 1
    delay_ms: int = 0
    token: str | None = None
    #: the method runs, then its answer waits this long (the call happened; the bot does
    #: not know yet: a crash now is the "sent but not recorded" window)
    after_ms: int = 0

    def matches(self, token: str, method: str) -> bool:
        return (self.token in (None, token)) and self.method.lower() in ("*", method.lower())

    def error(self) -> BotApiError | None:
        """The error to answer, or None for a pure delay fault (status 200)."""
        if self.status < 400:
            return None
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            description = self.description or f"Too Many Requests: retry after {retry_after}"
            return BotApiError(429, description, retry_after=retry_after)
        description = self.description or _DEFAULT_DESCRIPTIONS.get(self.status, "Error")
        return BotApiError(self.status, description, retry_after=self.retry_after)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StoredFile:
    """A file the emulator has seen: uploaded bytes, or only a URL (never fetched)."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes | None
    content_type: str
    filename: str | None
    url: str | None
    file_path: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass
class RecordedCall:
    """One Bot API call as the emulator received and answered it."""

    method: str
    params: dict[str, Any]
    at: float
    response_status: int
    chat_id: int | None
    description: str | None = None
    via: str = "http"

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SentMessage:
    """A message the bot sent, as the chat long-poll reports it."""

    message: dict[str, Any]
    method: str
    parse_mode: str | None
    source_text: str | None
    invoice_payload: str | None = None
    deleted: bool = False

    def view(self) -> dict[str, Any]:
        message = self.message
        file_ids = [
            (message.get("photo") or [{}])[-1].get("file_id"),
            (message.get("voice") or {}).get("file_id"),
            (message.get("document") or {}).get("file_id"),
        ]
        return {
            "message_id": message["message_id"],
            "method": self.method,
            "text": message.get("text"),
            "caption": message.get("caption"),
            "source_text": self.source_text,
            "has_photo": "photo" in message,
            "has_voice": "voice" in message,
            "file_id": next((f for f in file_ids if f), None),
            "parse_mode": self.parse_mode,
            "entities": message.get("entities") or message.get("caption_entities") or [],
            "reply_markup": message.get("reply_markup"),
            "reply_to_message_id": (message.get("reply_to_message") or {}).get("message_id"),
            "invoice": message.get("invoice"),
            "date": message["date"],
            "edit_date": message.get("edit_date"),
            "invoice_payload": self.invoice_payload,
            "deleted": self.deleted,
        }


@dataclass
class ChatState:
    """A chat of the bot (private with one user, or a group); message ids are shared by
    every side of it."""

    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: list[SentMessage] = field(default_factory=list)
    #: private chat: the user blocked the bot
    blocked: bool = False
    #: group: whether the bot is a member (sends answer 403 when it is not)
    bot_member: bool = True

    @property
    def is_private(self) -> bool:
        return self.chat.get("type") == "private"

    def forbidden(self) -> str | None:
        """Telegram's 403 description for a send to this chat now, or None."""
        if self.is_private:
            return "Forbidden: bot was blocked by the user" if self.blocked else None
        return None if self.bot_member else "Forbidden: bot was kicked from the group chat"

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    ip_address: str = "127.0.0.1"


@dataclass
class PendingUpdate:
    """An update not yet confirmed (polling) or delivered (webhook)."""

    update: dict[str, Any]
    delivered: asyncio.Future[bool] | None = None

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    def settle(self, delivered: bool) -> None:
        if self.delivered is not None and not self.delivered.done():
            self.delivered.set_result(delivered)


class BotState:
    """Everything one bot token owns."""

    def __init__(self, token: str, first_name: str) -> None:
        self.token = token
        self.bot_id = bot_id_from_token(token)
        self.user = bot_user(self.bot_id, first_name)
        # Telegram starts a bot's update ids at a random point after a quiet week; starting
        # from the clock keeps ids increasing across emulator restarts, so a consumer that
        # remembers update ids (the edge's dedupe) never sees an old id again.
        self.next_update_id = int(time.time() * 10) % 2_000_000_000
        self.pending: list[PendingUpdate] = []
        self.webhook: Webhook | None = None
        self.polling_allowed_updates: list[str] | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.calls: list[RecordedCall] = []
        self.deliveries: list[dict[str, Any]] = []
        self.callback_queries: dict[str, bool] = {}
        self.pre_checkout_queries: dict[str, bool] = {}
        self.commands: list[dict[str, Any]] = []
        self.pre_checkout_details: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, bool] = {}
        #: charge id -> what was paid (user_id, currency, total_amount, invoice_payload)
        self.charge_details: dict[str, dict[str, Any]] = {}
        self.poll_generation = 0
        self.changes = 0
        self.retired = False
        self.send_times: deque[float] = deque()
        self.chat_send_times: dict[int, deque[float]] = {}
        self.updates_signal = Signal()
        self.chat_signal = Signal()

    def touch(self) -> None:
        """Something pollers or the webhook worker care about changed: wake them."""
        self.changes += 1
        self.updates_signal.notify()

    # Updates

    def enqueue(self, update: dict[str, Any], *, want_receipt: bool = False) -> PendingUpdate:
        """Queue `update` (assigning update_id when absent) for getUpdates or the webhook."""
        if "update_id" not in update:
            update = {"update_id": self.next_update_id, **update}
        self.next_update_id = max(self.next_update_id, int(update["update_id"]) + 1)
        receipt = asyncio.get_running_loop().create_future() if want_receipt else None
        pending = PendingUpdate(update, receipt)
        self.pending.append(pending)
        self.touch()
        return pending

    def confirm(self, offset: int) -> None:
        """getUpdates' offset semantics: forget updates below `offset` (negative: keep the
        last -offset updates)."""
        if offset > 0:
            kept = [p for p in self.pending if p.update_id >= offset]
        elif offset < 0:
            kept = self.pending[offset:]
        else:
            return
        for dropped in self.pending:
            if dropped not in kept:
                dropped.settle(True)
        self.pending = kept

    def drop_pending(self) -> None:
        for pending in self.pending:
            pending.settle(False)
        self.pending = []
        self.touch()

    # Users and chats

    def meet_user(self, user: dict[str, Any]) -> ChatState:
        """Remember a user (from a user-side message) and return their private chat."""
        known = self.users.get(user["id"], {})
        merged = {**known, **{k: v for k, v in user.items() if v not in (None, "")}}
        self.users[user["id"]] = merged
        chat = self.chats.get(user["id"])
        if chat is None:
            chat = self.chats[user["id"]] = ChatState(private_chat(merged))
        else:
            chat.chat = private_chat(merged)
        return chat

    def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    def group(self, chat_id: int, title: str, kind: str) -> ChatState:
        """The group or supergroup `chat_id` (negative), created on first use."""
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = ChatState({"id": chat_id, "type": kind,
                                                    "title": title}, bot_member=False)
        return chat

    def record_sent(self, chat: ChatState, sent: SentMessage) -> None:
        chat.messages[sent.message["message_id"]] = sent.message
        chat.sent.append(sent)
        self.chat_signal.notify()

    def webhook_info(self) -> dict[str, Any]:
        """The WebhookInfo object (https://core.telegram.org/bots/api#webhookinfo)."""
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            info["ip_address"] = self.webhook.ip_address
            if self.webhook.allowed_updates:
                info["allowed_updates"] = self.webhook.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


class TelegramEmulator:
    """The whole emulator: bots by token, the file store and the scripted faults."""

    def __init__(self, settings: TelegramEmulatorSettings) -> None:
        self.settings = settings
        self.bots: dict[str, BotState] = {}
        self.faults: list[Fault] = []
        self.files: dict[str, StoredFile] = {}
        self._file_seq = 0
        # Set by the app: starts webhook delivery for a bot whose webhook was just set.
        self.on_webhook_set: Callable[[BotState], None] = lambda bot: None

    def bot(self, token: str) -> BotState:
        """The bot for `token`, created on first use; 401 Unauthorized for a malformed token."""
        bot = self.bots.get(token)
        if bot is None:
            bot = self.bots[token] = BotState(token, self.settings.bot_first_name)
        return bot

    def reset(self) -> None:
        for bot in self.bots.values():
            bot.retired = True
            bot.webhook = None
            bot.drop_pending()
        self.bots.clear()
        self.faults.clear()
        self.files.clear()

    def take_fault(self, token: str, method: str) -> Fault | None:
        """The first fault matching this call, counting one use of it."""
        for fault in self.faults:
            if fault.matches(token, method):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def check_flood(self, bot: BotState, chat_id: int | None = None) -> None:
        """Telegram-style flood control: more than `flood_limit_per_s` sends of the bot, or
        more than `flood_per_chat_per_s` (+ burst) to one chat, in 1 s -> 429."""
        now = time.monotonic()
        per_chat = self.settings.flood_per_chat_per_s
        chat_times: deque[float] | None = None
        if per_chat > 0 and chat_id is not None:
            chat_times = bot.chat_send_times.setdefault(chat_id, deque())
            while chat_times and now - chat_times[0] > 1.0:
                chat_times.popleft()
            if len(chat_times) >= per_chat + self.settings.flood_per_chat_burst:
                raise BotApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        limit = self.settings.flood_limit_per_s
        if limit > 0:
            while bot.send_times and now - bot.send_times[0] > 1.0:
                bot.send_times.popleft()
            if len(bot.send_times) >= limit:
                raise BotApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            bot.send_times.append(now)
        if chat_times is not None:
            chat_times.append(now)

    def store_file(
        self, kind: str, upload: UploadedFile | None = None, url: str | None = None
    ) -> StoredFile:
        self._file_seq += 1
        extension = {"photo": "jpg", "voice": "oga", "audio": "mp3"}.get(kind, "bin")
        if upload is not None and "." in upload.filename and kind == "document":
            extension = upload.filename.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"EMU{kind[:2].upper()}-{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{secrets.token_urlsafe(8)}",
            kind=kind,
            data=upload.data if upload is not None else None,
            content_type=upload.content_type if upload is not None else "",
            filename=upload.filename if upload is not None else None,
            url=url,
            file_path=f"{kind}s/file_{self._file_seq}.{extension}",
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)
