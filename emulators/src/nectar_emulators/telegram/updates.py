"""What a Telegram user does, turned into real `Update` objects queued for the bot.

Each function mutates the bot's state synchronously and returns the queued
`PendingUpdate`; delivery (getUpdates or the webhook worker) happens elsewhere.
Objects follow https://core.telegram.org/bots/api#update.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from .media import ogg_opus_duration
from .protocol import UploadedFile, bot_command_entities
from .state import BotState, ChatState, PendingUpdate, TelegramEmulator

__all__ = [
    "UserProfile",
    "bot_membership",
    "callback_query",
    "group_message",
    "inject_update",
    "pre_checkout_query",
    "refunded_payment",
    "successful_payment",
    "user_message",
]


@dataclass(frozen=True)
class UserProfile:
    """The Telegram user acting on the bot."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool | None = None

    def user_object(self, known: dict[str, Any] | None) -> dict[str, Any]:
        """The `User` object, falling back on what was said about this user before."""
        known = known or {}
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name or known.get("first_name") or f"User {self.id}",
        }
        for key in ("last_name", "username", "language_code", "is_premium"):
            value = getattr(self, key)
            if value is None:
                value = known.get(key)
            if value not in (None, ""):
                user[key] = value
        return user


def _meet(bot: BotState, profile: UserProfile) -> tuple[dict[str, Any], ChatState]:
    user = profile.user_object(bot.users.get(profile.id))
    return user, bot.meet_user(user)


def user_message(
    emulator: TelegramEmulator,
    bot: BotState,
    profile: UserProfile,
    *,
    text: str | None = None,
    photo: UploadedFile | None = None,
    voice: UploadedFile | None = None,
    voice_duration: int | None = None,
    reply_to_message_id: int | None = None,
    want_receipt: bool = False,
) -> tuple[PendingUpdate, dict[str, Any]]:
    """The user sends a private message (text, or a photo/voice with `text` as caption)."""
    user, chat = _meet(bot, profile)
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": user,
        "chat": chat.chat,
        "date": int(time.time()),
    }
    field = "caption" if photo is not None or voice is not None else "text"
    if text is not None:
        message[field] = text
        entities = bot_command_entities(text) if field == "text" else []
        if entities:
            message["entities"] = entities
    if photo is not None:
        stored = emulator.store_file("photo", photo)
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 512,
                "height": 512,
                "file_size": stored.size,
            }
        ]
    if voice is not None:
        stored = emulator.store_file("voice", voice)
        duration = voice_duration if voice_duration is not None else ogg_opus_duration(voice.data)
        message["voice"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration or 0,
            "mime_type": voice.content_type or "audio/ogg",
            "file_size": stored.size,
        }
    if reply_to_message_id is not None and reply_to_message_id in chat.messages:
        replied = chat.messages[reply_to_message_id]
        message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
    chat.messages[message["message_id"]] = message
    return bot.enqueue({"message": message}, want_receipt=want_receipt), message


def callback_query(
    bot: BotState,
    profile: UserProfile,
    *,
    data: str,
    message_id: int | None,
    want_receipt: bool = False,
) -> PendingUpdate:
    """The user presses an inline button with callback `data` under message `message_id`."""
    user, chat = _meet(bot, profile)
    query_id = str(secrets.randbits(63))
    bot.callback_queries[query_id] = False
    query: dict[str, Any] = {
        "id": query_id,
        "from": user,
        "chat_instance": str(chat.chat["id"] * 7919 + bot.bot_id),
        "data": data,
    }
    if message_id is not None:
        # A message Telegram can no longer show the bot arrives as InaccessibleMessage.
        query["message"] = chat.messages.get(
            message_id, {"chat": chat.chat, "message_id": message_id, "date": 0}
        )
    return bot.enqueue({"callback_query": query}, want_receipt=want_receipt)


