"""Composition root of the voice service: settings -> `Deps`."""

from __future__ import annotations

from nectar_runtime import ConfigurationError
from nectar_voice.handlers import Deps
from nectar_voice.settings import VoiceSettings


def build_deps(settings: VoiceSettings) -> Deps:
    """The handlers' dependencies. `VOICE_ENABLED=true` stops the service at startup: no
    speech engine exists yet to speak with."""
    if settings.enabled:
        raise ConfigurationError(
            "VOICE_ENABLED=true needs a speech engine, and this build has none yet (Inworld "
            "and the offline engines come with the voice feature); set VOICE_ENABLED=false "
            "meanwhile: requests are then answered `not_available`")
    return Deps()
