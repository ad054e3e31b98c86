"""The voice service's app: consumes voice requests, answers with voice results."""

from __future__ import annotations

from starlette.applications import Starlette

from nectar_contracts import Event, VoiceFailed, VoiceReady, VoiceRequested
from nectar_runtime import Runtime, ServiceSpec, Subscription
from nectar_voice import handlers
from nectar_voice.bootstrap import build_deps
from nectar_voice.handlers import Deps
from nectar_voice.settings import VoiceSettings

SERVICE = "voice"


def create_app(settings: VoiceSettings, deps: Deps | None = None,
               runtime: Runtime | None = None) -> tuple[Starlette, Runtime]:
    deps = deps or build_deps()
    runtime = runtime or Runtime(SERVICE, settings.infra)

    async def on_voice_requested(event: VoiceRequested) -> list[Event]:
        return await handlers.synthesize_voice(event, deps)

    spec = ServiceSpec(
        subscriptions=[Subscription("voice-voice_requested", (VoiceRequested,),
                                    on_voice_requested, "Synthesize a reply as a voice note")],
        publishes=[VoiceReady, VoiceFailed],
    )
    return runtime.build(spec), runtime
