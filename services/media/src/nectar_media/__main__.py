"""`python -m nectar_media`: run the media service."""

from nectar_media.app import SERVICE, create_app
from nectar_media.settings import DEFAULT_HTTP_PORT, MediaSettings
from nectar_runtime import serve


def main() -> None:
    settings = MediaSettings()
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
