"""`python -m nectar_edge`: run the Telegram edge."""

from nectar_runtime import serve

from nectar_edge.app import SERVICE, create_app
from nectar_edge.settings import DEFAULT_HTTP_PORT, EdgeSettings


def main() -> None:
    settings = EdgeSettings()  # type: ignore[call-arg]  # token comes from the environment
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
