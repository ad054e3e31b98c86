"""`python -m nectar_memory`: run the memory service."""

from nectar_memory.app import SERVICE, create_app
from nectar_memory.settings import DEFAULT_HTTP_PORT, MemorySettings
from nectar_runtime import serve


def main() -> None:
    settings = MemorySettings()
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
