"""The llm service's app: consumes contexts and summary requests, publishes replies and
summaries."""

from __future__ import annotations

from starlette.applications import Starlette

from nectar_contracts import ReplyFailed, ReplyReady, SummaryWritten, VoiceRequested
from nectar_llm.bootstrap import build_deps
from nectar_llm.handlers import HANDLERS, Deps
from nectar_llm.settings import LlmSettings
from nectar_runtime import Managed, Runtime, ServiceSpec, subscriptions

SERVICE = "llm"


def create_app(settings: LlmSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    runtime = runtime or Runtime(SERVICE, settings.infra)
    deps = deps or build_deps(settings, tracer=runtime.tracer, registry=runtime.registry)
    # Connections (the chat model's HTTP client, the guard's Redis) open and close with the
    # lifespan; fakes without a lifecycle are left alone.
    managed = {name: dep for name, dep in (("chat_model", deps.chat_model),
                                           ("cost_guard", deps.cost_guard),
                                           ("cooldowns", deps.cooldowns))
               if isinstance(dep, Managed)}
    spec = ServiceSpec(
        subscriptions=subscriptions("llm", HANDLERS, deps),
        publishes=[ReplyReady, ReplyFailed, VoiceRequested, SummaryWritten],
        managed=managed,
    )
    return runtime.build(spec), runtime
