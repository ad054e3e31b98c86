"""Composition root of the voice service: settings -> `Deps`, every adapter overridable."""

from __future__ import annotations

from collections.abc import Sequence

from nectar_contracts.plans import PlanCatalog, PlanCatalogError, load_plan_catalog
from nectar_runtime import ConfigurationError
from nectar_runtime.objectstore import ObjectStore, S3ObjectStore
from opentelemetry.trace import Tracer
from prometheus_client import REGISTRY, CollectorRegistry
from redis.asyncio import Redis

from nectar_voice.adapters.redis_budget import RedisCharacterBudget
from nectar_voice.budget import BudgetPolicy, allowance_from
from nectar_voice.domain.catalog import CatalogError
from nectar_voice.engines import build_chain, usable_engine_names
from nectar_voice.handlers import Deps
from nectar_voice.library import AudioLibrary
from nectar_voice.ports import CharacterBudget, SpeechEngine
from nectar_voice.settings import VoiceSettings
from nectar_voice.telemetry import VoiceMetrics, VoiceTelemetry


def build_deps(settings: VoiceSettings, *, redis: Redis | None = None,
               store: ObjectStore | None = None, budget: CharacterBudget | None = None,
               engines: Sequence[SpeechEngine] | None = None,
               plans: PlanCatalog | None = None, tracer: Tracer | None = None,
               registry: CollectorRegistry = REGISTRY) -> Deps:
    """The handlers' dependencies. Nothing connects here: the object store and the engines
    are `Managed` (started by the app's lifespan), Redis connects on first command.

    The object store and the budget counters are built whether voice is on or not: a
    user's erasure must reach their audio either way. A voice catalog, dictionary or plan
    catalog that does not validate, or a chain with no usable engine, is a
    `ConfigurationError` (the service refuses to start, saying what to fix)."""
    store = store or S3ObjectStore(settings.s3, settings.bucket)
    if budget is None:
        budget = RedisCharacterBudget(redis or Redis.from_url(
            settings.infra.redis_url, socket_timeout=5, socket_connect_timeout=5))
    try:
        allowance = allowance_from(plans or load_plan_catalog(), settings.global_daily_chars)
    except PlanCatalogError as exc:
        raise ConfigurationError(f"voice budget: {exc}") from exc
    policy = BudgetPolicy(counters=budget, allowance=allowance,
                          paid_engines=settings.paid_engine_names)
    library = AudioLibrary(store=store, bucket=settings.bucket)
    if not settings.enabled:
        return Deps(library=library, budget=policy)
    telemetry = VoiceTelemetry(metrics=VoiceMetrics.for_registry(registry),
                               **({"tracer": tracer} if tracer is not None else {}))
    try:
        chain = build_chain(settings, engines=engines, telemetry=telemetry)
    except CatalogError as exc:
        raise ConfigurationError(f"voice data: {exc}") from exc
    if not chain.engines:
        why = ("VOICE_ENGINES lists only inworld, and VOICE_INWORLD_API_KEY is not set"
               if settings.engine_names and not usable_engine_names(settings)
               else "VOICE_ENGINES is empty")
        raise ConfigurationError(f"voice has no speech engine: {why}; list an offline engine "
                                 "(piper, espeak) or set VOICE_ENABLED=false")
    return Deps(library=library, chain=chain, budget=policy)
