"""`ChromaVectorIndex`: the cold layer on a Chroma server, through chromadb's async client.

Layout: a FIXED number of shard collections (`shards`, default 1: just `collection`; with
S > 1: `{collection}_s00` .. `{collection}_s{S-1}`), a user's records all in shard
`crc32(user) % S`, cosine space, one record per window summary, id
`{user}:{character}:{session}:{window}` (a rewrite replaces it), metadata
`{user, character, session, window, at, conv, hub, about}` with `conv` = `{user}:{character}`
(`hub`, `about`: ranking annotations, see domain/ranking.py): queries
filter with one equality on `conv` (see `conv_key`), deletions on `user`. Memory is bounded by
the number of records, not by the number of conversations: one collection per conversation
costs megabytes of RSS per collection in Chroma 1.x (see bench/memory_scale.py). Each
collection records which embedder built it; a service with another embedder refuses to mix
spaces (the rebuild command re-embeds).

Embeddings are always passed explicitly and the collection is opened with
`embedding_function=None`: Chroma's default embedding function downloads a model at run time,
which fails offline and would silently define the embedding space.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import AsyncClientAPI
from chromadb.api.models.AsyncCollection import AsyncCollection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from nectar_contracts import MemoryHit
from pydantic import SecretStr

from nectar_memory.domain import (
    Candidate,
    Conversation,
    IndexedSummary,
    StoredSummary,
    SummaryRecord,
    VectorIndexUnavailable,
)
from nectar_memory.domain.ranking import decode_about, encode_about

log = logging.getLogger("nectar.memory.chroma")

T = TypeVar("T")

#: errors that mean "Chroma is not usable now"; anything else is a bug and propagates
_PROVIDER_ERRORS = (ChromaError, httpx.HTTPError, OSError, TimeoutError, ValueError)


class _Missing(Exception):
    """The collection does not exist (yet): normal before the first summary is stored."""


class ChromaVectorIndex:
    """`VectorIndex` on a Chroma server; every call bounded by `timeout_s`."""

    def __init__(self, url: str, collection: str, *, embedder_name: str, dimension: int,
                 timeout_s: float = 2.0, auth_token: SecretStr | None = None,
                 shards: int = 1) -> None:
        if shards < 1:
            raise ValueError("shards must be >= 1")
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.ssl = parts.scheme == "https"
        self.port = parts.port or (443 if self.ssl else 8000)
        self.collection_name = collection
        self.shards = shards
        self.embedder_name = embedder_name
        self.dimension = dimension
        self.timeout_s = timeout_s
        self._auth_token = auth_token
        self._client: AsyncClientAPI | None = None
        self._collections: dict[str, AsyncCollection] = {}

    # -- layout -------------------------------------------------------------------------

    @property
    def collection_names(self) -> list[str]:
        """Every collection of the layout (the shards)."""
        if self.shards == 1:
            return [self.collection_name]
        return [f"{self.collection_name}_s{i:02d}" for i in range(self.shards)]

    def shard_of(self, user_id: int) -> str:
        """The collection that holds every record of `user_id` (stable across processes)."""
        names = self.collection_names
        return names[zlib.crc32(str(user_id).encode()) % len(names)]

    # -- plumbing -----------------------------------------------------------------------

    async def _get_client(self) -> AsyncClientAPI:
        if self._client is None:
            headers = ({"x-chroma-token": self._auth_token.get_secret_value()}
                       if self._auth_token else None)
            self._client = await chromadb.AsyncHttpClient(
                host=self.host, port=self.port, ssl=self.ssl, headers=headers,
                settings=ChromaSettings(anonymized_telemetry=False))
        return self._client

    async def _get_collection(self, name: str, create: bool) -> AsyncCollection:
        if name in self._collections:
            return self._collections[name]
        client = await self._get_client()
        try:
            if create:
                col = await client.get_or_create_collection(
                    name, embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedder": self.embedder_name, "dimension": self.dimension,
                              "layout": f"sharded-{self.shards}"})
            else:
                col = await client.get_collection(name, embedding_function=None)
        except NotFoundError as exc:
            raise _Missing(name) from exc
        built_with = (col.metadata or {}).get("embedder")
        if built_with is not None and built_with != self.embedder_name:
            log.error("chroma collection built with another embedder or record format: "
                      "semantic memory is off until `nectar memory rebuild --all --apply`",
                      extra={"collection": name, "built_with": built_with,
                             "expected": self.embedder_name})
            raise VectorIndexUnavailable(
                f"collection {name!r} was built with embedder {built_with!r}, "
                f"this service embeds with {self.embedder_name!r}: rebuild it "
                "(`nectar memory rebuild --all --apply --expect-users N`)")
        self._collections[name] = col
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
            self._collections.clear()
            raise _Missing(what) from exc
        except _PROVIDER_ERRORS as exc:
            if isinstance(exc, httpx.TransportError | OSError | TimeoutError):
                self._collections.clear()  # the server may have restarted with other ids
            raise VectorIndexUnavailable(f"chroma {what} failed: {type(exc).__name__}: "
                                         f"{exc}"[:300]) from exc

    # -- VectorIndex --------------------------------------------------------------------

    async def start(self) -> None:
        try:
            for name in self.collection_names:  # one deadline per collection, not for all
                await self._call("connect", lambda name=name: self._get_collection(
                    name, create=True))
            log.info("chroma collections ready",
                     extra={"collection": self.collection_name, "shards": self.shards})
        except VectorIndexUnavailable as exc:
            log.warning("chroma not available at startup; semantic memory degraded until it "
                        "is", extra={"error": str(exc)})

    async def close(self) -> None:
        self._collections.clear()
        self._client = None

    async def check(self) -> None:
        async def beat() -> None:
            client = await self._get_client()
            await client.heartbeat()

        await self._call("heartbeat", beat)

    async def upsert_summary(self, record: SummaryRecord, embedding: Sequence[float]) -> None:
        await self.upsert_many([(record, embedding)])

    async def upsert_many(self, items: Sequence[tuple[SummaryRecord, Sequence[float]]]) -> None:
        """Upsert several summaries (grouped by shard): imports and rebuilds."""
        by_shard: dict[str, list[tuple[SummaryRecord, Sequence[float]]]] = {}
        for record, embedding in items:
            by_shard.setdefault(self.shard_of(record.conversation.user_id), []).append(
                (record, embedding))
        for name, group in by_shard.items():
            async def upsert(name: str = name,
                             group: list[tuple[SummaryRecord, Sequence[float]]] = group) -> None:
                col = await self._get_collection(name, create=True)
                await col.upsert(
                    ids=[r.record_id for r, _ in group],
                    embeddings=[[float(x) for x in e] for _, e in group],
                    documents=[r.text for r, _ in group],
                    metadatas=[_metadata(r) for r, _ in group])

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
            col = await self._get_collection(self.shard_of(user_id), create=False)
            return await col.query(
                query_embeddings=[[float(x) for x in embedding]], n_results=k,
                where={"conv": conv_key(user_id, character)},
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

    async def candidates(self, user_id: int, character: str, embedding: Sequence[float],
                         n: int) -> list[Candidate]:
        if n <= 0 or not any(embedding):
            return []

        async def run() -> Any:
            col = await self._get_collection(self.shard_of(user_id), create=False)
            return await col.query(
                query_embeddings=[[float(x) for x in embedding]], n_results=n,
                where={"conv": conv_key(user_id, character)},
                include=["documents", "distances", "metadatas"])

        try:
            result = await self._call("query", run)
        except _Missing:
            return []
        docs = (result.get("documents") or [[]])[0]
        dists = (result.get("distances") or [[]])[0]
        metas = (result.get("metadatas") or [[]])[0] or [None] * len(docs)
        out: list[Candidate] = []
        for doc, dist, meta in zip(docs, dists, metas, strict=False):
            if not doc:
                continue
            meta = meta or {}
            hub = meta.get("hub")
            out.append(Candidate(text=doc, similarity=1.0 - float(dist),
                                 hub=float(hub) if isinstance(hub, int | float) else None,
                                 about=decode_about(meta.get("about"))))
        return out

    async def latest_summary(self, conv: Conversation) -> StoredSummary | None:
        async def run() -> Any:
            col = await self._get_collection(self.shard_of(conv.user_id), create=False)
            # a (user, character) pair holds few windows (one per N replies, a few sessions):
            # fetch them by the one selective key, pick the session's highest window here
            return await col.get(where={"conv": conv_key(conv.user_id, conv.character)},
                                 include=["documents", "metadatas"])

        try:
            result = await self._call("get", run)
        except _Missing:
            return None
        best: StoredSummary | None = None
        for doc, meta in zip(result.get("documents") or [], result.get("metadatas") or [],
                             strict=False):
            if str((meta or {}).get("session")) != conv.session:
                continue
            window = int((meta or {}).get("window", -1))
            if doc and doc.strip() and (best is None or window > best.window):
                best = StoredSummary(window=window, text=doc)
        return best

    async def delete_summary(self, record: SummaryRecord) -> None:
        async def run() -> Any:
            col = await self._get_collection(self.shard_of(record.conversation.user_id),
                                             create=False)
            return await col.delete(ids=[record.record_id])

        try:
            await self._call("delete", run)
        except _Missing:
            return

    async def user_summaries(self, user_id: int, character: str | None = None
                             ) -> list[IndexedSummary]:
        where: dict[str, Any] = {"user": user_id}
        if character is not None:
            where = {"conv": conv_key(user_id, character)}

        async def run() -> Any:
            col = await self._get_collection(self.shard_of(user_id), create=False)
            return await col.get(where=where,
                                 include=["documents", "metadatas", "embeddings"])

        try:
            result = await self._call("get", run)
        except _Missing:
            return []
        found: list[IndexedSummary] = []
        embeddings = result.get("embeddings")
        for i, (doc, meta) in enumerate(zip(result.get("documents") or [],
                                            result.get("metadatas") or [], strict=False)):
            meta = meta or {}
            conv = Conversation(int(meta["user"]), str(meta["character"]), str(meta["session"]))
            record = SummaryRecord(conv, int(meta["window"]), doc or "",
                                   datetime.fromtimestamp(float(meta["at"]), UTC))
            vector = tuple(float(x) for x in embeddings[i]) if embeddings is not None else ()
            found.append(IndexedSummary(record, vector))
        return sorted(found, key=lambda s: (s.record.conversation.character,
                                            s.record.conversation.session, s.record.window))

    async def delete_user(self, user_id: int) -> int:
        async def run() -> Any:
            col = await self._get_collection(self.shard_of(user_id), create=False)
            return await col.delete(where={"user": user_id})

        try:
            result = await self._call("delete", run)
        except _Missing:
            return 0
        deleted = result.get("deleted") if isinstance(result, dict) else None
        return int(deleted or 0)

    async def conversations(self, batch: int = 1000) -> AsyncIterator[list[tuple[int, str]]]:
        for name in self.collection_names:
            offset = 0
            while True:
                async def page(name: str = name, offset: int = offset) -> Any:
                    col = await self._get_collection(name, create=False)
                    return await col.get(include=["metadatas"], limit=batch, offset=offset)

                try:
                    result = await self._call("get", page)
                except _Missing:
                    break
                metas = result.get("metadatas") or []
                if not metas:
                    break
                yield [(int(m["user"]), str(m["character"])) for m in metas
                       if m and "user" in m and "character" in m]
                if len(metas) < batch:
                    break
                offset += len(metas)

    async def delete_conversation(self, user_id: int, character: str) -> int:
        async def run() -> Any:
            col = await self._get_collection(self.shard_of(user_id), create=False)
            return await col.delete(where={"conv": conv_key(user_id, character)})

        try:
            result = await self._call("delete", run)
        except _Missing:
            return 0
        deleted = result.get("deleted") if isinstance(result, dict) else None
        return int(deleted or 0)

    async def delete_all(self) -> int:
        """Delete every collection of the layout; returns how many records they held
        (`nectar memory rebuild --all` starts from nothing)."""
        client = await self._get_client()
        total = 0
        for name in self.collection_names:
            try:
                col = await self._call("get", lambda name=name: self._get_collection(
                    name, create=False))
            except _Missing:
                continue
            total += await self._call("count", col.count)
            await self._call("delete", lambda name=name: client.delete_collection(name))
            self._collections.pop(name, None)
        return total


def conv_key(user_id: int, character: str) -> str:
    """The one metadata key queries filter on. Chroma evaluates a `$and` of several keys much
    slower than one equality (bench/memory_scale.py: 2-4x at a few thousand records per
    collection), so (user, character) is stored once more as a single value."""
    return f"{user_id}:{character}"


def _metadata(record: SummaryRecord) -> dict[str, Any]:
    conv = record.conversation
    meta: dict[str, Any] = {
        "user": conv.user_id, "character": conv.character, "session": conv.session,
        "window": record.window, "at": _epoch(record.at),
        "conv": conv_key(conv.user_id, conv.character), "about": encode_about(record.about)}
    if record.hub is not None:
        meta["hub"] = float(record.hub)
    return meta


def _epoch(at: datetime) -> float:
    # float seconds keep microseconds, so a rebuilt record is identical to the original
    return at.timestamp()
