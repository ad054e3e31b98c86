"""llm service settings (env prefix `LLM_`)."""

from __future__ import annotations

from typing import Annotated

from nectar_runtime import InfraSettings
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
        False, description="Ask for server-sent events and measure time to first token "
        "(`ttft_ms`). Off: one JSON response per call, `ttft_ms` unknown.")

    primary_model: str = Field(
        "nousresearch/hermes-3-llama-3.1-70b",
        description="First rung of the reply fallback chain (OpenRouter model slug).")
    fallback_models: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["mistralai/mistral-nemo"],
        description="Next rungs of the reply chain, tried in order when the previous one "
        "fails (HTTP error, timeout, or an empty completion). Comma-separated in the env; "
        "prefer models hosted by a different provider than the primary.")
    summary_model: str = Field("mistralai/mistral-nemo",
                               description="Model that writes window summaries.")

    max_tokens: int = Field(400, ge=1, description="Completion token cap of a reply.")
    temperature: float = Field(0.9, ge=0, le=2, description="Sampling temperature of replies.")
    summary_max_tokens: int = Field(300, ge=1, description="Completion token cap of a summary.")
    summary_temperature: float = Field(0.3, ge=0, le=2,
                                       description="Sampling temperature of summaries.")

    @field_validator("fallback_models", mode="before")
    @classmethod
    def _split_models(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def reply_chain(self) -> tuple[str, ...]:
        """Primary then fallbacks, without repeats (order kept)."""
        return tuple(dict.fromkeys([self.primary_model, *self.fallback_models]))

    @property
    def summary_chain(self) -> tuple[str, ...]:
        """Summaries use only the summary model: a failure is retried by redelivery."""
        return (self.summary_model,)
