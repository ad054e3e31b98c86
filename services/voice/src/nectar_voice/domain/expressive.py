"""Expressive preprocessing: a pure, idempotent function from a reply to what a TTS engine
should read, plus the request parameters a mood detector picks.

What the production article found on Inworld TTS-1.5 (seed "Inworld TTS Paralinguistic Tags
Don't Work"): `[laugh]`, `(sighs)`, `*laughs*`, `<laugh/>` and `<emotion>...</emotion>` come
out as silence or are read aloud; what works is `*emphasis*`, ellipses as pauses, SSML
`<break time>` inside `<speak>`, onomatopoeia (`ha-ha`, `mmm`, `ahh`), and `temperature` /
`speakingRate` per request. So `enrich`:

1. unwraps `<speak>`, keeps well-formed `<break>` tags (time clamped to 10 s; `strength`
   mapped to a time), strips every other tag (`<emotion>laugh</emotion>` with its content);
2. strips stage directions: `[...]` spans, `(...)` spans whose words are paralinguistic
   (`(sighs)`, `(вздыхает)`, `（笑）`), `*...*` spans that are actions (`*laughs*`,
   `*leans closer*`), while `*emphasis*` stays and spelled sounds inside any of them stay
   as plain text (`*ha-ha*` -> `ha-ha`);
3. drops emoji and other pictographs (engines read their names or choke on them);
4. turns ellipses into `<break time="0.3s"/>` (five dots or more: 0.6 s; in Chinese and
   Japanese `……` is the ordinary ellipsis), merges adjacent breaks, drops leading and
   trailing ones;
5. wraps the result in `<speak>` when it holds a break.

Applying it to its own output changes nothing (the breaks it wrote are kept as they are,
the mood is computed from the final text). `plain_text` renders the same markup for
engines without SSML: pauses become punctuation, emphasis asterisks go.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from nectar_voice.domain.lexicon import (
    INTENSE,
    STAGE_CORE,
    STAGE_DIRECTION,
    TENDER,
    count_onomatopoeia,
    is_onomatopoeia,
)
from nectar_voice.domain.model import Prosody, ProsodyRange

#: bump when the output of `enrich` changes for some input (part of the audio cache key)
PREPROCESS_VERSION = 1

SHORT_BREAK_S = 0.3
LONG_BREAK_S = 0.6
MAX_BREAK_S = 10.0

# Internal break token: a private-use sentinel around centiseconds. Private-use characters
# are removed from the input first, so no input can forge one.
_B0, _B1 = "\ue000", "\ue001"
BREAK_TOKEN = re.compile(f"{_B0}(\\d+){_B1}")

_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_SPEAK_TAG = re.compile(r"<\s*/?\s*speak\b[^<>]*>", re.IGNORECASE)
_BREAK_TAG = re.compile(r"<\s*break\b([^<>]*?)/?\s*>(?:\s*<\s*/\s*break\s*>)?", re.IGNORECASE)
_TIME_ATTR = re.compile(r"\btime\s*=\s*[\"']?\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*[\"']?",
                        re.IGNORECASE)
_STRENGTH_ATTR = re.compile(r"\bstrength\s*=\s*[\"']?\s*([a-z-]+)", re.IGNORECASE)
_STRENGTH_S = {"none": 0.0, "x-weak": 0.1, "weak": 0.2, "medium": 0.3, "strong": 0.6,
               "x-strong": 1.0}
#: tags whose content is itself a fake cue: removed with what they enclose
_CUE_ELEMENTS = ("emotion", "emotions", "sound", "sfx", "action", "laugh", "laughs", "sigh",
                 "sighs", "giggle", "breath", "breathe", "gasp", "cough", "cry", "whisper",
                 "moan", "pause", "emote", "expression", "mood", "style", "tone", "voice",
                 "effect", "nonverbal", "non-verbal", "paralinguistic", "stage")
_CUE_ELEMENT = re.compile(
    r"<\s*(" + "|".join(re.escape(t) for t in _CUE_ELEMENTS) + r")\b[^<>]*>(.{0,200}?)<\s*/\s*\1\s*>",
    re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<\s*/?\s*[A-Za-z][\w:.-]*(?:\s[^<>]{0,200})?/?\s*>")
_SQUARE = re.compile(r"\[([^\[\]\n]{0,120})\]|【([^【】\n]{0,120})】")
_PAREN = re.compile(r"\(([^()\n]{1,120})\)|（([^（）\n]{1,120})）")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_STARRED = re.compile(r"\*(?=[^\s*])([^*\n]{1,160}?)(?<=[^\s*])\*")
_ELLIPSIS = re.compile(r"\.(?:[ \t]?\.){2,}|。{3,}|[.…]*…[.…]*")
_SENTENCE = re.compile(r"[.!?。！？।؟]+")
_RAW_PAUSE = re.compile(r"\.{3,}|…+")
_SPEAKABLE = re.compile(r"[^\W_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_][^\W_']*(?:'[^\W_]+)?", re.UNICODE)
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_FIRST_PERSON = re.compile(
    r"^(?:i|i'm|i'd|i'll|we|you|я|мы|ты|вы|je|tu|nous|vous|ich|du|wir|yo|tú|io|eu|ja|ik|"
    r"jij|ben|sen|ми|ти)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Enriched:
    """What `enrich` returns: the text for an SSML engine (empty when nothing is left to
    say), the prosody parameters, and how many breaks it holds."""

    text: str
    prosody: Prosody
    breaks: int

    @property
    def empty(self) -> bool:
        return not self.text


# --- breaks ----------------------------------------------------------------------------


def _token(seconds: float) -> str:
    return f"{_B0}{round(min(max(seconds, 0.0), MAX_BREAK_S) * 100)}{_B1}"


def _break_seconds(attrs: str) -> float:
    time = _TIME_ATTR.search(attrs)
    if time:
        value = float(time.group(1))
        return value / 1000 if (time.group(2) or "ms").lower() == "ms" and time.group(2) \
            else value if time.group(2) else value / 1000
    strength = _STRENGTH_ATTR.search(attrs)
    if strength:
        return _STRENGTH_S.get(strength.group(1).lower(), SHORT_BREAK_S)
    return SHORT_BREAK_S


def render_break(centis: int) -> str:
    """`<break time="0.3s"/>` for a break of `centis` hundredths of a second."""
    return f'<break time="{centis / 100:g}s"/>'


def _ellipsis_token(match: re.Match[str], language: str) -> str:
    run = match.group(0)
    dots = run.count(".") + run.count("。")
    ellipses = run.count("…")
    # In Chinese and Japanese the ordinary ellipsis is two characters, "……".
    units = 3 * (math.ceil(ellipses / 2) if language in ("zh", "ja") else ellipses)
    return _token(LONG_BREAK_S if dots + units >= 5 else SHORT_BREAK_S)


def _merge_breaks(text: str) -> str:
    """Adjacent breaks (only spaces between) become one, summed and clamped; a break at the
    very start or end of the text is dropped."""
    pattern = re.compile(f"{_B0}\\d+{_B1}(?:[ \\t]*{_B0}\\d+{_B1})+")

    def merge(match: re.Match[str]) -> str:
        total = sum(int(c) for c in BREAK_TOKEN.findall(match.group(0)))
        return _token(total / 100)

    text = pattern.sub(merge, text)
    text = re.sub(f"^(?:\\s*{_B0}\\d+{_B1})+", "", text)
    text = re.sub(f"(?:{_B0}\\d+{_B1}\\s*)+$", "", text)
    return BREAK_TOKEN.sub(lambda m: "" if m.group(1) == "0" else m.group(0), text)


# --- stage directions --------------------------------------------------------------------


def _word_count(text: str) -> int:
    return len(text.split())


def _is_action(content: str) -> bool:
    """A starred span that is a stage direction rather than emphasis."""
    body = content.strip()
    if STAGE_DIRECTION.search(body):
        return True
    if _word_count(body) >= 4 and not _FIRST_PERSON.match(body) \
            and not body.endswith(("?", "!", "？", "！")):
        return True
    # scripts without spaces: a long starred run is a described action, not one stressed word
    return " " not in body and len(_UNSPACED.findall(body)) >= 8


def _strip_squares(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        content = match.group(1) if match.group(1) is not None else match.group(2)
        return f" {content} " if is_onomatopoeia(content) else " "

    return _SQUARE.sub(repl, text)


def _strip_parentheticals(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        content = match.group(1) if match.group(1) is not None else match.group(2)
        if is_onomatopoeia(content):
            return f" {content} "
        if _word_count(content) <= 6 and STAGE_CORE.search(content):
            return " "
        return match.group(0)

    return _PAREN.sub(repl, text)


def _strip_starred(text: str) -> str:
    """Actions go, sounds stay as plain text, emphasis stays starred; stray asterisks go."""
    text = _BOLD.sub(r"*\1*", text)
    out: list[str] = []
    last = 0
    for match in _STARRED.finditer(text):
        out.append(text[last:match.start()].replace("*", ""))
        content = match.group(1)
        if is_onomatopoeia(content):
            out.append(content)
        elif _is_action(content):
            out.append(" ")
        else:
            out.append(f"*{content}*")
        last = match.end()
    out.append(text[last:].replace("*", ""))
    return "".join(out)


# --- emoji and clean-up ------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _is_pictograph(ch: str) -> bool:
    code = ord(ch)
    if ch in (_B0, _B1):
        return False
    if code in (0x200D, 0xFE0E, 0xFE0F, 0x20E3) or 0x1F3FB <= code <= 0x1F3FF \
            or 0xE0020 <= code <= 0xE007F:
        return True
    category = unicodedata.category(ch)
    return category in ("So", "Cs", "Co", "Cn") or (category == "Sk" and code > 0x2000)


#: ASCII holds no pictograph: only the other characters are looked at
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _pictograph_to_space(match: re.Match[str]) -> str:
    ch = match.group()
    return " " if _is_pictograph(ch) else ch


def _drop_pictographs(text: str) -> str:
    if text.isascii():
        return text
    return _NOT_ASCII.sub(_pictograph_to_space, text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u2060\ufeff]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.!?;:，。！？；：、])")
_LEADING_PUNCT = re.compile(r"^[\s,.;:，。；：、!?！？-]+")
_EMPTY_PAIRS = re.compile(r"\(\s*\)|\[\s*\]|（\s*）|\"\s*\"|«\s*»|“\s*”")
_REPEATED_COMMA = re.compile(r"([,，])(?:\s*[,，])+")
_COMMA_BEFORE_STOP = re.compile(r"[,，、;:]\s*([.!?。！？])")


def _tidy(text: str) -> str:
    text = _EMPTY_PAIRS.sub(" ", text)
    text = re.sub(r"[ \t\u00a0\u3000]+", " ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_COMMA.sub(r"\1", text)
    text = _COMMA_BEFORE_STOP.sub(r"\1", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _LEADING_PUNCT.sub("", text.strip())
    return text.strip()


def _has_speech(text: str) -> bool:
    return bool(_SPEAKABLE.search(BREAK_TOKEN.sub(" ", text)))


# --- mood ---------------------------------------------------------------------------------


def detect_mood(text: str, language: str = "en", limits: ProsodyRange | None = None) -> Prosody:
    """Mood from the enriched text (breaks as tokens or tags): intensity words, exclamation
    marks, shouted words, emphasis and laughter raise energy; pauses and soft words lower
    it. Returns `temperature` and `speakingRate` inside the provider's ranges."""
    limits = limits or ProsodyRange()
    body = BREAK_TOKEN.sub(" ", _BREAK_TAG.sub(" ", text))
    pauses = len(BREAK_TOKEN.findall(text)) + len(_BREAK_TAG.findall(text))
    words = _WORD.findall(body)
    sentences = max(len(_SENTENCE.findall(_RAW_PAUSE.sub(" ", body))), 1)
    exclaims = body.count("!") + body.count("！")
    shouted = sum(1 for w in words if len(w) >= 3 and w.isupper() and w.isalpha())
    intense = len(INTENSE.findall(body))
    tender = len(TENDER.findall(body))
    laughs = count_onomatopoeia(body.replace("*", " "))
    emphasis = len(_STARRED.findall(body))
    pauses += len(_RAW_PAUSE.findall(body))
    energy = (1.0 * exclaims + 1.5 * shouted + 1.0 * intense + 0.7 * laughs
              + 0.5 * emphasis) / sentences
    calm = (1.0 * pauses + 1.5 * tender) / sentences
    if laughs and 0.5 <= energy < 2.0 and energy >= calm:
        mood, temperature, rate = "playful", 1.25, 1.06
    elif energy >= 1.2 and energy >= calm:
        mood, temperature, rate = "excited", 1.35, 1.12
    elif calm >= 0.6 and energy < 1.0:
        mood, temperature, rate = "tender", 0.95, 0.9 if calm < 1.5 else 0.85
    elif energy >= 0.6:
        mood, temperature, rate = "warm", 1.2, 1.03
    else:
        mood, temperature, rate = "neutral", 1.1, 1.0
    return Prosody(mood=mood, temperature=limits.temperature(temperature),
                   speaking_rate=limits.rate(rate))


