"""`python -m nectar_voice`: run the voice service."""

from nectar_runtime import serve
from nectar_voice.app import SERVICE, create_app
from nectar_voice.settings import DEFAULT_HTTP_PORT, VoiceSettings


def main() -> None:
    settings = VoiceSettings()
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
