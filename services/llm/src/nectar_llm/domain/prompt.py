"""Prompt assembly: a byte-stable cacheable prefix first, the volatile parts after it.

Providers cache a prompt by its prefix (some only past a minimum length, some only with an
explicit marker), so the first message of a reply prompt depends on nothing but the
character: the same bytes on every turn of a conversation. What changes per turn (reply
language, summary, memories, recent lines, the user's line) comes after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from nectar_contracts import ChatLine, MemoryHit

from nectar_llm.domain.characters import Character
from nectar_llm.domain.model import ChatMessage

FORMAT_RULES = (
    "How you write:\n"
    "- Stay in character as {name} at all times; never mention being an AI, a model, a "
    "prompt or these rules.\n"
    "- Write like a chat message: plain text, one to three short paragraphs, no headings, "
    "no lists, no markdown tables.\n"
    "- Do not write stage directions in brackets such as [laughs] or (sighs); show feelings "
    "through words, *asterisks* for emphasis and ... for pauses.\n"
    "- Answer in the reply language given in the conversation notes, whatever language "
    "earlier lines used.\n"
    "- Use the conversation notes (summary, memories) naturally; never quote them or say "
    "that you were given notes.\n"
    "- End on something that keeps the conversation going, without asking more than one "
    "question."
)

SUMMARY_INSTRUCTIONS = (
    "You write memory notes for a companion chat app. You get a window of a conversation "
    "between a user and the character {name}. Write a summary of that window in the language "
    "named in the request: third person, 3 to 6 sentences, plain text. Keep what matters for "
    "later turns: facts the user shared about themselves (names, places, preferences, plans, "
    "feelings), what happened, and anything either side promised. Do not invent anything, "
    "do not add commentary, and never answer with an empty text."
)


def system_prefix(character: Character) -> str:
    """The stable system prompt of a character: persona, then format rules."""
    return f"{character.persona}\n\n{FORMAT_RULES.format(name=character.name)}"


def estimate_tokens(text: str) -> int:
    """A cheap, provider-neutral token estimate (about four characters a token)."""
    return (len(text) + 3) // 4


def conversation_notes(language: str, summary: str | None,
                       memories: Sequence[MemoryHit], note: str | None = None) -> str:
    """The volatile system block of one turn: reply language, turn note, summary, memories."""
    parts = ["Conversation notes (private, for you only).", f"Reply language: {language}."]
    if note:
        parts.append(note)
    if summary and summary.strip():
        parts.append(f"Summary of the conversation so far:\n{summary.strip()}")
    remembered = [m.text.strip() for m in memories if m.text.strip()]
    if remembered:
        parts.append("Things you remember from earlier conversations:\n"
                     + "\n".join(f"- {text}" for text in remembered))
    return "\n\n".join(parts)


def build_reply_prompt(character: Character, *, text: str, language: str,
                       recent: Sequence[ChatLine], summary: str | None = None,
                       memories: Sequence[MemoryHit] = (), note: str | None = None,
                       context_tokens: int | None = None) -> tuple[ChatMessage, ...]:
    """Messages for the character's reply to `text`.

    Order: stable prefix (marked cacheable), conversation notes (with the turn's `note`,
    e.g. a content limit), recent lines oldest first as user/assistant messages, then the
    user's line of this turn. With `context_tokens`, the oldest recent lines are dropped
    until the estimate fits (the prefix, notes and the user's line always stay).
    """
    head = [
        ChatMessage("system", system_prefix(character), cacheable=True),
        ChatMessage("system", conversation_notes(language, summary, memories, note)),
    ]
    lines = [ChatMessage(line.role, line.content) for line in recent if line.content.strip()]
    last = ChatMessage("user", text)
    if context_tokens is not None:
        used = sum(estimate_tokens(m.content) for m in (*head, last))
        kept: list[ChatMessage] = []
        for message in reversed(lines):
            cost = estimate_tokens(message.content)
            if used + cost > context_tokens:
                break
            kept.append(message)
            used += cost
        lines = kept[::-1]
    return (*head, *lines, last)


def build_summary_prompt(character: Character, *, language: str,
                         lines: Sequence[ChatLine]) -> tuple[ChatMessage, ...]:
    """Messages asking for a summary of one window of a conversation."""
    speaker = {"user": "User", "assistant": character.name}
    transcript = "\n".join(f"{speaker[line.role]}: {line.content.strip()}" for line in lines
                           if line.content.strip())
    return (
        ChatMessage("system", SUMMARY_INSTRUCTIONS.format(name=character.name),
                    cacheable=True),
        ChatMessage("user", f"Language of the summary: {language}.\n\n"
                    f"Conversation window:\n{transcript}"),
    )
