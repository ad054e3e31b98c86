"""`python -m nectar_edge`: run the Telegram edge."""

import sys

from nectar_runtime import serve

from nectar_edge.app import SERVICE, create_app
from nectar_edge.settings import DEFAULT_HTTP_PORT, EdgeSettings


def main() -> None:
    settings = EdgeSettings()  # type: ignore[call-arg]  # token comes from the environment
    try:
        settings.check_production_secrets()
    except ValueError as exc:
        sys.exit(f"{SERVICE}: not started: {exc}")
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
