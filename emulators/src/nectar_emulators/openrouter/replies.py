"""What the emulated model says for a behaviour: content, finish reason, token counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .behaviours import Behaviour
from .protocol import estimate_tokens

__all__ = ["REFUSAL", "Reply", "default_reply", "earlier_messages", "reply_for",
           "split_for_stream"]

REFUSAL = "I'm sorry, but I can't continue with this."
#: (story passage of at least 150 characters, refusal sentence) per language
STORY_REFUSALS = {
    "en": ("*The candle gutters as the wind finds the old shutters.* You came all this way in "
           "the rain, so sit by the fire and let me tell you what the lighthouse keeper saw "
           "that night. It began with a single green light on the water.",
           "I'm sorry, but I can't continue with this."),
    "ru": ("*Свеча дрожит, когда ветер находит старые ставни.* Ты шёл сюда под дождём, так "
           "садись у огня, и я расскажу тебе, что увидел смотритель маяка той ночью. Всё "
           "началось с одного зелёного огонька на воде.",
           "Извините, но я не могу продолжить этот разговор."),
    "es": ("*La vela parpadea cuando el viento encuentra las viejas contraventanas.* Viniste "
           "hasta aquí bajo la lluvia, así que siéntate junto al fuego y deja que te cuente lo "
           "que vio el farero aquella noche. Todo empezó con una luz verde sobre el agua.",
           "Lo siento, pero no puedo continuar con esta conversación."),
    "de": ("*Die Kerze flackert, als der Wind die alten Fensterläden findet.* Du bist den "
           "ganzen Weg durch den Regen gekommen, also setz dich ans Feuer und lass mich dir "
           "erzählen, was der Leuchtturmwärter in jener Nacht sah.",
           "Es tut mir leid, aber ich kann dieses Gespräch nicht fortsetzen."),
    "fr": ("*La bougie vacille quand le vent trouve les vieux volets.* Tu es venu jusqu'ici "
           "sous la pluie, alors assieds-toi près du feu et laisse-moi te raconter ce que le "
           "gardien du phare a vu cette nuit-là.",
           "Désolée, mais je ne peux pas continuer cette conversation."),
    "ja": ("*古い雨戸に風が当たり、ろうそくの炎が揺れる。*雨の中をここまで来てくれたんだから、"
           "火のそばに座って。あの夜、灯台守が何を見たのか話してあげる。"
           "始まりは、水面に浮かんだたったひとつの緑の光だった。それはゆっくりと岸に近づいてきて、"
           "灯台の明かりが届くところでふっと消えたの。灯台守はしばらく動けなかったそうよ。",
           "申し訳ありませんが、この会話を続けることはできません。"),
    "zh": ("*风吹动旧百叶窗，烛光摇曳。*你冒着雨走了这么远，快坐到火边来，"
           "让我告诉你那天晚上灯塔看守人看到了什么。一切都从水面上的一盏绿灯开始。"
           "那盏灯慢慢地向岸边漂来，在灯塔的光照到它的地方突然熄灭了。"
           "看守人在原地站了很久，一句话也说不出来，直到天快亮的时候才回过神来。"
           "后来镇上的人都说，那是很多年前沉没的那条船回来了。",
           "抱歉，我无法继续这个对话。"),
}
#: what a system message must contain for `refuse_unless_prefixed` to answer
STAY_IN_CHARACTER = "stay in character"
_WORDS = re.compile(r"\s*\S+\s*")


@dataclass(frozen=True)
class Reply:
    content: str
    finish_reason: str
    native_finish_reason: str
    completion_tokens: int
    reasoning_tokens: int = 0


def default_reply(model: str, user_text: str, earlier: int = 0) -> str:
    """The "ok" reply: deterministic, non-empty, and plainly the emulator talking. It says
    how many earlier conversation messages came with the request, so a person chatting
    with the local stack can see memory at work."""
    reply = f'[emulator:{model}] I hear you: "{user_text[:200]}"'
    if earlier:
        reply += f" (I have {earlier} earlier message{'s' if earlier != 1 else ''} in context.)"
    return reply


def earlier_messages(body: dict[str, Any]) -> int:
    """User/assistant messages of the request before its last user message."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)
                and m.get("role") in {"user", "assistant"}]
    return max(len(messages) - 1, 0)


def reply_for(behaviour: Behaviour, model: str, user_text: str, body: dict[str, Any]) -> Reply:
    """The completion for a content behaviour (ok, text, empty_stop, content_filter, ...).

    HTTP errors, delays and connection cuts are the transport's business; for those the
    reply is what would have been said had the call gone through.
    """
    if behaviour.kind == "text":
        content = behaviour.text or ""
        return Reply(content, "stop", "stop", estimate_tokens(content))
    if behaviour.kind == "empty_stop":
        return Reply("", "stop", "stop", 0)
    if behaviour.kind == "content_filter":
        return Reply("", "content_filter", "content_filter", 0)
    if behaviour.kind == "length_empty":
        # Reasoning models can spend the whole budget thinking and say nothing.
        spent = int(body.get("max_tokens") or body.get("max_completion_tokens") or 256)
        return Reply("", "length", "length", spent, reasoning_tokens=spent)
    if behaviour.kind == "refusal_tail":
        content = (
            f"*The candle gutters as {model.split('/')[-1]} leans closer, voice low.* "
            "You want to know what happens next? Then stay with me a little longer..."
            f"\n\n{REFUSAL}"
        )
        return Reply(content, "stop", "stop", estimate_tokens(content))
    if behaviour.kind == "refusal":
        return Reply(REFUSAL, "stop", "stop", estimate_tokens(REFUSAL))
    if behaviour.kind == "story_refusal":
        story, refusal = STORY_REFUSALS[behaviour.text or "en"]
        sep = "" if behaviour.text in ("ja", "zh") else " "
        content = f"{story}{sep}{refusal}"
        return Reply(content, "stop", "stop", estimate_tokens(content))
    if behaviour.kind == "refuse_unless_prefixed" and not _prefixed(body):
        return Reply(REFUSAL, "stop", "stop", estimate_tokens(REFUSAL))
    content = default_reply(model, user_text, earlier_messages(body))
    return Reply(content, "stop", "stop", estimate_tokens(content))


def _prefixed(body: dict[str, Any]) -> bool:
    for message in body.get("messages", []):
        if isinstance(message, dict) and message.get("role") == "system":
            content = message.get("content")
            text = content if isinstance(content, str) else " ".join(
                str(p.get("text", "")) for p in content or [] if isinstance(p, dict))
            if STAY_IN_CHARACTER in text.lower():
                return True
    return False


def split_for_stream(content: str, words_per_chunk: int) -> list[str]:
    """Stream pieces of `content` (whitespace kept, so they join back to it exactly)."""
    words = _WORDS.findall(content)
    if not words:
        return [content] if content else []
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]
