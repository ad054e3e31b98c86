"""Pure rules of context assembly and summary windows."""

from __future__ import annotations

from collections.abc import Sequence

from nectar_contracts import ChatLine, MemoryHit


def summary_window(turns: int, every: int) -> int | None:
    """The window that `turns` assistant lines complete, if any.

    Windows are fixed-size (every `every` assistant lines), 0-based: the 10th line of N=10
    completes window 0, the 20th window 1, and so on.
    """
    if turns <= 0 or every <= 0 or turns % every:
        return None
    return turns // every - 1


def without_line(lines: Sequence[ChatLine], line: ChatLine) -> list[ChatLine]:
    """`lines` without the last occurrence of `line` (the line this turn just appended)."""
    out = list(lines)
    for i in range(len(out) - 1, -1, -1):
        if out[i] == line:
            del out[i]
            break
    return out


def select_memories(hits: Sequence[MemoryHit], summary: str | None) -> list[MemoryHit]:
    """Best-first memories, without the one that is already the latest summary (the prompt
    would carry it twice)."""
    kept = [hit for hit in hits if summary is None or hit.text.strip() != summary.strip()]
    return sorted(kept, key=lambda hit: hit.score, reverse=True)
