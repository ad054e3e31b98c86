"""Which language to answer in."""

from __future__ import annotations


def normalize_language(code: str | None, default: str) -> str:
    """Telegram's `language_code` (IETF tag such as `en`, `pt-br`, `zh-hans`) reduced to its
    2-letter primary subtag in lower case; `default` when missing or not a 2-letter code."""
    if not code:
        return default
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    if len(primary) == 2 and primary.isascii() and primary.isalpha():
        return primary
    return default
