"""Fixtures: each emulator served in-process by uvicorn on a free port, fresh per test."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.openrouter import OpenRouterEmulatorSettings
from nectar_emulators.openrouter import create_app as create_openrouter_app
from nectar_emulators.telegram import TelegramEmulatorSettings
from nectar_emulators.telegram import create_app as create_telegram_app


@pytest.fixture
def telegram_settings() -> TelegramEmulatorSettings:
    # Fast webhook retries keep failure-path tests short.
    return TelegramEmulatorSettings(webhook_retry_delays_s=[0.05, 0.05], webhook_idle_retry_s=0.3)


@pytest.fixture
async def telegram(telegram_settings: TelegramEmulatorSettings) -> AsyncIterator[RunningServer]:
    async with serve(create_telegram_app(telegram_settings)) as server:
        yield server


@pytest.fixture
def openrouter_settings() -> OpenRouterEmulatorSettings:
    return OpenRouterEmulatorSettings()


@pytest.fixture
async def openrouter(
    openrouter_settings: OpenRouterEmulatorSettings,
) -> AsyncIterator[RunningServer]:
    async with serve(create_openrouter_app(openrouter_settings)) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


@pytest.fixture
def token() -> str:
    """A fresh, well-formed bot token (its own bot in the emulator)."""
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"


@pytest.fixture
def user_id() -> int:
    return secrets.randbelow(10**9) + 10**8
