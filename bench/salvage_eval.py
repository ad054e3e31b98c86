"""Salvage evaluation: precision and recall of `salvage` over the labelled corpus.

What it measures
  Every case of `tests/unit/llm/salvage_corpus.py` (17 languages; pure refusals, content with
  a refusal tail, clean content, in-story negations, JSON-wrapped, very short) goes through
  `nectar_llm.domain.salvage.salvage`.
  * positive = salvage returned text; a true positive returned exactly the labelled text.
  * precision = true positives / positives: a refusal passed off as an answer, or text cut in
    the wrong place, costs precision (target >= 0.98).
  * recall = true positives / cases labelled salvageable (target >= 0.90).

Its last line is one JSON object:
  {"bench": "salvage_eval", "precision", "recall", "cases", "per_language": {lang: {"cases",
   "precision", "recall"}}, "misses": [case ids]}
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "llm"))

from nectar_llm.domain.salvage import salvage
from salvage_corpus import corpus


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def main() -> None:
    cases = corpus()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    for case in cases:
        got = salvage(case.text)
        for key in ("all", case.language):
            c = counts[key]
            c["cases"] += 1
            c["positives"] += got is not None
            c["labelled"] += case.expected is not None
            c["true_pos"] += got is not None and got == case.expected
        if got != case.expected:
            misses.append(case.id)
            print(f"miss {case.id}: got {got!r:.80}", file=sys.stderr)
    print(f"{len(cases)} cases, {len(misses)} misses", file=sys.stderr)
    per_language = {
        lang: {"cases": c["cases"], "precision": _ratio(c["true_pos"], c["positives"]),
               "recall": _ratio(c["true_pos"], c["labelled"])}
        for lang, c in sorted(counts.items()) if lang != "all"}
    total = counts["all"]
    print(json.dumps({
        "bench": "salvage_eval",
        "precision": _ratio(total["true_pos"], total["positives"]),
        "recall": _ratio(total["true_pos"], total["labelled"]),
        "cases": total["cases"],
        "per_language": per_language,
        "misses": misses,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
