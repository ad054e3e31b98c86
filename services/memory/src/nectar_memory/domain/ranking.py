"""Ranking of semantic memories: which stored summary answers the question. Pure, no I/O.

The embedder's cosine similarity alone (the `dense` ranking) confuses close memories: a
sister's wedding and a cousin's, the user's cat and the parents' dog, and it favours "hub"
summaries that are close to every question ("the user talked about their day", a summary
in the question's language). The `hybrid` ranking re-scores the `candidates` nearest
summaries with two corrections, measured in bench/recall.py (weights chosen on its tuning
users only, confirmed on held-out users):

  score = cos(q, d) - hub_weight * hub(d) + concept_weight * about(q, d)

* hubness (CSLS-style): hub(d) is the mean cosine of the summary to its `hub_k` nearest
  questions of a fixed reference bank (generic questions about one's life, 17 languages,
  `data/reference_questions.txt`); a summary near everything is discounted. hub(d) is
  computed once when the summary is stored (metadata `hub`), so a turn pays nothing for it;
  it is stored centred (minus the bank's own mean hubness, `bank_center`), which keeps the
  adjusted scores near the cosine scale, inside the contract's [0, 1].
* who it is about: the share of the people and animals named by the question
  (`concepts.concepts_in`: sister, cousin, cat, ...) that the summary names too (metadata
  `about`, also computed when stored); only the question is tagged per turn (~0.3 ms).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from nectar_contracts import MemoryHit

Ranking = Literal["hybrid", "dense"]


@dataclass(frozen=True)
class RankingPolicy:
    """How memories are ranked (from `MemorySettings`; defaults chosen by bench/recall.py)."""

    ranking: Ranking = "hybrid"
    #: nearest summaries (by cosine) re-scored per query; the rest cannot be picked
    candidates: int = 48
    hub_k: int = 40
    hub_weight: float = 1.0
    concept_weight: float = 0.05


@dataclass(frozen=True)
class Candidate:
    """A stored summary near the query, with what ranking needs from its metadata."""

    text: str
    similarity: float
    #: centred hubness of the summary (None for a record stored without it: counted as 0)
    hub: float | None = None
    #: concept ids the summary names
    about: frozenset[str] = frozenset()


def hubness(vectors: np.ndarray, bank: np.ndarray, k: int) -> np.ndarray:
    """Mean cosine of each row of `vectors` to its `k` nearest rows of `bank` (both
    L2-normalised, or normalised here)."""
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    if bank.size == 0:
        return np.zeros(len(vectors), dtype=np.float32)
    v = _unit(vectors)
    b = _unit(bank)
    sims = v @ b.T
    k = max(1, min(k, b.shape[0]))
    top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    return top.mean(axis=1)


def bank_center(bank: np.ndarray, k: int) -> float:
    """Mean hubness of the bank's own questions (each against the others)."""
    if len(bank) < 2:
        return 0.0
    b = _unit(bank)
    sims = b @ b.T
    np.fill_diagonal(sims, -np.inf)
    k = max(1, min(k, len(b) - 1))
    top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    return float(top.mean())


def rank(candidates: Iterable[Candidate], query_about: frozenset[str], policy: RankingPolicy,
         k: int) -> list[MemoryHit]:
    """The `k` best candidates, best first, as hits with the adjusted score in [0, 1]."""
    scored: list[tuple[float, int, str]] = []
    for i, c in enumerate(candidates):
        score = c.similarity
        if policy.ranking == "hybrid":
            score -= policy.hub_weight * (c.hub or 0.0)
            if query_about:
                score += policy.concept_weight * len(query_about & c.about) / len(query_about)
        scored.append((score, i, c.text))
    scored.sort(key=lambda s: (-s[0], s[1]))  # ties keep the index's order
    return [MemoryHit(text=text, score=max(0.0, min(1.0, score)))
            for score, _, text in scored[:max(0, k)] if text]


def encode_about(about: Iterable[str]) -> str:
    """Concept ids as one metadata string (Chroma metadata values are scalars)."""
    return "|" + "|".join(sorted(set(about))) + "|" if about else ""


def decode_about(value: object) -> frozenset[str]:
    if not isinstance(value, str) or not value:
        return frozenset()
    return frozenset(part for part in value.split("|") if part)


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


__all__ = ["Candidate", "Ranking", "RankingPolicy", "bank_center", "decode_about",
           "encode_about", "hubness", "rank"]


def similarities(query: Sequence[float], docs: np.ndarray) -> np.ndarray:
    """Cosine of one query to each row (used by benchmarks and fakes)."""
    return _unit(np.asarray(docs)) @ _unit(np.asarray(query)[None, :])[0]
