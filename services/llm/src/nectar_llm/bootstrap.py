"""Composition root of the llm service: settings -> adapters -> `Deps`. Nothing connects here."""

from __future__ import annotations

from opentelemetry.trace import Tracer
from prometheus_client import REGISTRY, CollectorRegistry

from nectar_llm.adapters.openrouter import OpenRouterChatModel
from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.routing import ModelChain, Routes
from nectar_llm.handlers import Deps, Generation
from nectar_llm.ports import ChatModel
from nectar_llm.settings import LlmSettings
from nectar_llm.telemetry import CallTelemetry, LlmMetrics


def build_chat_model(settings: LlmSettings) -> OpenRouterChatModel:
    """The OpenRouter adapter configured from settings (its client opens in `start()`)."""
    return OpenRouterChatModel(
        base_url=settings.openrouter_base_url, api_key=settings.openrouter_api_key,
        http_referer=settings.http_referer, app_title=settings.app_title,
        timeout_s=settings.request_timeout_s, connect_timeout_s=settings.connect_timeout_s,
        connect_retries=settings.connect_retries, max_connections=settings.max_connections,
        cache_marker=settings.cache_marker,
    )


def build_deps(settings: LlmSettings, *, tracer: Tracer, chat_model: ChatModel | None = None,
               characters: CharacterCatalog | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Everything the handlers need; each adapter can be overridden by keyword."""
    return Deps(
        chat_model=chat_model or build_chat_model(settings),
        routes=Routes(reply=ModelChain(settings.reply_chain),
                      summary=ModelChain(settings.summary_chain)),
        characters=characters or CharacterCatalog(),
        reply=Generation(settings.max_tokens, settings.temperature, settings.stream),
        summary=Generation(settings.summary_max_tokens, settings.summary_temperature,
                           settings.stream),
        telemetry=CallTelemetry(tracer, LlmMetrics.for_registry(registry)),
    )
