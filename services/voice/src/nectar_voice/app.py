"""The voice service's app: consumes voice requests, answers with voice results."""

from __future__ import annotations

from starlette.applications import Starlette

from nectar_contracts import VoiceFailed, VoiceReady
from nectar_runtime import Runtime, ServiceSpec, subscriptions
from nectar_voice.bootstrap import build_deps
from nectar_voice.handlers import HANDLERS, Deps
from nectar_voice.settings import VoiceSettings

SERVICE = "voice"


def create_app(settings: VoiceSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    deps = deps or build_deps(settings)
    runtime = runtime or Runtime(SERVICE, settings.infra)
    spec = ServiceSpec(subscriptions=subscriptions(SERVICE, HANDLERS, deps),
                       publishes=[VoiceReady, VoiceFailed])
    return runtime.build(spec), runtime
