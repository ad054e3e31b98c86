"""Commands: /start, /help, /character (and its buttons), /reset, /language (and its
buttons) and /voice (/image is in `handlers.images`)."""

from __future__ import annotations

import uuid

from nectar_contracts import ConversationReset, Event, keyed_uuid7

from nectar_edge.deps import PRODUCER, Deps
from nectar_edge.domain.i18n import LANGUAGES, display_name, language_name, translate
from nectar_edge.domain.messages import Button, IncomingMessage, Keyboard
from nectar_edge.handlers.common import answer, language_of, resolve_conversation


def character_keyboard(characters: tuple[str, ...], current: str) -> Keyboard:
    """One button per character (`char:<id>`), the current one marked, three per row."""
    buttons = [Button(("✓ " if c == current else "") + display_name(c), f"char:{c}")
               for c in characters]
    return tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))


def language_keyboard(current: str) -> Keyboard:
    """The 17 languages as buttons (`lang:<code>`), in their own names, three per row."""
    buttons = [Button(("✓ " if code == current else "") + language_name(code),
                      f"lang:{code}") for code in LANGUAGES]
    return tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))


async def greet_user(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/start`: greet the user by the character's name and offer the characters as
    buttons. Emits nothing; marks the user active."""
    conv = await resolve_conversation(message, deps)
    await deps.users.mark_active(message.user_id)
    language = language_of(message, deps)
    await answer(message, translate("greeting", language,
                                    character=display_name(conv.character)), deps,
                 character_keyboard(deps.policy.characters, conv.character), purpose="greeting")
    return []


async def show_help(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/help`: list the commands. Emits nothing."""
    await answer(message, translate("help", language_of(message, deps)), deps, purpose="help")
    return []


async def explain_unknown_command(message: IncomingMessage, command: str,
                                  deps: Deps) -> list[Event]:
    """On a command the bot does not know (`/story tell me...`): a short hint towards
    /help in the user's language. Never a model turn. Emits nothing."""
    await answer(message, translate("unknown_command", language_of(message, deps),
                                    command=f"/{command}"), deps, purpose="unknown_command")
    return []


async def set_voice_mode(message: IncomingMessage, argument: str | None,
                         deps: Deps) -> list[Event]:
    """On `/voice on|off`: store the user's reply mode in Redis and confirm; anything else
    gets a usage hint. Emits nothing."""
    language = language_of(message, deps)
    choice = (argument or "").strip().lower()
    if choice not in ("on", "off"):
        await answer(message, translate("voice_usage", language), deps, purpose="voice_usage")
        return []
    await deps.users.set_voice(message.user_id, choice == "on")
    await answer(message, translate(f"voice_{choice}", language), deps, purpose=f"voice_{choice}")
    return []


async def choose_character(message: IncomingMessage, argument: str | None,
                           deps: Deps) -> list[Event]:
    """On `/character [name]` (or a `char:<id>` button): with a known name, make it the
    user's character (its own conversation and session) and confirm; otherwise list the
    characters, as text and as buttons. Emits nothing."""
    language = language_of(message, deps)
    choice = (argument or "").strip().lower()
    names = ", ".join(deps.policy.characters)
    if choice not in deps.policy.characters:
        current = await deps.users.character(message.user_id) or deps.policy.default_character
        await answer(message, translate("character_usage", language, characters=names,
                                        current=display_name(current)), deps,
                     character_keyboard(deps.policy.characters, current), purpose="character_usage")
        return []
    await deps.users.set_character(message.user_id, choice)
    await answer(message, translate("character_chosen", language,
                                    character=display_name(choice)), deps,
                 purpose="character_chosen")
    return []


async def reset_conversation(message: IncomingMessage, deps: Deps) -> list[Event]:
    """On `/reset`: start a new session with the current character and confirm. Emits
    `chat.conversation_reset` (the session that ends and the one that starts; its id is
    derived from the update, so a retried update publishes the same event)."""
    conv = await resolve_conversation(message, deps)
    new_session = str(int(conv.session) + 1) if conv.session.isdigit() \
        else uuid.uuid4().hex[:12]
    await deps.users.set_session(message.user_id, conv.character, new_session)
    await answer(message, translate("reset_done", language_of(message, deps),
                                    character=display_name(conv.character)), deps,
                 purpose="reset_done")
    event_id = keyed_uuid7(f"telegram-reset|{message.bot_id}|{message.update_id}",
                           message.sent_at)
    return [ConversationReset(
        event_id=event_id, correlation_id=event_id, producer=PRODUCER,
        user_id=message.user_id, chat_id=message.chat_id, character=conv.character,
        session=conv.session, new_session=new_session)]


async def choose_language(message: IncomingMessage, argument: str | None,
                          deps: Deps) -> list[Event]:
    """On `/language [code]` (or a `lang:<code>` button): with a supported code, store it as
    the user's language (it overrides Telegram's) and confirm in it; otherwise offer the
    languages as buttons. Emits nothing."""
    choice = (argument or "").strip().lower()
    if choice not in LANGUAGES:
        language = language_of(message, deps)
        await answer(message, translate("language_usage", language), deps,
                     language_keyboard(language), purpose="language_usage")
        return []
    await deps.users.set_language(message.user_id, choice)
    await answer(message, translate("language_chosen", choice), deps, purpose="language_chosen")
    return []
