"""Domain exceptions the adapters raise instead of provider errors."""

from __future__ import annotations


class SemanticMemoryUnavailable(Exception):
    """The semantic (cold) layer cannot be used right now; a turn degrades to recent-only."""


class VectorIndexUnavailable(SemanticMemoryUnavailable):
    """The vector index (Chroma) failed: unreachable, timed out, or answered with an error."""


class EmbedderUnavailable(SemanticMemoryUnavailable):
    """The embedder could not embed the text."""
