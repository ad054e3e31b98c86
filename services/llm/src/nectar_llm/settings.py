"""llm service settings (env prefix `LLM_`)."""

from __future__ import annotations

from pathlib import Path

from nectar_runtime import InfraSettings
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nectar_llm.routing_file import DEFAULT_ROUTING_FILE

DEFAULT_HTTP_PORT = 8083


class LlmSettings(BaseSettings):
    """Settings of the llm service."""

    model_config = SettingsConfigDict(env_prefix="LLM_", extra="ignore")

    infra: InfraSettings = Field(default_factory=InfraSettings)

    openrouter_base_url: str = Field(
        "http://127.0.0.1:8092/api/v1",
        description="OpenRouter API base (`/chat/completions` is appended). The default is the "
        "local emulator; production uses https://openrouter.ai/api/v1.")
    openrouter_api_key: SecretStr = Field(
        SecretStr("emulator-key"),
        description="OpenRouter API key, sent as `Authorization: Bearer`. Never logged. One key "
        "per environment: rate limits are per key.")
    http_referer: str = Field(
        "https://github.com/nectar", description="`HTTP-Referer` header (OpenRouter app "
        "attribution).")
    app_title: str = Field("Nectar", description="`X-Title` header (OpenRouter app "
                           "attribution).")
    request_timeout_s: float = Field(
        30.0, gt=0, description="Deadline of one model call (whole request, streaming "
        "included), and the read/write timeout of the HTTP client.")
    connect_timeout_s: float = Field(5.0, gt=0, description="TCP/TLS connect timeout.")
    connect_retries: int = Field(
        1, ge=0, description="Retries of a failed TCP connect inside one call (only connect "
        "errors; anything else moves to the next rung of the fallback chain).")
    max_connections: int = Field(32, ge=1, description="HTTP connection pool size.")
    cache_marker: bool = Field(
        True, description="Send the stable prompt prefix as a content block with an "
        "Anthropic-style `cache_control` marker: some routes cache nothing without it, the "
        "others ignore it.")
    stream: bool = Field(
        True, description="Ask for server-sent events and measure time to first token "
        "(`ttft_ms`, recorded on every answer). Off: one JSON response per call, `ttft_ms` "
        "unknown.")

    routing_file: Path = Field(
        DEFAULT_ROUTING_FILE,
        description="The routing file (TOML, versioned): plan tier x content mode -> primary "
        "model and fallbacks, per-tier output limits and context budgets, rescue and summary "
        "models. Validated at start (the service refuses to start on an invalid file) and "
        "re-read when it changes (an invalid edit is refused and logged).")
    routing_check_interval_s: float = Field(
        2.0, ge=0, description="How often (at most) the routing file's mtime is checked.")
    temperature: float = Field(0.9, ge=0, le=2, description="Sampling temperature of replies.")
    user_daily_budget_usd: float = Field(
        0.5, ge=0, description="Model spend per user per UTC day after which new generations "
        "are refused (`chat.reply_failed` reason over_budget).")
    global_daily_budget_usd: float = Field(
        50.0, ge=0, description="Model spend of the whole service per UTC day after which "
        "every new generation is refused.")
    cost_guard_redis_url: str | None = Field(
        None, description="Redis holding the spend counters and model cooldowns; unset: "
        "`NECTAR_REDIS_URL`. Unreachable counters refuse new generations (fail closed).")
    redis_timeout_s: float = Field(
        0.5, gt=0, description="Connect/read timeout of the spend counters and cooldowns.")
    cooldown_cache_s: float = Field(
        1.0, ge=0, description="How long a replica reuses a cooldown lookup: a cooldown set "
        "by another replica is seen at most this much later (saves a Redis round trip per "
        "turn).")
    default_cooldown_s: float = Field(
        30.0, gt=0, description="Cooldown of a model after a 429 without `Retry-After`.")
    salvage_check_classifier: bool = Field(
        False, description="Whether the refusal check run on every chat answer also asks "
        "salvage's sentence classifier (a few e5 embeddings per answer, ~6-15 ms of CPU; "
        "catches refusals no cue names). Off: the check uses the cues and structure; "
        "salvage itself always uses the classifier once an answer is suspected.")

    @property
    def guard_redis_url(self) -> str:
        return self.cost_guard_redis_url or self.infra.redis_url
