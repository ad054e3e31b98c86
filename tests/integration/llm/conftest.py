"""Fixtures of the llm integration tests: the OpenRouter emulator served in-process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from llm_emulator import EMULATOR_KEY, Emulator
from nectar_emulators.openrouter import OpenRouterEmulatorSettings, create_app
from nectar_runtime.testing import serve_app


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[Emulator]:
    app = create_app(OpenRouterEmulatorSettings(api_key=EMULATOR_KEY, default_timeout_s=5))
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url) as control:
        yield Emulator(url, control)


@pytest.fixture
def models() -> tuple[str, str]:
    """Unique (primary, fallback) slugs on two providers, so scripts never leak between
    tests."""
    tag = uuid.uuid4().hex[:8]
    return f"it-{tag}-a/primary", f"it-{tag}-b/fallback"
