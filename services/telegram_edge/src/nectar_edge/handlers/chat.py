"""Chat: free text becomes a turn; the chat action (typing, record_voice, upload_photo)
shows while its answer is made; anything without text gets a short explanation."""

from __future__ import annotations

import asyncio
import logging

from nectar_contracts import Event, TurnReceived

from nectar_edge.deps import PRODUCER, Deps
from nectar_edge.domain.chats import is_user_content
from nectar_edge.domain.i18n import translate
from nectar_edge.domain.messages import IncomingMessage
from nectar_edge.handlers.common import answer, language_of, resolve_conversation, turn_id_for

log = logging.getLogger("nectar.telegram_edge.handlers")


async def receive_text(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On a user's text message (not a known command): start a turn.

    Emits `chat.turn_received` with the user's character, session, plan and reply mode from
    Redis (defaults: configured character, session "1", plan free, text replies) and the
    language from Telegram's `language_code`. Side effect: the user is marked active again.
    """
    if not message.text:
        return []
    conv = await resolve_conversation(message, deps)
    if message.context is None or message.context.inactive:
        await deps.users.mark_active(message.user_id)
    turn_id = turn_id_for(message)
    return [TurnReceived(
        event_id=turn_id, correlation_id=turn_id, producer=PRODUCER,
        user_id=message.user_id, chat_id=message.chat_id, character=conv.character,
        session=conv.session, text=message.text, language=language_of(message, deps),
        plan=conv.plan, reply_mode="voice" if conv.voice else "text",
        update_id=message.update_id, message_id=message.message_id,
    )]


async def explain_text_only(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On a message without text (sticker, photo, ...): say that only text is read yet."""
    await answer(message, translate("text_only", language_of(message, deps)), deps,
                 purpose="text_only")
    return []


async def answer_non_text(message: IncomingMessage, content_type: str,
                          deps: Deps) -> list[Event]:
    """On any other message in a private chat: content a user sent (photo, sticker,
    voice, ...) gets "text only"; a service message (a pin, an auto-delete timer, write
    access, or a kind newer than this code) gets nothing. Emits nothing."""
    if is_user_content(content_type):
        return await explain_text_only(message, deps)
    log.info("service message ignored", extra={"user_id": message.user_id,
                                               "content_type": content_type})
    return []


def chat_action_for(event: Event) -> str:
    """The chat action shown while the reply to `event` is made: `record_voice` for a
    voice reply, `typing` otherwise."""
    return "record_voice" if getattr(event, "reply_mode", "text") == "voice" else "typing"


def show_typing_soon(chat_id: int, deps: Deps, action: str = "typing",
                     turn_id: str | None = None) -> None:
    """The chat action without waiting for it (the update is handled at once): repeated
    until the turn `turn_id` is answered (see `keep_showing`), or once without a turn or
    when `chat_action_max_turns` indicators already repeat in this process (a burst of
    unanswered turns must not become a burst of Redis polls)."""
    repeat = turn_id is not None and len(deps.background) < deps.policy.chat_action_max_turns
    work = keep_showing(chat_id, turn_id, deps, action) if repeat and turn_id \
        else show_typing(chat_id, deps, action)
    deps.background.spawn(work)


async def keep_showing(chat_id: int, turn_id: str, deps: Deps, action: str) -> None:
    """Show `action` every `chat_action_every_s` while the reply to `turn_id` is made: until
    any replica delivered an answer for it, for at most `chat_action_max_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deps.policy.chat_action_max_s
    while True:
        await show_typing(chat_id, deps, action)
        await asyncio.sleep(deps.policy.chat_action_every_s)
        try:
            if loop.time() >= deadline or await deps.deliveries.answered(turn_id):
                return
        except Exception:  # noqa: BLE001  # cosmetic: stop rather than guess
            return


async def show_typing(chat_id: int, deps: Deps, action: str = "typing") -> None:
    """Best effort chat action while the turn is worked on; a failure is only logged."""
    try:
        await deps.messenger.send_action(chat_id, action)
    except Exception as exc:  # noqa: BLE001  # cosmetic: never fail a turn for it
        log.info("chat action failed", extra={"chat_id": chat_id, "action": action,
                                              "error": f"{type(exc).__name__}: {exc}"})


async def mark_answered(event: Event, deps: Deps) -> None:
    """The turn of `event` got its answer: stop its chat action (best effort)."""
    try:
        await deps.deliveries.mark_answered(str(event.correlation_id),
                                            max(60, int(deps.policy.chat_action_max_s) + 60))
    except Exception:  # noqa: BLE001  # the indicator stops by itself at its deadline
        log.info("could not mark the turn answered", extra={"user_id": event.user_id})
