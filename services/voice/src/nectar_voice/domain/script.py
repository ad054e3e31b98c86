"""`prepare`: a reply -> the requests one engine makes for it (pure).

Pronunciation dictionary (IPA where the engine takes it for the language, else respelling),
then expressive preprocessing, then the mood, then splitting within the engine's limits,
then rendering as SSML or as plain text. Raises `NothingToSay` when nothing speakable is
left (only stage directions, emoji, markup or punctuation).
"""

from __future__ import annotations

from functools import partial

from nectar_voice.domain.errors import NothingToSay
from nectar_voice.domain.expressive import (
    detect_mood,
    enrich_tokens,
    render_plain,
    render_ssml,
)
from nectar_voice.domain.model import EngineCaps, Script
from nectar_voice.domain.pronunciation import PronunciationDictionary
from nectar_voice.domain.splitting import split_tokens, truncate_tokens

#: longest reply voiced: past it, the text is cut at a sentence end (the text reply has it all)
DEFAULT_MAX_TOTAL_CHARS = 10_000


def speakable(text: str, language: str = "en") -> bool:
    """Is anything left to say once tags, stage directions and emoji are stripped?"""
    return bool(enrich_tokens(text, language))


def prepare(text: str, language: str, caps: EngineCaps, *,
            dictionary: PronunciationDictionary | None = None,
            max_total_chars: int = DEFAULT_MAX_TOTAL_CHARS) -> Script:
    """The chunks `caps`' engine should be sent for `text`, in order, each within its
    limits, with the prosody of the whole reply."""
    if dictionary is not None:
        text = dictionary.apply(text, language, ipa=language in caps.ipa_languages)
    tokens = enrich_tokens(text, language)
    if not tokens:
        raise NothingToSay("nothing speakable left after stripping tags, emoji and markup")
    tokens, truncated = truncate_tokens(tokens, max_total_chars)
    prosody = detect_mood(tokens, language, caps.prosody)
    render = render_ssml if caps.ssml else partial(render_plain, language=language)
    chunks = tuple(c for c in (render(p) for p in split_tokens(tokens, caps.limits, render))
                   if speakable(c, language))
    if not chunks:
        raise NothingToSay("nothing speakable left after splitting")
    return Script(language=language, chunks=chunks, prosody=prosody, ssml=caps.ssml,
                  markup=render_ssml(tokens), truncated=truncated)
