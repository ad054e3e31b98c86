"""Splitting long replies into Telegram-sized messages.

Telegram counts a message's length in UTF-16 code units (an emoji outside the BMP counts 2)
and rejects text over 4096 of them, so lengths here are measured the same way.
"""

from __future__ import annotations

import re

TELEGRAM_TEXT_LIMIT = 4096

# A sentence ends with terminal punctuation, optionally closing quotes/brackets, then space.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")
_SPACE = re.compile(r"\s+")


def utf16_len(text: str) -> int:
    """Length of `text` as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """How many code points of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _best_cut(window: str) -> int:
    """Where to end a part inside `window`: after the last paragraph, else sentence, else
    line, else word boundary, as long as that keeps at least half the window; else a hard cut.
    """
    floor = len(window) // 2
    for pattern in (_PARAGRAPH, _SENTENCE_END, _LINE, _SPACE):
        ends = [m.end() for m in pattern.finditer(window) if m.end() > floor]
        if ends:
            return ends[-1]
    return len(window)


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split `text` into parts of at most `limit` UTF-16 units, on paragraph or sentence
    boundaries where possible; parts are stripped and never empty. Empty text gives []."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if utf16_len(rest) <= limit:
            parts.append(rest)
            break
        window = rest[:_fitting_prefix(rest, limit)]
        cut = _best_cut(window)
        part = rest[:cut].strip()
        if part:
            parts.append(part)
        rest = rest[cut:].strip()
    return parts


_MARKDOWN_V2_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")


def escape_html(text: str) -> str:
    """`text` safe inside a Telegram HTML-parse-mode message (only &, < and > are special)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_markdown_v2(text: str) -> str:
    """`text` safe inside a Telegram MarkdownV2 message: every special character escaped
    with a backslash (https://core.telegram.org/bots/api#markdownv2-style)."""
    return _MARKDOWN_V2_SPECIAL.sub(r"\\\1", text)