# --- the pipeline ------------------------------------------------------------------------


def _pass(text: str, language: str) -> str:
    """One pass of the cleaning pipeline over text that may hold break tokens."""
    text = _SPEAK_TAG.sub(" ", text)
    text = _BREAK_TAG.sub(lambda m: _token(_break_seconds(m.group(1))), text)
    text = _CUE_ELEMENT.sub(" ", text)
    text = _ANY_TAG.sub(" ", text)
    text = text.replace("<", " ").replace(">", " ")
    text = _drop_pictographs(text)
    text = _strip_squares(text)
    text = _strip_parentheticals(text)
    text = _strip_starred(text)
    text = _ELLIPSIS.sub(lambda m: _ellipsis_token(m, language), text)
    text = _tidy(text)
    text = _merge_breaks(text)
    return _tidy(text)


#: passes at most; nested leftovers ("[[laughs]]", "((sighs))") need a second one
_MAX_PASSES = 4


def enrich_tokens(text: str, language: str = "en") -> str:
    """`enrich` up to (not including) rendering: the cleaned text with break tokens. The
    pipeline is repeated until it changes nothing, which is what makes `enrich` idempotent
    on nested or overlapping markup."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PRIVATE_USE.sub(" ", _CONTROL.sub("", text))
    for _ in range(_MAX_PASSES):
        cleaned = _pass(text, language)
        if cleaned == text:
            break
        text = cleaned
    if not _has_speech(text):
        return ""
    return text


def render_ssml(tokens: str) -> str:
    """Break tokens -> `<break>` tags; `<speak>` around the whole when it holds a break.
    (`enrich_tokens` already dropped stray angle brackets: they would break SSML.)"""
    body = tokens
    if not BREAK_TOKEN.search(body):
        return body
    return f"<speak>{BREAK_TOKEN.sub(lambda m: render_break(int(m.group(1))), body)}</speak>"


#: (short pause, long pause) as punctuation, per language; others use ", " and ". "
_PAUSE_PUNCT = {"zh": ("，", "。"), "ja": ("、", "。"), "ar": ("، ", ". "), "hi": (", ", "। ")}


def render_plain(tokens: str, language: str = "en") -> str:
    """For engines without SSML: a short pause becomes a comma, a long one a full stop;
    emphasis asterisks go (the words stay)."""
    short, long = _PAUSE_PUNCT.get(language, (", ", ". "))

    def pause(match: re.Match[str]) -> str:
        before = tokens[:match.start()].rstrip()
        if before and unicodedata.category(before[-1]).startswith("P"):
            return " "
        return short if int(match.group(1)) < 45 else long

    body = BREAK_TOKEN.sub(pause, tokens)
    body = _STARRED.sub(r"\1", body).replace("*", "")
    body = re.sub(r"[ \t]{2,}", " ", body)
    body = _SPACE_BEFORE_PUNCT.sub(r"\1", body)
    return body.strip()


def enrich(text: str, language: str = "en", limits: ProsodyRange | None = None) -> Enriched:
    """The reply as an SSML engine should read it, with mood-driven prosody. Pure and
    idempotent: `enrich(enrich(t).text) == enrich(t)`. Empty `text` when nothing is left
    to say (only tags, emoji or punctuation)."""
    tokens = enrich_tokens(text, language)
    prosody = detect_mood(tokens, language, limits)
    return Enriched(text=render_ssml(tokens) if tokens else "", prosody=prosody,
                    breaks=len(BREAK_TOKEN.findall(tokens)))


def plain_text(text: str, language: str = "en") -> str:
    """The reply for an engine without SSML (pauses as punctuation, no markup)."""
    tokens = enrich_tokens(text, language)
    return render_plain(tokens, language) if tokens else ""
