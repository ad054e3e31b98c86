"""`ChromaVectorIndex`: the cold layer on a Chroma server, through chromadb's async client.

Layout (v1): one collection for every conversation, cosine space, one record per window
summary, id `{user}:{character}:{session}:{window}` (a rewrite replaces it), metadata
`{user, character, session, window, at}` so that queries filter with `where` instead of
paying one collection per conversation. The collection records which embedder built it; a
service with another embedder refuses to mix spaces (the rebuild command re-embeds).

Embeddings are always passed explicitly and the collection is opened with
`embedding_function=None`: Chroma's default embedding function downloads a model at run time,
which fails offline and would silently define the embedding space.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import AsyncClientAPI
from chromadb.api.models.AsyncCollection import AsyncCollection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from pydantic import SecretStr

from nectar_contracts import MemoryHit
from nectar_memory.domain import (
    Conversation,
    StoredSummary,
    SummaryRecord,
    VectorIndexUnavailable,
)

log = logging.getLogger("nectar.memory.chroma")

T = TypeVar("T")

#: errors that mean "Chroma is not usable now"; anything else is a bug and propagates
_PROVIDER_ERRORS = (ChromaError, httpx.HTTPError, OSError, TimeoutError, ValueError)


class _Missing(Exception):
    """The collection does not exist (yet): normal before the first summary is stored."""


class ChromaVectorIndex:
    """`VectorIndex` on a Chroma server; every call bounded by `timeout_s`."""

    def __init__(self, url: str, collection: str, *, embedder_name: str, dimension: int,
                 timeout_s: float = 2.0, auth_token: SecretStr | None = None) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.ssl = parts.scheme == "https"
        self.port = parts.port or (443 if self.ssl else 8000)
        self.collection_name = collection
        self.embedder_name = embedder_name
        self.dimension = dimension
        self.timeout_s = timeout_s
        self._auth_token = auth_token
        self._client: AsyncClientAPI | None = None
        self._collection: AsyncCollection | None = None

    # -- plumbing -----------------------------------------------------------------------

    async def _get_client(self) -> AsyncClientAPI:
        if self._client is None:
            headers = ({"x-chroma-token": self._auth_token.get_secret_value()}
                       if self._auth_token else None)
            self._client = await chromadb.AsyncHttpClient(
                host=self.host, port=self.port, ssl=self.ssl, headers=headers,
                settings=ChromaSettings(anonymized_telemetry=False))
        return self._client

    async def _get_collection(self, create: bool) -> AsyncCollection:
        if self._collection is not None:
            return self._collection
        client = await self._get_client()
        try:
            if create:
                col = await client.get_or_create_collection(
                    self.collection_name, embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedder": self.embedder_name, "dimension": self.dimension,
                              "layout": "v1"})
            else:
                col = await client.get_collection(self.collection_name, embedding_function=None)
        except NotFoundError as exc:
            raise _Missing(self.collection_name) from exc
        built_with = (col.metadata or {}).get("embedder")
        if built_with is not None and built_with != self.embedder_name:
            raise VectorIndexUnavailable(
                f"collection {self.collection_name!r} was built with embedder {built_with!r}, "
                f"this service embeds with {self.embedder_name!r}: rebuild the collection")
        self._collection = col
        return col

    async def _call(self, what: str, fn: Callable[[], Awaitable[T]]) -> T:
        """Run one Chroma operation with a deadline; translate provider errors."""
        try:
            async with asyncio.timeout(self.timeout_s):
                return await fn()
        except (_Missing, VectorIndexUnavailable):
            raise
        except NotFoundError as exc:
            # the collection was deleted under us (e.g. a reset of the server): reopen next time
            self._collection = None
            raise _Missing(self.collection_name) from exc
        except _PROVIDER_ERRORS as exc:
            if isinstance(exc, httpx.TransportError | OSError | TimeoutError):
                self._collection = None  # the server may have restarted with another id
            raise VectorIndexUnavailable(f"chroma {what} failed: {type(exc).__name__}: "
                                         f"{exc}"[:300]) from exc

    # -- VectorIndex --------------------------------------------------------------------

    async def connect(self) -> None:
        try:
            await self._call("connect", lambda: self._get_collection(create=True))
            log.info("chroma collection ready", extra={"collection": self.collection_name})
        except VectorIndexUnavailable as exc:
            log.warning("chroma not available at startup; semantic memory degraded until it "
                        "is", extra={"error": str(exc)})

    async def close(self) -> None:
        self._collection = None
        self._client = None

    async def heartbeat(self) -> None:
        async def beat() -> None:
            client = await self._get_client()
            await client.heartbeat()

        await self._call("heartbeat", beat)

    async def upsert_summary(self, record: SummaryRecord, embedding: Sequence[float]) -> None:
        conv = record.conversation

        async def upsert() -> None:
            col = await self._get_collection(create=True)
            await col.upsert(
                ids=[record.record_id], embeddings=[list(embedding)], documents=[record.text],
                metadatas=[{"user": conv.user_id, "character": conv.character,
                            "session": conv.session, "window": record.window,
                            "at": _epoch(record.at)}])

        try:
            await self._call("upsert", upsert)
        except _Missing:
            # deleted between get_or_create and upsert: create again once
            await self._call("upsert", upsert)

    async def query(self, user_id: int, character: str, embedding: Sequence[float],
                    k: int) -> list[MemoryHit]:
        if k <= 0 or not any(embedding):
            return []  # a zero vector has no direction: nothing is close to it

        async def run() -> Any:
            col = await self._get_collection(create=False)
            return await col.query(
                query_embeddings=[list(embedding)], n_results=k,
                where={"$and": [{"user": user_id}, {"character": character}]},
                include=["documents", "distances"])

        try:
            result = await self._call("query", run)
        except _Missing:
            return []
        docs = (result.get("documents") or [[]])[0]
        dists = (result.get("distances") or [[]])[0]
        # cosine distance d = 1 - cos: similarity clamped to the contract's [0, 1]
        return [MemoryHit(text=doc, score=max(0.0, min(1.0, 1.0 - float(dist))))
                for doc, dist in zip(docs, dists, strict=False) if doc]

    async def latest_summary(self, conv: Conversation) -> StoredSummary | None:
        async def run() -> Any:
            col = await self._get_collection(create=False)
            # a conversation holds few windows (one per N replies): fetch them, pick the max
            return await col.get(
                where={"$and": [{"user": conv.user_id}, {"character": conv.character},
                                {"session": conv.session}]},
                include=["documents", "metadatas"])

        try:
            result = await self._call("get", run)
        except _Missing:
            return None
        best: StoredSummary | None = None
        for doc, meta in zip(result.get("documents") or [], result.get("metadatas") or [],
                             strict=False):
            window = int((meta or {}).get("window", -1))
            if doc and doc.strip() and (best is None or window > best.window):
                best = StoredSummary(window=window, text=doc)
        return best

    async def delete_user(self, user_id: int) -> int:
        async def run() -> Any:
            col = await self._get_collection(create=False)
            return await col.delete(where={"user": user_id})

        try:
            result = await self._call("delete", run)
        except _Missing:
            return 0
        deleted = result.get("deleted") if isinstance(result, dict) else None
        return int(deleted or 0)


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


