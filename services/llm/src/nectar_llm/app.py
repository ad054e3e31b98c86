"""The llm service's app: consumes contexts and summary requests, publishes replies and
summaries."""

from __future__ import annotations

from collections.abc import Sequence

from nectar_contracts import (
    ContextReady,
    Event,
    ReplyFailed,
    ReplyReady,
    SummaryRequested,
    SummaryWritten,
    VoiceRequested,
)
from nectar_runtime import Runtime, ServiceSpec, Subscription
from starlette.applications import Starlette

from nectar_llm import handlers
from nectar_llm.bootstrap import build_deps
from nectar_llm.handlers import Deps
from nectar_llm.ports import Managed
from nectar_llm.settings import LlmSettings

SERVICE = "llm"


def create_app(settings: LlmSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, tracer=runtime.tracer, registry=runtime.registry)

    async def on_context_ready(event: ContextReady) -> Sequence[Event]:
        return await handlers.generate_reply(event, deps)

    async def on_summary_requested(event: SummaryRequested) -> Sequence[Event]:
        return await handlers.summarize_window(event, deps)

    # Connections (the chat model's HTTP client, the guard's Redis) open and close with the
    # lifespan.
    managed = {name: dep for name, dep in (("chat_model", deps.chat_model),
                                           ("cost_guard", deps.cost_guard),
                                           ("cooldowns", deps.cooldowns))
               if isinstance(dep, Managed)}

    spec = ServiceSpec(
        subscriptions=[
            Subscription("llm-context_ready", (ContextReady,), on_context_ready,
                         "Answer a turn as the character (fallback chain of models)"),
            Subscription("llm-summary_requested", (SummaryRequested,), on_summary_requested,
                         "Summarise a window of a conversation for semantic memory"),
        ],
        publishes=[ReplyReady, ReplyFailed, VoiceRequested, SummaryWritten],
        on_startup=[dep.start for dep in managed.values()],
        on_shutdown=[dep.aclose for dep in managed.values()],
        ready_checks={name: dep.ready for name, dep in managed.items()},
    )
    return runtime.build(spec), runtime
