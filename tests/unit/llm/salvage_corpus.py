"""The labelled salvage corpus: model outputs in the 17 supported languages and what salvage
must make of them (the text to keep, or None).

The pieces live in `salvage_data/<split>/*.toml`, written by hand; each file names its
`language` (a language may have several files in a split):

- `story`: clean in-story text (narration, dialogue, `*actions*`), to be kept whole;
- `refusal`: what a model says when it steps out of the story, tagged with its `style`
  (`flat`, `apology`, `as_ai`, `guidelines`, `discomfort`, `preference`, `redirect`,
  `change_subject`, `alternative`, `lead_in`, `italic`, `parenthetical`, `ooc`, `note`,
  `rule`, `wellbeing`, `boundary`, `character_break`); nothing of it is to be kept;
- `negative`: hard negatives, story text that sounds like a refusal and must be kept whole
  (`dialogue_negation`, `rp_negation`, `in_story_apology`, `world_policy`, `meta_words`);
- `case`: a whole output with its label (`keep`; absent: nothing to keep).

Cases are assembled from the pieces (story + refusal tail, pure refusal, hard negative alone
and with a tail, JSON-wrapped whole / fenced / cut short, story prefixes just under and over
the 150-character gate, a story with a refusal in a second language), and each label follows
from how the case was assembled: a story plus a refusal tail is labelled with the story (None
when it is under 150 characters), never with what `salvage` returns.

Two splits: `tune` (cues and weights are tuned on it, the sentence classifier is trained on
it by `scripts/train_salvage_classifier.py`; the unit tests run a sample of it) and
`heldout` (written after the code it measures is final and evaluated once by
`bench/salvage_eval.py`, so its figure predicts unseen text; once looked at, it is retired
into `tune` as `<lang>.heldout-vN.toml`; the current one is v8).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "salvage_data"
SPLITS = ("tune", "heldout")
#: the salvage length gate, restated here so labels do not depend on the code under test
GATE = 150

REFUSAL_STYLES = ("flat", "apology", "as_ai", "guidelines", "discomfort", "preference",
                  "redirect", "change_subject", "alternative", "lead_in", "italic",
                  "parenthetical", "ooc", "note", "rule", "wellbeing", "boundary",
                  "character_break", "second_language")
NEGATIVE_STYLES = ("dialogue_negation", "rp_negation", "in_story_apology", "world_policy",
                   "meta_words")


@dataclass(frozen=True)
class Case:
    id: str
    language: str
    split: str
    style: str
    shape: str
    text: str
    expected: str | None


@dataclass(frozen=True)
class Piece:
    style: str
    text: str
    #: "paragraph": this refusal only reads as one standing in its own last paragraph (a
    #: lone "I'll have to pass on this one." glued to the story is a character's line)
    join: str | None = None


@dataclass(frozen=True)
class LanguageFile:
    language: str
    split: str
    sep: str
    stories: tuple[str, ...]
    refusals: tuple[Piece, ...]
    negatives: tuple[Piece, ...]
    cases: tuple[tuple[str, str, str | None], ...]


def round_of(path: Path) -> str:
    """The round a file belongs to: `heldout-v7` for `en.heldout-v7.toml`, `base` for
    `en.toml` (the tune split's first round)."""
    parts = path.name.split(".")
    return parts[1] if len(parts) > 2 else "base"


def rounds(split: str = "tune") -> tuple[str, ...]:
    return tuple(sorted({round_of(path) for path in (DATA / split).glob("*.toml")}))


@cache
def _files(split: str, only: frozenset[str] | None = None) -> dict[str, list[dict]]:
    """The split's files by language (a language may have several: `ru.toml`, ...); `only`:
    the files of those rounds alone."""
    out: dict[str, list[dict]] = {}
    for path in sorted((DATA / split).glob("*.toml")):
        if only is not None and round_of(path) not in only:
            continue
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        out.setdefault(raw["language"], []).append(raw)
    return out


@cache
def load(split: str, language: str, only: frozenset[str] | None = None) -> LanguageFile:
    raws = _files(split, only)[language]
    return LanguageFile(
        language=language, split=split, sep=raws[0].get("sep", " "),
        stories=tuple(s["text"].strip() for raw in raws for s in raw.get("story", [])),
        refusals=tuple(Piece(r["style"], r["text"].strip(), r.get("join"))
                       for raw in raws for r in raw.get("refusal", [])),
        negatives=tuple(Piece(n["style"], n["text"].strip())
                        for raw in raws for n in raw.get("negative", [])),
        cases=tuple((c["style"], c["text"], c.get("keep"))
                    for raw in raws for c in raw.get("case", [])))


def languages(split: str = "tune", only: frozenset[str] | None = None) -> tuple[str, ...]:
    return tuple(sorted(_files(split, only)))


def stories(language: str, split: str = "tune") -> tuple[str, ...]:
    return load(split, language).stories


def _gate(text: str) -> str | None:
    text = text.strip()
    return text if len(text) >= GATE else None


_SPACED_END = re.compile(r"[.!?…؟।]+[\"'”’»」』)\]*]*(?=\s|$)")
_CJK_END = re.compile(r"[。！？!?]+[」』”’）)*]*")


def _balanced(text: str) -> bool:
    """No quote, bracket or *action* left open at the end of `text`."""
    if text.count("*") % 2 or text.count('"') % 2:
        return False
    stack: list[str] = []
    closers = {"»": "«", "”": "“", "」": "「", "』": "『", ")": "(", "）": "（"}
    for ch in text:
        if ch == "“" and stack and stack[-1] == "„":
            stack.pop()
        elif ch in "„“«「『(（":
            stack.append(ch)
        elif ch in closers and stack and stack[-1] == closers[ch]:
            stack.pop()
    return not stack


def _sentence_prefixes(text: str, sep: str) -> list[str]:
    """Prefixes of a story ending at a sentence end outside any quote or *action* (for the
    cases around the gate)."""
    pattern = _CJK_END if sep == "" else _SPACED_END
    return [text[:m.end()] for m in pattern.finditer(text) if _balanced(text[:m.end()])]


def _json(content: str, *, ascii_only: bool, fenced: bool) -> str:
    body = json.dumps({"content": content, "mood": "warm"}, ensure_ascii=ascii_only)
    return f"```json\n{body}\n```" if fenced else body


def _cut_json(content: str, cut: int) -> str:
    encoded = json.dumps(content, ensure_ascii=False)[1:-1]
    return '{"mood": "warm", "content": "' + encoded[:cut]


def _other_language_refusals(split: str, language: str,
                             only: frozenset[str] | None = None) -> list[Piece]:
    donors = ("en",) if language != "en" else ("es", "ru", "de")
    out: list[Piece] = []
    for donor in donors:
        if donor in _files(split, only):
            out.extend(p for p in load(split, donor, only).refusals if p.style not in ("rule",))
    return out


def cases_for(split: str, language: str, only: frozenset[str] | None = None) -> list[Case]:
    """The cases of one language, assembled from the split's files (`only`: of those rounds
    alone, as if they were a split of their own: how a held-out round was evaluated)."""
    f = load(split, language, only)
    joins = (f.sep, "\n", "\n\n")
    singles = list(f.stories)
    pool = singles + [f"{a}\n\n{b}" for a, b in zip(singles, singles[1:] + singles[:1],
                                                     strict=True) if len(singles) > 1]
    out: list[Case] = []

    def add(style: str, shape: str, text: str, expected: str | None) -> None:
        out.append(Case(f"{split}-{language}-{style}-{shape}-{len(out)}", language, split,
                        style, shape, text, expected))

    for story in pool:
        add("clean", "plain", story, _gate(story))
    for i, refusal in enumerate(f.refusals):
        story = pool[i % len(pool)]
        join = "\n\n" if refusal.text.startswith(("---", "***", "* * *")) \
            or refusal.join == "paragraph" else joins[i % 3]
        text = f"{story}{join}{refusal.text}"
        add(refusal.style, "tail", text, _gate(story))
        add(refusal.style, "pure", refusal.text, None)
        if i % 4 == 0:
            add(refusal.style, "json", _json(text, ascii_only=i % 8 == 0, fenced=False),
                _gate(story))
        elif i % 4 == 1:
            add(refusal.style, "json_fenced", _json(text, ascii_only=False, fenced=True),
                _gate(story))
        elif i % 4 == 2:
            # cut short mid-word, as a filter stops an answer (not on a sentence boundary)
            encoded_story = len(json.dumps(story + join, ensure_ascii=False)) - 2
            middle = len(refusal.text) // 2
            while middle < len(refusal.text) - 1 and not refusal.text[middle - 1].isalnum():
                middle += 1
            add(refusal.style, "json_cut", _cut_json(text, encoded_story + max(1, middle)),
                _gate(story))
        if len(f.refusals) > 1 and i % 3 == 0:
            nxt = f.refusals[(i + 1) % len(f.refusals)]
            add(refusal.style, "pure", f"{refusal.text}{joins[2]}{nxt.text}", None)
    for j, negative in enumerate(f.negatives):
        add(negative.style, "plain", negative.text, _gate(negative.text))
        tail = f.refusals[(3 * j + 1) % len(f.refusals)]
        join = "\n\n" if tail.text.startswith(("---", "***")) or tail.join == "paragraph" \
            else joins[j % 3]
        add(negative.style, "tail", f"{negative.text}{join}{tail.text}", _gate(negative.text))
        if j % 2 == 0:
            add(negative.style, "json", _json(negative.text, ascii_only=False, fenced=False),
                _gate(negative.text))
    for k, story in enumerate(singles):
        prefixes = _sentence_prefixes(story, f.sep)
        over = [p for p in prefixes if len(p.strip()) >= GATE]
        under = [p for p in prefixes if len(p.strip()) < GATE]
        refusal = f.refusals[(5 * k + 2) % len(f.refusals)]
        join = "\n\n" if refusal.text.startswith(("---", "***")) \
            or refusal.join == "paragraph" else joins[k % 3]
        if over:
            add("gate_150", "tail", f"{over[0]}{join}{refusal.text}", _gate(over[0]))
        if under:
            add("gate_150", "tail", f"{under[-1]}{join}{refusal.text}", None)
            add("gate_150", "plain", under[-1], None)
    for k, refusal in enumerate(_other_language_refusals(split, language, only)[:3]):
        story = pool[(k + 1) % len(pool)]
        add("second_language", "tail", f"{story}\n\n{refusal.text}" if k % 2 == 0
            else f"{story}{f.sep}{refusal.text}", _gate(story))
    for style, text, keep in f.cases:
        add(style, "written", text, None if keep is None else _gate(keep))
    return out


def corpus(split: str | None = "tune", only: frozenset[str] | None = None) -> list[Case]:
    """Every labelled case of `split` (None: both), language by language; `only`: assembled
    from the files of those rounds alone (see `rounds`)."""
    splits = SPLITS if split is None else (split,)
    return [case for s in splits for lang in languages(s, only)
            for case in cases_for(s, lang, only)]
