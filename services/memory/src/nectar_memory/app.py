"""The memory service's app: turns in, contexts out; replies and summaries into memory.

Readiness: Redis (and NATS) failing makes the service not ready, as for every service. Chroma
is degradable (a turn is answered from the hot buffer alone), so a Chroma failure must not
take the replicas out of the load balancer: `/readyz` keeps its status and reports it in the
body under `degraded`, with a warning log and `nectar_dependency_up{dependency="chroma"}` at 0
(an `optional` managed adapter of the runtime's ServiceSpec).
"""

from __future__ import annotations

from nectar_contracts import ContextReady, SummaryRequested
from nectar_runtime import Managed, Runtime, ServiceSpec, subscriptions
from starlette.applications import Starlette

from nectar_memory.bootstrap import build_deps
from nectar_memory.handlers import HANDLERS, Deps
from nectar_memory.notes import keep_notes
from nectar_memory.settings import MemorySettings

SERVICE = "memory"


def create_app(settings: MemorySettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, redis=runtime.redis, registry=runtime.registry)
    managed: dict[str, Managed] = {"chroma": deps.index}
    if isinstance(deps.embedder, Managed):  # the HTTP embedder holds a client
        managed["embedder"] = deps.embedder
    spec = ServiceSpec(
        subscriptions=subscriptions("memory", HANDLERS, deps),
        publishes=[ContextReady, SummaryRequested],
        managed=managed,
        optional={"chroma"},
        # which conversations have summaries, so a turn without any skips the index
        background=[lambda: keep_notes(deps.store, deps.index)],
    )
    return runtime.build(spec), runtime
