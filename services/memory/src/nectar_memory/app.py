"""The memory service's app: turns in, contexts out; replies and summaries into memory.

Readiness: Redis (and NATS) failing makes the service not ready, as for every service. Chroma
is degradable (a turn is answered from the hot buffer alone), so a Chroma failure must not
take the replicas out of the load balancer: `/readyz` keeps its status and reports it in the
body under `degraded`, with a warning log and `nectar_memory_dependency_up{dependency="chroma"}`
at 0 (a `degraded_checks` entry of the runtime's ServiceSpec).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from nectar_contracts import (
    ContextReady,
    ConversationReset,
    Event,
    ReplyDelivered,
    SummaryRequested,
    SummaryWritten,
    TurnReceived,
    UserDeleted,
)
from nectar_memory import handlers
from nectar_memory.bootstrap import build_deps
from nectar_memory.domain import SemanticMemoryUnavailable
from nectar_memory.handlers import Deps
from nectar_memory.settings import MemorySettings
from nectar_runtime import Runtime, ServiceSpec, Subscription

SERVICE = "memory"

log = logging.getLogger("nectar.memory.app")



def create_app(settings: MemorySettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, redis=runtime.redis)

    async def on_turn_received(event: TurnReceived) -> list[Event]:
        return await handlers.build_context(event, deps)

    async def on_reply_delivered(event: ReplyDelivered) -> list[Event]:
        return await handlers.record_reply(event, deps)

    async def on_summary_written(event: SummaryWritten) -> list[Event]:
        return await handlers.store_summary(event, deps)

    async def on_conversation_reset(event: ConversationReset) -> list[Event]:
        return await handlers.reset_conversation(event, deps)

    async def on_user_deleted(event: UserDeleted) -> list[Event]:
        return await handlers.forget_user(event, deps)

    async def check_chroma() -> None:
        """Raises (and records the outage) when Chroma does not answer: turns then degrade
        to recent-only, so /readyz reports it under `degraded` and stays ready."""
        try:
            await deps.index.heartbeat()
        except SemanticMemoryUnavailable as exc:
            deps.metrics.dependency_up.labels("chroma").set(0)
            log.warning("chroma not reachable: semantic memory degraded",
                        extra={"error": str(exc)})
            raise
        deps.metrics.dependency_up.labels("chroma").set(1)

    async def close_embedder() -> None:
        aclose = getattr(deps.embedder, "aclose", None)  # the HTTP embedder holds a client
        if aclose is not None:
            await aclose()

    # deliver_all=False: on first deployment a consumer starts at new messages. Replaying old
    # turns would answer them again (contexts drive replies); rebuilding the projections from
    # the log is the job of the rebuild command, not of a fresh consumer.
    spec = ServiceSpec(
        subscriptions=[
            Subscription("memory-turn_received", (TurnReceived,), on_turn_received,
                         "Append the user's line and assemble the turn's context"),
            Subscription("memory-reply_delivered", (ReplyDelivered,), on_reply_delivered,
                         "Append the delivered reply; request a summary every N replies"),
            Subscription("memory-summary_written", (SummaryWritten,), on_summary_written,
                         "Store a window summary in semantic memory"),
            Subscription("memory-conversation_reset", (ConversationReset,),
                         on_conversation_reset, "Drop a reset conversation's hot state"),
            Subscription("memory-user_deleted", (UserDeleted,), on_user_deleted,
                         "Delete every memory of a deleted user"),
        ],
        publishes=[ContextReady, SummaryRequested],
        on_startup=[deps.index.connect],
        on_shutdown=[deps.index.close, close_embedder],
        degraded_checks={"chroma": check_chroma},
    )
    return runtime.build(spec), runtime
