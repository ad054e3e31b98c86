"""Settings of the OpenRouter emulator (environment prefix `OREMU_`)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .behaviours import parse_behaviour

DEFAULT_MODELS = [
    "openai/gpt-4o-mini",
    "anthropic/claude-3.5-haiku",
    "google/gemini-2.0-flash-001",
    "meta-llama/llama-3.3-70b-instruct",
    "mistralai/mistral-nemo",
]


class OpenRouterEmulatorSettings(BaseSettings):
    """Everything tunable about the OpenRouter emulator; CLI flags override these."""

    model_config = SettingsConfigDict(env_prefix="OREMU_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8092, description="TCP port to listen on.")
    log_level: str = Field(default="info", description="stdlib logging level name.")
    api_key: str | None = Field(
        default=None,
        description="When set, the bearer token must equal it (else 401 'User not found.');"
        " when unset any non-empty bearer token is accepted.",
    )
    models: list[str] = Field(
        default_factory=lambda: list(DEFAULT_MODELS),
        description="Model ids listed by GET /api/v1/models (requested ids are added).",
    )
    strict_models: bool = Field(
        default=False, description="Reject model ids not in `models` with 400, like OpenRouter."
    )
    model_behaviours: dict[str, str] = Field(
        default_factory=dict,
        description='Per-model default behaviour, e.g. {"vendor/model": "content_filter"};'
        ' "*" applies to every model without its own entry.',
    )
    default_retry_after_s: int = Field(default=2, description="Retry-After of plain http_429.")
    default_timeout_s: float = Field(default=30.0, description="Sleep of plain 'timeout'.")
    stream_chunk_words: int = Field(default=3, ge=1, description="Words per streamed chunk.")
    stream_chunk_delay_ms: int = Field(default=0, ge=0, description="Pause between chunks.")
    prompt_price_per_mtok: float = Field(default=1.0, description="USD per 1M prompt tokens.")
    completion_price_per_mtok: float = Field(
        default=2.0, description="USD per 1M completion tokens."
    )

    cache_min_tokens: int = Field(
        default=0, ge=0, description="Minimum cacheable prefix in tokens: shorter prefixes "
        "never cache (real providers: about 1024 to 4096). 0 caches any repeated prefix.")
    cache_ttl_s: float = Field(default=300.0, gt=0, description="Lifetime of a cache entry "
                               "(marker and automatic families).")
    sticky_cache_ttl_s: float = Field(default=3600.0, gt=0, description="Lifetime of a "
                                      "sticky-family cache entry, refreshed by every hit.")
    sticky_servers: int = Field(default=4, ge=1, description="Servers a sticky family spreads "
                                "over; a request's `user` picks one, no `user` a random one.")
    cache_families: dict[str, str] = Field(
        default_factory=lambda: {"google/gemini": "marker", "anthropic/": "marker",
                                 "x-ai/": "sticky"},
        description="Model id (or id prefix) -> cache family: marker (caches only up to a "
        "`cache_control` part), automatic, sticky or none.")
    default_cache_family: str = Field(default="marker", description="Cache family of models "
                                      "not in `cache_families`.")

    @field_validator("cache_families")
    @classmethod
    def _families_known(cls, value: dict[str, str]) -> dict[str, str]:
        for family in value.values():
            if family not in ("marker", "automatic", "sticky", "none"):
                raise ValueError(f"unknown cache family {family!r}")
        return value

    @field_validator("default_cache_family")
    @classmethod
    def _default_family_known(cls, value: str) -> str:
        if value not in ("marker", "automatic", "sticky", "none"):
            raise ValueError(f"unknown cache family {value!r}")
        return value

    @field_validator("model_behaviours")
    @classmethod
    def _behaviours_parse(cls, value: dict[str, str]) -> dict[str, str]:
        for spec in value.values():
            parse_behaviour(spec)
        return value
