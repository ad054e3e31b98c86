"""`python -m nectar_memory`: run the memory service."""

from nectar_runtime import run

from nectar_memory.app import SERVICE, create_app
from nectar_memory.settings import DEFAULT_HTTP_PORT, MemorySettings

if __name__ == "__main__":
    run(SERVICE, MemorySettings, create_app, DEFAULT_HTTP_PORT)
