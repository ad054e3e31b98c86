"""Splitting a long reply into engine requests within the provider's limits.

Inworld takes at most 2,000 characters and 20 `<break>` tags per request; longer replies are
cut at sentence ends (Latin, CJK `。！？`, Devanagari `।`, Arabic `؟`, newlines), a sentence
that alone is too long at its breaks, then at clause punctuation, then between words, and
only as a last resort between characters. Each piece is measured as it will be sent
(rendered, `<speak>` wrapper included). The audio of the pieces is joined in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nectar_voice.domain.expressive import BREAK_TOKEN
from nectar_voice.domain.model import Limits

Render = Callable[[str], str]

_CLOSERS = re.escape("\"'»”’)）」』】]")
#: where a sentence ends: end punctuation (then closing quotes) and whitespace; CJK end
#: punctuation needs no whitespace after it; a newline always ends one
_SENTENCE_END = re.compile(
    rf"(?:[.!?…।؟]+[{_CLOSERS}]*(?:{BREAK_TOKEN.pattern})?\s+)"
    rf"|(?:[。！？!?]+[{_CLOSERS}]*(?:{BREAK_TOKEN.pattern})?\s*)"
    r"|\n+")
_AFTER_BREAK = re.compile(rf"(?:{BREAK_TOKEN.pattern})\s*")
_CLAUSE_END = re.compile(r"[,;:，；：、،—–]+\s*")
_SPACE = re.compile(r"\s+")


def _cut(text: str, boundary: re.Pattern[str]) -> list[str]:
    """`text` cut right after each match of `boundary` (pieces keep their separators)."""
    pieces: list[str] = []
    start = 0
    for match in boundary.finditer(text):
        if match.end() > start and match.end() < len(text):
            pieces.append(text[start:match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _atoms(text: str) -> list[str]:
    """Characters, with each break token kept whole."""
    atoms: list[str] = []
    last = 0
    for match in BREAK_TOKEN.finditer(text):
        atoms.extend(text[last:match.start()])
        atoms.append(match.group(0))
        last = match.end()
    atoms.extend(text[last:])
    return atoms


class _Splitter:
    def __init__(self, limits: Limits, render: Render) -> None:
        self.limits = limits
        self.render = render
        self.levels = (_SENTENCE_END, _AFTER_BREAK, _CLAUSE_END, _SPACE)

    def fits(self, tokens: str) -> bool:
        return (len(self.render(tokens.strip())) <= self.limits.max_chars
                and len(BREAK_TOKEN.findall(tokens)) <= self.limits.max_breaks)

    def split(self, tokens: str, level: int = 0) -> list[str]:
        if self.fits(tokens):
            return [tokens]
        if level >= len(self.levels):
            return self._hard_cut(tokens)
        parts = _cut(tokens, self.levels[level])
        if len(parts) == 1:
            return self.split(tokens, level + 1)
        return self._pack([piece for part in parts for piece in self.split(part, level + 1)])

    def _pack(self, pieces: list[str]) -> list[str]:
        chunks: list[str] = []
        current = ""
        for piece in pieces:
            candidate = current + piece
            if current and not self.fits(candidate):
                chunks.append(current)
                current = piece
            else:
                current = candidate
        if current:
            chunks.append(current)
        return chunks

    def _hard_cut(self, tokens: str) -> list[str]:
        chunks: list[str] = []
        current = ""
        for atom in _atoms(tokens):
            if current and not self.fits(current + atom):
                chunks.append(current)
                current = ""
            current += atom
        if current:
            chunks.append(current)
        return chunks


def split_tokens(tokens: str, limits: Limits, render: Render) -> list[str]:
    """Enriched text (with break tokens) in pieces that each render within `limits`, in
    order; joined back they hold every word of `tokens`."""
    if not tokens.strip():
        return []
    pieces = _Splitter(limits, render).split(tokens)
    return [p.strip() for p in pieces if p.strip()]


def truncate_tokens(tokens: str, max_chars: int) -> tuple[str, bool]:
    """At most `max_chars` characters (a break counts as one), cut at the last sentence end
    before the limit (or word boundary when there is none); True when something was cut."""
    if len(BREAK_TOKEN.sub(".", tokens)) <= max_chars:
        return tokens, False
    head = tokens[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= max_chars // 2:
        return head[:ends[-1]].strip(), True
    spaces = [m.start() for m in _SPACE.finditer(head)]
    if spaces and spaces[-1] >= max_chars // 2:
        return head[:spaces[-1]].strip(), True
    atoms = _atoms(head)
    # never end inside a break token: `head` may have cut one
    return "".join(a for a in atoms if len(a) == 1 or BREAK_TOKEN.fullmatch(a)).strip(), True
