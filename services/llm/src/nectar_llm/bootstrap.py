"""Composition root of the llm service: settings -> adapters -> `Deps`. Nothing connects here
(the routing file is read and validated here: an invalid file stops the service at start)."""

from __future__ import annotations

from opentelemetry.trace import Tracer
from prometheus_client import REGISTRY, CollectorRegistry

from nectar_llm.adapters.openrouter import OpenRouterChatModel
from nectar_llm.adapters.redis_guard import RedisCooldowns, RedisCostGuard
from nectar_llm.domain import salvage
from nectar_llm.domain.characters import CharacterCatalog
from nectar_llm.domain.gating import KeywordClassifier
from nectar_llm.handlers import Deps
from nectar_llm.ports import ChatModel, Cooldowns, CostGuard, EscalationClassifier
from nectar_llm.routing_file import RoutingSource
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
               classifier: EscalationClassifier | None = None,
               cost_guard: CostGuard | None = None, cooldowns: Cooldowns | None = None,
               routing: RoutingSource | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """Everything the handlers need; each adapter can be overridden by keyword."""
    salvage.check_with_classifier(settings.salvage_check_classifier)
    return Deps(
        chat_model=chat_model or build_chat_model(settings),
        routing=routing or RoutingSource(settings.routing_file,
                                         settings.routing_check_interval_s),
        characters=characters or CharacterCatalog(),
        classifier=classifier or KeywordClassifier(),
        cost_guard=cost_guard or RedisCostGuard(
            settings.guard_redis_url, user_daily_usd=settings.user_daily_budget_usd,
            global_daily_usd=settings.global_daily_budget_usd,
            timeout_s=settings.redis_timeout_s),
        cooldowns=cooldowns or RedisCooldowns(settings.guard_redis_url,
                                              timeout_s=settings.redis_timeout_s,
                                              local_cache_s=settings.cooldown_cache_s),
        telemetry=CallTelemetry(tracer, LlmMetrics.for_registry(registry)),
        temperature=settings.temperature,
        stream=settings.stream,
        default_cooldown_s=settings.default_cooldown_s,
    )
