"""Inworld TTS emulator: `POST /tts/v1/voice` (and `:stream`, and the voice list) with real,
decodable audio and scriptable failures.

Speaks Inworld's wire format (Basic auth, `voiceId`, `modelId`, `audioConfig`, base64
`audioContent`, `usage.processedCharactersCount`, gRPC-gateway error bodies) and lets tests,
a terminal user or the local stack choose how it fails: control API
`POST /_emulator/script {"behaviour": "<spec>", "times": N}` (FIFO, one use per synthesis
call), `--behaviour` for every call, a character budget (`--character-budget`,
`POST /_emulator/budget`). Behaviour specs are listed in `behaviours.py`.
"""

from .app import create_app
from .settings import InworldEmulatorSettings

__all__ = ["InworldEmulatorSettings", "create_app"]
