"""Recall: the memories of (user, character) that answer a text, as every caller ranks them.

One function, `recall`, serves the turn's context (`handlers.build_context`) and `nectar
memory search`, so the operator sees what the model is given. `ReferenceBank` annotates a
summary when it is stored (hubness against the reference questions, the people and animals
it names: `domain/ranking.py`), so a turn only embeds its text, tags it (~0.3 ms) and
re-scores the nearest candidates.

`record_format()` names how records are annotated (bank and lexicon fingerprint); it is
part of the name recorded in each Chroma collection, so a service whose annotations would
differ from the stored ones refuses the collection loudly instead of mixing them
(`nectar memory rebuild --all --apply` re-annotates from the log).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from nectar_contracts import MemoryHit

from nectar_memory.domain import concepts
from nectar_memory.domain.ranking import RankingPolicy, bank_center, hubness, rank
from nectar_memory.ports import Embedder, VectorIndex

#: bump when the meaning of the stored `hub`/`about` metadata changes
FORMAT_VERSION = 1


@lru_cache(maxsize=1)
def reference_questions() -> tuple[str, ...]:
    """The reference bank: one question per line of `data/reference_questions.txt`."""
    text = resources.files("nectar_memory").joinpath(
        "data/reference_questions.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


def record_format(policy: RankingPolicy | None = None) -> str:
    """`recall-v{N}-{hash}`: changes with the bank, the lexicon or the hub's k."""
    policy = policy or RankingPolicy()
    digest = hashlib.sha256(json.dumps(
        [FORMAT_VERSION, policy.hub_k, reference_questions(),
         sorted((k, list(v)) for k, v in concepts.CONCEPTS.items())],
        ensure_ascii=False).encode()).hexdigest()[:8]
    return f"recall-v{FORMAT_VERSION}-{digest}"


class ReferenceBank:
    """The reference questions embedded with the service's embedder, once.

    For the default embedder the vectors ship with the package
    (`data/reference_bank.<embedder name>.npy`, written by `write_precomputed`; a test checks
    them against the embedder), so no summary ever waits for ~190 embeddings; any other
    embedder embeds the bank on first use."""

    def __init__(self, embedder: Embedder, policy: RankingPolicy | None = None) -> None:
        self.embedder = embedder
        self.policy = policy or RankingPolicy()
        self._vectors: np.ndarray | None = None
        self._center = 0.0
        self._lock = asyncio.Lock()

    @staticmethod
    def precomputed_path(embedder_name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in embedder_name)
        return Path(str(resources.files("nectar_memory").joinpath(
            f"data/reference_bank.{safe}.npy")))

    def _load_precomputed(self) -> np.ndarray | None:
        path = self.precomputed_path(self.embedder.name)
        if not path.is_file():
            return None
        vectors = np.load(path)
        if vectors.shape != (len(reference_questions()), self.embedder.dimension):
            return None  # the bank changed since the file was written: embed it again
        return vectors.astype(np.float32)

    async def vectors(self) -> np.ndarray:
        if self._vectors is None:
            async with self._lock:
                if self._vectors is None:
                    vectors = self._load_precomputed()
                    if vectors is None:
                        rows = await self.embedder.embed(list(reference_questions()),
                                                         query=True)
                        vectors = np.asarray(rows, dtype=np.float32)
                    self._center = bank_center(vectors, self.policy.hub_k)
                    self._vectors = vectors
        return self._vectors

    async def write_precomputed(self) -> Path:
        """Embed the bank with this embedder and store it in the package (maintainers run
        this after editing `data/reference_questions.txt`)."""
        rows = await self.embedder.embed(list(reference_questions()), query=True)
        path = self.precomputed_path(self.embedder.name)
        np.save(path, np.asarray(rows, dtype=np.float32))
        return path

    async def annotate(self, text: str, embedding: list[float] | tuple[float, ...]
                       ) -> tuple[float, frozenset[str]]:
        """(centred hubness, concept ids) of a summary about to be stored."""
        bank = await self.vectors()
        hub = float(hubness(np.asarray(embedding, dtype=np.float32), bank,
                            self.policy.hub_k)[0]) - self._center
        return round(hub, 6), concepts.concepts_in(text)


async def recall(embedder: Embedder, index: VectorIndex, policy: RankingPolicy,
                 user_id: int, character: str, text: str, k: int) -> list[MemoryHit]:
    """The `k` memories of (user, character) that best answer `text`, best first. Raises
    `SemanticMemoryUnavailable` when the embedder or the index fails."""
    if k <= 0 or not text.strip():
        return []
    [embedding] = await embedder.embed([text], query=True)
    if policy.ranking == "dense":  # the cosine order of the index, as before hybrid ranking
        return await index.query(user_id, character, embedding, k)
    found = await index.candidates(user_id, character, embedding, max(k, policy.candidates))
    return rank(found, concepts.concepts_in(text), policy, k)
