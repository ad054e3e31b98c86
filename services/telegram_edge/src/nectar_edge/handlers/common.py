"""What the handlers of Telegram updates share: the user's conversation and language, the
turn id of an update, and answering the user."""

from __future__ import annotations

import logging
import uuid

from nectar_contracts import keyed_uuid7

from nectar_edge.deps import Deps
from nectar_edge.domain.context import DEFAULT_SESSION, Conversation, known_plan
from nectar_edge.domain.language import normalize_language
from nectar_edge.domain.messages import IncomingMessage, Keyboard, TextPart
from nectar_edge.handlers.plans import refill_plan
from nectar_edge.handlers.sending import answer_key, recipient_gone, send_once

__all__ = ["acknowledge", "answer", "language_of", "recipient_gone", "resolve_conversation",
           "turn_id_for"]

log = logging.getLogger("nectar.telegram_edge.handlers")


async def resolve_conversation(message: IncomingMessage, deps: Deps) -> Conversation:
    """The user's current conversation: what the middleware chain resolved, else the edge's
    Redis state, with defaults."""
    if message.context is not None:
        return Conversation.of(message.context)
    user_id = message.user_id
    character = await deps.users.character(user_id) or deps.policy.default_character
    session = await deps.users.session(user_id, character) or DEFAULT_SESSION
    plan = await deps.users.plan(user_id) or await refill_plan(user_id, deps)
    return Conversation(character=character, session=session, plan=known_plan(plan),
                        voice=await deps.users.voice_enabled(user_id))


def turn_id_for(message: IncomingMessage) -> uuid.UUID:
    """The turn id of a Telegram update: deterministic, so that handling the same update
    twice (a crash after publishing, before the update was recorded) publishes the same
    event id and JetStream's duplicate window drops the second."""
    return keyed_uuid7(f"telegram-update|{message.bot_id}|{message.update_id}",
                       message.sent_at)


def language_of(message: IncomingMessage, deps: Deps) -> str:
    """The user's language: chosen with /language or from Telegram (the chain resolved it),
    else Telegram's `language_code`, else the default."""
    if message.context is not None:
        return message.context.language
    return normalize_language(message.language_code, deps.policy.default_language)


async def acknowledge(callback_id: str, deps: Deps) -> None:
    """Answer a button press so Telegram stops its spinner (best effort)."""
    try:
        await deps.messenger.answer_callback(callback_id)
    except Exception as exc:  # noqa: BLE001  # cosmetic
        log.info("answerCallbackQuery failed", extra={"error": f"{type(exc).__name__}"})


async def answer(message: IncomingMessage, text: str, deps: Deps, keyboard: Keyboard = (),
                 *, purpose: str) -> None:
    """Answer the user's update in its chat, once (a delivery record keyed by the update and
    `purpose`: a redelivered update sends nothing twice); a recipient that is gone is
    handled by `recipient_gone`."""
    await send_once(answer_key(message.bot_id, message.update_id, message.chat_id, purpose),
                    message.user_id, message.chat_id, [TextPart(text, keyboard)], deps)
