"""Where the bot talks: private chats only.

- private chat: the middleware chain and the routers;
- the bot's own membership (`my_chat_member`): handled outside the chain: added to a group
  or supergroup -> one polite note there (write to me in private); blocked or unblocked in a
  private chat -> the user is marked inactive or active; nothing else;
- any other update from a group, supergroup or channel (texts, commands, service messages
  such as pins, forum topics or migrations): ignored, nothing is sent.

In a private chat, service messages (pins, auto-delete timers, write access, ...) are
ignored too; only content a user sends (photos, stickers, voice, ...) gets the "text only"
explanation.
"""

from __future__ import annotations

from typing import Literal

Scope = Literal["private", "membership", "ignore"]

#: chat types a group note may go to (never a channel: it would be a public post)
GROUP_CHATS = frozenset({"group", "supergroup"})
#: member statuses that mean "the bot is in the chat"
PRESENT = frozenset({"member", "administrator", "creator", "restricted"})
#: what a user sends as content (the rest of a message's kinds are service messages)
USER_CONTENT = frozenset({"photo", "sticker", "voice", "video", "video_note", "audio",
                          "document", "animation", "location", "venue", "contact", "poll",
                          "dice", "game", "story", "paid_media"})


def scope_of(chat_type: str | None, membership: bool) -> Scope:
    """How an update is handled, from its chat's type (None: an update without a chat,
    such as a pre-checkout query, which only ever comes from a user) and whether it is
    about the bot's own membership."""
    if membership:
        return "membership"
    if chat_type is None or chat_type == "private":
        return "private"
    return "ignore"


def added_to_group(chat_type: str, old_status: str, new_status: str) -> bool:
    """The bot was just added to a group or supergroup (a note is due)."""
    return chat_type in GROUP_CHATS and old_status not in PRESENT and new_status in PRESENT


def is_user_content(content_type: str) -> bool:
    return content_type in USER_CONTENT
