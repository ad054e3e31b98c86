"""Pronunciation dictionaries: per character, names and invented words -> how to say them.

Each entry has a respelling any engine can read ("Nyx" -> "Nicks") and optionally IPA for
engines that take inline phonemes (Inworld: `/nɪks/`, English only, per its docs). The
dictionary is applied to the reply before expressive preprocessing, outside markup, whole
words only (any position for scripts written without spaces), longest term first, in one
pass (a replacement is never replaced again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pronunciation:
    """How to say `term`: `respell` (plain text), `ipa` (without slashes, optional),
    `languages` where the entry applies (empty: every language)."""

    term: str
    respell: str
    ipa: str = ""
    languages: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.term.strip() or not self.respell.strip():
            raise ValueError("a pronunciation needs a term and a respelling")
        if "/" in self.ipa:
            raise ValueError(f"IPA of {self.term!r}: give it without slashes")


def _spaced(term: str) -> bool:
    return all(ord(ch) < 0x2E80 for ch in term)


@dataclass(frozen=True)
class PronunciationDictionary:
    """A character's dictionary; `version` goes into the audio cache key."""

    character: str
    version: str
    entries: tuple[Pronunciation, ...] = ()
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False,
                                             compare=False)

    def __post_init__(self) -> None:
        terms = sorted({e.term for e in self.entries}, key=len, reverse=True)
        if not terms:
            return
        alternatives = [rf"(?<![\w]){re.escape(t)}(?![\w])" if _spaced(t) else re.escape(t)
                        for t in terms]
        # markup first so that a term inside a tag is skipped
        pattern = re.compile(r"(<[^<>]*>)|(" + "|".join(alternatives) + ")", re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)

    def _entry(self, found: str, language: str) -> Pronunciation | None:
        folded = found.casefold()
        for entry in self.entries:
            if entry.term.casefold() == folded and (not entry.languages
                                                    or language in entry.languages):
                return entry
        return None

    def apply(self, text: str, language: str, *, ipa: bool = False) -> str:
        """`text` with every known term replaced: by `/ipa/` when `ipa` and the entry has
        IPA, else by its respelling."""
        if self._pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            if match.group(1) is not None:
                return match.group(1)
            entry = self._entry(match.group(2), language)
            if entry is None:
                return match.group(2)
            return f"/{entry.ipa}/" if ipa and entry.ipa else entry.respell

        return self._pattern.sub(replace, text)

    def terms(self) -> Iterable[str]:
        return (e.term for e in self.entries)


EMPTY_DICTIONARY = PronunciationDictionary(character="", version="0")


@dataclass(frozen=True)
class PronunciationBook:
    """Every character's dictionary, from one versioned file; `version` is the file's."""

    version: str
    dictionaries: tuple[PronunciationDictionary, ...] = ()

    def for_character(self, character: str) -> PronunciationDictionary:
        for dictionary in self.dictionaries:
            if dictionary.character == character:
                return dictionary
        return PronunciationDictionary(character=character, version=self.version)


EMPTY_BOOK = PronunciationBook(version="0")