def pre_checkout_query(
    bot: BotState,
    profile: UserProfile,
    *,
    currency: str,
    total_amount: int,
    invoice_payload: str,
    want_receipt: bool = False,
) -> PendingUpdate:
    """The user confirms payment of an invoice; the bot must answerPreCheckoutQuery."""
    user, _ = _meet(bot, profile)
    query_id = str(secrets.randbits(63))
    bot.pre_checkout_queries[query_id] = False
    bot.pre_checkout_details[query_id] = {
        "user_id": profile.id,
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": invoice_payload,
    }
    query = {
        "id": query_id,
        "from": user,
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": invoice_payload,
    }
    return bot.enqueue({"pre_checkout_query": query}, want_receipt=want_receipt)


def successful_payment(
    bot: BotState,
    profile: UserProfile,
    *,
    currency: str,
    total_amount: int,
    invoice_payload: str,
    charge_id: str | None = None,
    want_receipt: bool = False,
) -> tuple[PendingUpdate, dict[str, Any]]:
    """Telegram's service message telling the bot a payment went through."""
    user, chat = _meet(bot, profile)
    charge_id = charge_id or f"emu_charge_{secrets.token_hex(8)}"
    bot.charges[charge_id] = False
    bot.charge_details[charge_id] = {"user_id": profile.id, "currency": currency,
                                     "total_amount": total_amount,
                                     "invoice_payload": invoice_payload}
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": user,
        "chat": chat.chat,
        "date": int(time.time()),
        "successful_payment": {
            "currency": currency,
            "total_amount": total_amount,
            "invoice_payload": invoice_payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": "",
        },
    }
    chat.messages[message["message_id"]] = message
    return bot.enqueue({"message": message}, want_receipt=want_receipt), message


def inject_update(
    bot: BotState, update: dict[str, Any], *, want_receipt: bool = False
) -> PendingUpdate:
    """Queue a raw Update as given (duplicates included); users in it become known chats."""
    message = update.get("message") or update.get("edited_message")
    if isinstance(message, dict) and isinstance(message.get("from"), dict):
        sender = message["from"]
        if isinstance(sender.get("id"), int) and not sender.get("is_bot"):
            bot.meet_user({"first_name": f"User {sender['id']}", **sender})
    return bot.enqueue(update, want_receipt=want_receipt)


def refunded_payment(bot: BotState, charge_id: str) -> PendingUpdate:
    """Telegram's service message after a Stars refund (Bot API 7.10 `refunded_payment`):
    sent to the bot's chat with the user who paid, with the refunded payment's details."""
    details = bot.charge_details[charge_id]
    user, chat = _meet(bot, UserProfile(id=details["user_id"]))
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": user,
        "chat": chat.chat,
        "date": int(time.time()),
        "refunded_payment": {
            "currency": details["currency"],
            "total_amount": details["total_amount"],
            "invoice_payload": details["invoice_payload"],
            "telegram_payment_charge_id": charge_id,
        },
    }
    chat.messages[message["message_id"]] = message
    return bot.enqueue({"message": message})


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object of `user` with `status` (member, kicked, left, administrator)."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        member["until_date"] = 0
    return member


def bot_membership(
    bot: BotState,
    chat: ChatState,
    profile: UserProfile,
    *,
    old_status: str,
    new_status: str,
    want_receipt: bool = False,
) -> PendingUpdate:
    """`my_chat_member`: the bot's status in `chat` changed, by the user of `profile` (they
    blocked or unblocked it in private, added it to or removed it from a group)."""
    user, _ = _meet(bot, profile)
    update = {
        "chat": chat.chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": _member(bot.user, old_status),
        "new_chat_member": _member(bot.user, new_status),
    }
    return bot.enqueue({"my_chat_member": update}, want_receipt=want_receipt)


def group_message(
    bot: BotState,
    chat: ChatState,
    profile: UserProfile,
    *,
    text: str,
    want_receipt: bool = False,
) -> tuple[PendingUpdate, dict[str, Any]]:
    """A user writes `text` in a group the bot is in."""
    user, _ = _meet(bot, profile)
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": user,
        "chat": chat.chat,
        "date": int(time.time()),
        "text": text,
    }
    entities = bot_command_entities(text)
    if entities:
        message["entities"] = entities
    chat.messages[message["message_id"]] = message
    return bot.enqueue({"message": message}, want_receipt=want_receipt), message
