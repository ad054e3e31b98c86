"""`python -m nectar_media`: run the media service."""

from nectar_media.app import SERVICE, create_app
from nectar_media.settings import DEFAULT_HTTP_PORT, MediaSettings
from nectar_runtime import run

if __name__ == "__main__":
    run(SERVICE, MediaSettings, create_app, DEFAULT_HTTP_PORT)
