"""`python -m nectar_llm`: run the llm service."""

from nectar_llm.app import SERVICE, create_app
from nectar_llm.settings import DEFAULT_HTTP_PORT, LlmSettings
from nectar_runtime import run

if __name__ == "__main__":
    run(SERVICE, LlmSettings, create_app, DEFAULT_HTTP_PORT)
