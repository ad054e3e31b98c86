"""`python -m nectar_llm`: run the llm service."""

from nectar_runtime import serve

from nectar_llm.app import SERVICE, create_app
from nectar_llm.settings import DEFAULT_HTTP_PORT, LlmSettings


def main() -> None:
    settings = LlmSettings()
    app, _ = create_app(settings)
    serve(app, SERVICE, settings.infra, DEFAULT_HTTP_PORT)


if __name__ == "__main__":
    main()
