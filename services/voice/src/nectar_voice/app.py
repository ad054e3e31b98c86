"""The voice service's app: consumes voice requests (and user erasures), answers with voice
results.

Readiness: the object store is required (no audio can be delivered without it); each
speech engine is `optional` (one that is down only degrades the chain: the next one
speaks), reported under `degraded` by `/readyz`.
"""

from __future__ import annotations

from nectar_contracts import VoiceFailed, VoiceReady, VoiceRequested
from nectar_runtime import Managed, Runtime, ServiceSpec, subscriptions
from starlette.applications import Starlette

from nectar_voice.bootstrap import build_deps
from nectar_voice.engines import EngineLifecycle
from nectar_voice.handlers import HANDLERS, Deps
from nectar_voice.settings import VoiceSettings

SERVICE = "voice"


def create_app(settings: VoiceSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, redis=runtime.redis, tracer=runtime.tracer,
                              registry=runtime.registry)
    managed: dict[str, Managed] = {}
    if isinstance(deps.library.store, Managed):
        managed["object_store"] = deps.library.store
    engines = {f"engine_{engine.name}": EngineLifecycle(engine)
               for engine in (deps.chain.engines if deps.chain else ())}
    managed.update(engines)
    spec = ServiceSpec(
        subscriptions=subscriptions(SERVICE, HANDLERS, deps, tune={
            VoiceRequested: {"max_in_flight": settings.concurrent_syntheses}}),
        publishes=[VoiceReady, VoiceFailed],
        managed=managed,
        optional=set(engines),
    )
    return runtime.build(spec), runtime
