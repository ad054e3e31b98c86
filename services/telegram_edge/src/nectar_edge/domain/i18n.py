"""User-facing strings of the edge. English is the fallback for any missing language/key.

Only en and ru for now; the 17 languages come with a later issue.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hi, I'm {character}! I'm so glad you're here. Tell me anything — "
                    "how's your day going?",
        "help": "Here's what I understand:\n"
                "/start — say hi\n"
                "/image <what to draw> — ask me for a picture\n"
                "/character <name> — talk to another character\n"
                "/voice on|off — voice replies on or off\n"
                "/help — this list\n"
                "Anything else you write, I'll simply answer.",
        "reply_failed": "Sorry, I couldn't answer just now — please try again in a moment.",
        "image_usage": "Tell me what to draw, like: /image a sunset over the sea",
        "image_unavailable": "Pictures aren't available yet.",
        "image_failed": "Sorry, I couldn't make that picture just now — please try again "
                        "later.",
        "voice_usage": "Use /voice on or /voice off.",
        "voice_on": "Voice replies are on.",
        "voice_off": "Voice replies are off.",
        "voice_unavailable": "Voice messages aren't available yet.",
        "voice_failed": "Sorry, I couldn't record a voice message just now.",
        "text_only": "I can only read text messages for now.",
        "character_usage": "You're talking to {current}. Choose someone with /character "
                           "<name>: {characters}.",
        "character_chosen": "You're now talking to {character}.",
    },
    "ru": {
        "greeting": "Привет, я {character}! Как здорово, что ты здесь. Расскажи что-нибудь — "
                    "как проходит твой день?",
        "help": "Вот что я понимаю:\n"
                "/start — поздороваться\n"
                "/image <что нарисовать> — попросить картинку\n"
                "/character <имя> — поговорить с другим персонажем\n"
                "/voice on|off — включить или выключить голосовые ответы\n"
                "/help — этот список\n"
                "На всё остальное я просто отвечу.",
        "reply_failed": "Прости, сейчас не получилось ответить — попробуй ещё раз чуть позже.",
        "image_usage": "Напиши, что нарисовать, например: /image закат над морем",
        "image_unavailable": "Картинки пока недоступны.",
        "image_failed": "Прости, не получилось сделать картинку — попробуй позже.",
        "voice_usage": "Напиши /voice on или /voice off.",
        "voice_on": "Голосовые ответы включены.",
        "voice_off": "Голосовые ответы выключены.",
        "voice_unavailable": "Голосовые сообщения пока недоступны.",
        "voice_failed": "Прости, не получилось записать голосовое сообщение.",
        "text_only": "Пока я умею читать только текстовые сообщения.",
        "character_usage": "Сейчас ты говоришь с {current}. Выбрать другого: /character "
                           "<имя>: {characters}.",
        "character_chosen": "Теперь ты говоришь с {character}.",
    },
}

FALLBACK = "en"


def translate(key: str, language: str, **params: str) -> str:
    """The string `key` in `language` (English when missing), formatted with `params`."""
    table = STRINGS.get(language.split("-", 1)[0].lower(), {})
    template = table.get(key) or STRINGS[FALLBACK][key]
    return template.format(**params) if params else template


def display_name(character: str) -> str:
    """How a character id is shown to users until characters have their own names."""
    return character.replace("_", " ").replace("-", " ").title()
