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
    content = default_reply(model, user_text, earlier_messages(body))
    return Reply(content, "stop", "stop", estimate_tokens(content))


def split_for_stream(content: str, words_per_chunk: int) -> list[str]:
    """Stream pieces of `content` (whitespace kept, so they join back to it exactly)."""
    words = _WORDS.findall(content)
    if not words:
        return [content] if content else []
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]
