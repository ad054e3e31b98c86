"""`python -m nectar_voice`: run the voice service."""

from nectar_runtime import run
from nectar_voice.app import SERVICE, create_app
from nectar_voice.settings import DEFAULT_HTTP_PORT, VoiceSettings

if __name__ == "__main__":
    run(SERVICE, VoiceSettings, create_app, DEFAULT_HTTP_PORT)
