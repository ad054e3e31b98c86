"""`HashingEmbedder`: deterministic character n-gram feature hashing (a lexical stand-in).

THIS IS NOT A SEMANTIC MODEL. It maps text to a fixed-size vector by hashing its character
n-grams (the "hashing trick"): texts that share words and word fragments land close, in any
script, with no model download and no network. It does not know that "dog" and "puppy" are
related, nor that "cat" and "gato" are the same thing. It exists so the walking skeleton runs
offline end to end; the memory issue replaces it with a multilingual sentence-embedding model
behind the same `Embedder` port (and a new `name`, so the collection is rebuilt, not mixed).

Recipe: NFKC + casefold, split on whitespace, pad each token with spaces, take n-grams for
n in `ngram_range`, hash each with CRC-32 (stable across processes, unlike `hash()`), add +1
or -1 (sign from another hash bit, which cancels collisions on average) at `hash % dim`,
then L2-normalise. Whitespace-only text yields the zero vector.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np

#: texts are cut to this many characters before hashing (bounds CPU per call)
MAX_CHARS = 8192


class HashingEmbedder:
    """Lexical stand-in `Embedder`: character n-gram feature hashing, L2-normalised."""

    def __init__(self, dimension: int = 384, ngram_range: tuple[int, int] = (2, 4)) -> None:
        low, high = ngram_range
        if dimension < 8 or low < 1 or high < low:
            raise ValueError("dimension >= 8 and 1 <= low <= high required")
        self.dimension = dimension
        self.ngram_range = (low, high)
        self.name = f"hashing-char-ngram-v1-d{dimension}-n{low}{high}"

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        # symmetric: queries and documents are embedded alike
        # pure CPU and bounded by MAX_CHARS: cheap enough to run on the event loop
        return [self.embed_one(text) for text in texts]

    def embed_one(self, text: str) -> list[float]:
        vec = np.zeros(self.dimension, dtype=np.float64)
        low, high = self.ngram_range
        normalised = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold()
        for token in normalised.split():
            padded = f" {token} "
            for n in range(low, high + 1):
                for i in range(len(padded) - n + 1):
                    h = zlib.crc32(padded[i:i + n].encode("utf-8"))
                    vec[h % self.dimension] += 1.0 if h & 0x80000000 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return vec.tolist()
        return (vec / norm).tolist()
