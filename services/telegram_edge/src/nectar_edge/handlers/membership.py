"""The bot's own membership in a chat (`my_chat_member`): blocked or unblocked by a user,
added to a group. The policy is in `nectar_edge.domain.chats`: private chats only."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from nectar_contracts import Event
from nectar_runtime import Poison

from nectar_edge.deps import Deps
from nectar_edge.domain.chats import GROUP_CHATS, PRESENT, added_to_group
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.messages import IncomingMessage
from nectar_edge.handlers.common import answer

log = logging.getLogger("nectar.telegram_edge.handlers")


@dataclass(frozen=True)
class MembershipChange:
    """A `my_chat_member` update: the bot's status in `chat_id` changed, by `user_id`."""

    bot_id: int
    update_id: int
    chat_id: int
    chat_type: str
    user_id: int
    language_code: str | None
    old_status: str
    new_status: str
    sent_at: datetime


async def note_membership(change: MembershipChange, deps: Deps) -> list[Event]:
    """On `my_chat_member`:

    - a private chat: the user blocked the bot (`kicked`): marked inactive, so nothing is
      sent until they write again; unblocked: marked active. Nothing is sent.
    - the bot added to a group or supergroup: one polite note there, in the language of the
      user who added it (the bot talks in private chats only). A failure to post it is
      logged and changes no user's state.
    - anything else (removed from a group, a channel): nothing.
    Emits nothing."""
    if change.chat_type == "private":
        if change.new_status == "kicked":
            await deps.users.mark_inactive(change.user_id, "the user blocked the bot")
        elif change.new_status in PRESENT:
            await deps.users.mark_active(change.user_id)
        return []
    if not added_to_group(change.chat_type, change.old_status, change.new_status):
        return []
    language = await deps.users.language(change.user_id) or normalize_language(
        change.language_code, deps.policy.default_language)
    note = IncomingMessage(
        bot_id=change.bot_id, update_id=change.update_id, message_id=0,
        user_id=change.user_id, chat_id=change.chat_id, text=None,
        language_code=change.language_code, sent_at=change.sent_at)
    try:
        await answer(note, translate("group_note", language,
                                     bot=deps.messenger.username or "me"), deps,
                     purpose="group_note")
    except Poison as exc:  # Telegram refused the text: the note is a courtesy
        log.warning("could not post the group note", extra={
            "chat_id": change.chat_id, "error": f"{type(exc).__name__}: {exc}"})
    return []


__all__ = ["GROUP_CHATS", "MembershipChange", "note_membership"]
