"""Leave-one-version-out evaluation of salvage: an honest proxy for text nobody tuned on.

    .venv/bin/python scripts/salvage_cv.py [--folds v5,v6+v6b,v7] [--cache FILE.npz]
                                           [--misses] [--shipped]

The tune split holds the retired held-out rounds (`<lang>.heldout-vN.toml`). For each fold
(one version; `v6+v6b` is one version written in two parts) everything learned from data is
refitted on the tune files of every OTHER round: the sentence classifier
(`scripts/train_salvage_classifier.py`'s `fit`). Then `salvage` runs, as shipped
otherwise, on the cases assembled from that version's files alone (`salvage_corpus.corpus`
with `only=`: the way the version was evaluated when it was the held-out split), and the
figures are pooled over the folds (each case counted once, when its version is left out).

What it does not undo: the cue lists (`salvage_cues.py`) and the hand-set structure rules
were written with every round in view, so for them the proxy is optimistic; the learned
parts are honest.

Figures, as in `bench/salvage_eval.py`: precision (a returned text equals the labelled text
exactly; a refusal passed off or a character's words cut both cost it), recall (true
positives / cases labelled salvageable), per fold, per language, per style, per shape, and
`hard_negatives` (the five negative styles together: precision must stay 1.0).
`--shipped` evaluates the shipped weights instead (in-sample: a sanity check, not a proxy).
Embeddings are cached in `--cache` (default `.cache/salvage_e5.npz`, text -> vector): the
first run embeds the whole tune split (many minutes on two busy cores), later runs a few
seconds. Prints a per-style table and the misses (`--misses`) on stderr, then ONE JSON
object as the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "llm"))
sys.path.insert(0, str(ROOT / "scripts"))

from nectar_llm.domain import salvage as salvage_module
from nectar_llm.domain.salvage_semantic import normalise
from salvage_corpus import NEGATIVE_STYLES, corpus
from train_salvage_classifier import EmbeddingCache, fit, labelled_sentences, training_set

DEFAULT_FOLDS = "v5,v6+v6b,v7"
DEFAULT_CACHE = ROOT / ".cache" / "salvage_e5.npz"


class CachedScorer:
    """A `SentenceScorer` with given logistic-regression weights over cached embeddings."""

    def __init__(self, cache: EmbeddingCache, w: np.ndarray) -> None:
        self.cache, self.w = cache, w

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        x = self.cache.get([normalise(t) for t in texts]).astype(np.float64)
        z = np.clip(x @ self.w[:-1] + self.w[-1], -30.0, 30.0)
        return [1.0 / (1.0 + math.exp(-v)) for v in z.tolist()]


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


class Tally:
    def __init__(self) -> None:
        self.cases = self.positives = self.labelled = self.true_pos = 0

    def add(self, got: str | None, expected: str | None) -> None:
        self.cases += 1
        self.positives += got is not None
        self.labelled += expected is not None
        self.true_pos += got is not None and got == expected

    def summary(self) -> dict[str, float | int]:
        return {"cases": self.cases, "precision": _ratio(self.true_pos, self.positives),
                "recall": _ratio(self.true_pos, self.labelled)}


def fold_rounds(fold: str) -> frozenset[str]:
    return frozenset(f"heldout-{v}" for v in fold.split("+"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", default=DEFAULT_FOLDS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--shipped", action="store_true")
    args = parser.parse_args()
    cache = EmbeddingCache(args.cache)
    tallies: dict[tuple[str, ...], Tally] = defaultdict(Tally)
    misses: list[str] = []
    try:
        for fold in args.folds.split(","):
            held = fold_rounds(fold)
            if not args.shipped:
                texts, y, _ = training_set(labelled_sentences(exclude=held))
                salvage_module.use_scorer(
                    CachedScorer(cache, fit(cache.get(texts).astype(np.float64), y)))
            for case in corpus("tune", held):
                got = salvage_module.salvage(case.text)
                keys = [("overall",), ("fold", fold), ("lang", case.language),
                        ("style", case.style), ("shape", case.shape)]
                if case.style in NEGATIVE_STYLES:
                    keys.append(("hard_negatives",))
                for key in keys:
                    tallies[key].add(got, case.expected)
                if got != case.expected:
                    misses.append(f"{fold}:{case.id}")
                    if args.misses:
                        print(f"miss {fold}:{case.id}\n  text {case.text!r:.300}\n"
                              f"  got  {got!r:.300}\n  want {case.expected!r:.300}",
                              file=sys.stderr)
            cache.save()
    finally:
        cache.save()

    def grouped(kind: str) -> dict[str, dict]:
        return {key[1]: t.summary() for key, t in sorted(tallies.items())
                if len(key) == 2 and key[0] == kind}

    per_style = grouped("style")
    print(f"{'style':<20}{'cases':>7}{'precision':>11}{'recall':>8}", file=sys.stderr)
    for style, s in per_style.items():
        print(f"{style:<20}{s['cases']:>7}{s['precision']:>11.3f}{s['recall']:>8.3f}",
              file=sys.stderr)
    print(json.dumps({
        "bench": "salvage_cv", "mode": "shipped" if args.shipped else "leave_one_version_out",
        "folds": grouped("fold"), "overall": tallies[("overall",)].summary(),
        "hard_negatives": tallies[("hard_negatives",)].summary(),
        "per_language": grouped("lang"), "per_style": per_style, "per_shape": grouped("shape"),
        "misses": misses,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
