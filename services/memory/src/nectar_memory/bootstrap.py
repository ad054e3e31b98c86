"""Composition root of the memory service: adapters from settings, each overridable.

Nothing connects here: the Redis client connects on first command, the Chroma client is
opened by the runtime (`VectorIndex.start`, a `Managed` adapter).
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry
from redis.asyncio import Redis

from nectar_memory.adapters.chroma_index import ChromaVectorIndex
from nectar_memory.adapters.e5_embedder import E5Embedder
from nectar_memory.adapters.hashing_embedder import HashingEmbedder
from nectar_memory.adapters.openai_embedder import OpenAIEmbedder
from nectar_memory.adapters.redis_store import RedisMemoryStore
from nectar_memory.domain import RankingPolicy
from nectar_memory.handlers import Deps, MemoryPolicy
from nectar_memory.metrics import MemoryMetrics
from nectar_memory.ports import Embedder, MemoryStore, VectorIndex
from nectar_memory.recall import record_format
from nectar_memory.settings import MemorySettings


def build_deps(settings: MemorySettings, *, redis: Redis | None = None,
               store: MemoryStore | None = None, index: VectorIndex | None = None,
               embedder: Embedder | None = None, metrics: MemoryMetrics | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Build the handlers' dependencies; `redis` is normally the runtime's client."""
    embedder = embedder or build_embedder(settings)
    if store is None:
        redis = redis or Redis.from_url(settings.infra.redis_url, socket_timeout=5,
                                        socket_connect_timeout=5)
        store = RedisMemoryStore(
            redis, buffer_size=settings.hot_buffer_size, ttl_s=settings.hot_ttl_s,
            dedupe_ttl_s=settings.dedupe_ttl_s, summary_ttl_s=settings.summary_cache_ttl_s,
            lock_ttl_s=settings.summary_lock_ttl_s)
    ranking = RankingPolicy(ranking=settings.ranking, candidates=settings.rank_candidates)
    index = index or ChromaVectorIndex(
        settings.chroma_url, settings.chroma_collection,
        # the record format (ranking annotations) is part of the recorded name: a mismatch
        # is refused like another embedder's space
        embedder_name=f"{embedder.name}+{record_format(ranking)}",
        dimension=embedder.dimension, timeout_s=settings.chroma_timeout_s,
        auth_token=settings.chroma_auth_token, shards=settings.chroma_shards)
    return Deps(store=store, index=index, embedder=embedder,
                metrics=metrics or MemoryMetrics.for_registry(registry),
                policy=MemoryPolicy(top_k=settings.top_k, summary_every=settings.summary_every,
                                    ranking=ranking))


def build_embedder(settings: MemorySettings) -> Embedder:
    """The embedder named by `MEMORY_EMBEDDER` (nothing is loaded until the first embed)."""
    if settings.embedder == "openai":
        return OpenAIEmbedder(
            settings.embedding_url, settings.embedding_model, dimension=settings.embedding_dim,
            api_key=settings.embedding_api_key, query_model=settings.embedding_query_model,
            query_prefix=settings.embedding_query_prefix,
            document_prefix=settings.embedding_document_prefix,
            timeout_s=settings.embedding_timeout_s)
    if settings.embedder == "hashing":
        return HashingEmbedder(settings.embedding_dim)
    return E5Embedder(threads=settings.embedding_threads)
