"""Pure memory logic: conversation identity, summary windows, context assembly. No I/O."""

from nectar_memory.domain.context import select_memories, summary_window, without_line
from nectar_memory.domain.errors import (
    EmbedderUnavailable,
    SemanticMemoryUnavailable,
    VectorIndexUnavailable,
)
from nectar_memory.domain.model import (
    AppendResult,
    Conversation,
    IndexedSummary,
    StoredSummary,
    SummaryRecord,
)
from nectar_memory.domain.ranking import Candidate, RankingPolicy

__all__ = [
    "AppendResult",
    "Candidate",
    "Conversation",
    "EmbedderUnavailable",
    "IndexedSummary",
    "RankingPolicy",
    "SemanticMemoryUnavailable",
    "StoredSummary",
    "SummaryRecord",
    "VectorIndexUnavailable",
    "select_memories",
    "summary_window",
    "without_line",
]
