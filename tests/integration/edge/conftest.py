"""Edge integration fixtures: real NATS and Redis (`infra`), the Telegram emulator served
in-process, and the edge app served in-process on a free port."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.js import JetStreamContext
from nectar_edge.app import SERVICE, create_app
from nectar_edge.settings import EdgeSettings
from nectar_emulators._server import RunningServer, serve
from nectar_emulators.telegram import TelegramEmulatorSettings
from nectar_emulators.telegram import create_app as create_telegram_app
from nectar_runtime import InfraSettings, Runtime
from nectar_runtime.testing import free_port, serve_app
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from redis.asyncio import Redis


@pytest.fixture
async def telegram() -> AsyncIterator[RunningServer]:
    settings = TelegramEmulatorSettings(webhook_retry_delays_s=[0.05, 0.1, 0.2],
                                        webhook_idle_retry_s=0.3)
    async with serve(create_telegram_app(settings)) as server:
        yield server


@pytest.fixture
def token() -> str:
    """A fresh, well-formed bot token: its own bot in the emulator."""
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"


@pytest.fixture
def user_id() -> int:
    return secrets.randbelow(10**9) + 10**8


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


@pytest.fixture
async def js(infra) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(infra.nats_url)
    yield nc.jetstream()
    await nc.close()


@pytest.fixture
async def redis(infra) -> AsyncIterator[Redis]:
    client = Redis.from_url(infra.redis_url, decode_responses=True)
    yield client
    await client.aclose()


@dataclass
class Edge:
    """A running edge, the emulator it talks to and the handles a test needs."""

    url: str
    settings: EdgeSettings
    telegram: str
    token: str
    spans_file: Path

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":")[0])

    @property
    def webhook(self) -> str:
        return f"{self.url}/telegram/webhook"

    @property
    def secret(self) -> str:
        assert self.settings.webhook_secret is not None
        return self.settings.webhook_secret.get_secret_value()

    def spans(self) -> list[dict[str, Any]]:
        if not self.spans_file.exists():
            return []
        return [json.loads(line) for line in self.spans_file.read_text().splitlines() if line]

    async def handled(self, update_id: int, timeout: float = 15) -> bool:
        """Wait until an edge consumer handled the update (its dedupe mark is `done`):
        the webhook only queues updates on the bus."""
        key = f"edge:update:{self.bot_id}:{update_id}"
        redis = Redis.from_url(self.settings.infra.redis_url, decode_responses=True)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if await redis.get(key) == "done":
                    return True
                await asyncio.sleep(0.05)
            return False
        finally:
            await redis.aclose()

    async def user_says(self, http: httpx.AsyncClient, user: int, text: str,
                        wait_handled: bool = True, **profile: Any) -> dict[str, Any]:
        """The user writes to the bot in the emulator; waits for the delivery to the edge
        and (by default) for the edge to have handled the update."""
        resp = await http.post(
            f"{self.telegram}/_emulator/bots/{self.token}/users/{user}/messages",
            params={"wait": 10}, json={"text": text, "first_name": "Test", **profile})
        resp.raise_for_status()
        receipt = resp.json()
        if wait_handled:
            assert await self.handled(receipt["update_id"]), "the edge did not handle it"
        return receipt

    async def press(self, http: httpx.AsyncClient, user: int, data: str,
                    **profile: Any) -> dict[str, Any]:
        """The user presses an inline button; waits until the edge handled it."""
        resp = await http.post(
            f"{self.telegram}/_emulator/bots/{self.token}/users/{user}/callback",
            params={"wait": 10}, json={"data": data, "first_name": "Test", **profile})
        resp.raise_for_status()
        receipt = resp.json()
        assert await self.handled(receipt["update_id"]), "the edge did not handle it"
        return receipt

    async def calls(self, http: httpx.AsyncClient, method: str,
                    chat_id: int | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"method": method}
        if chat_id is not None:
            params["chat_id"] = chat_id
        resp = await http.get(f"{self.telegram}/_emulator/bots/{self.token}/calls",
                              params=params)
        resp.raise_for_status()
        return resp.json()["calls"]

    async def messages(self, http: httpx.AsyncClient, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent to the chat, as the chat shows it (message ids included)."""
        resp = await http.get(
            f"{self.telegram}/_emulator/bots/{self.token}/chats/{chat_id}/messages")
        resp.raise_for_status()
        return resp.json()["messages"]

    async def fault(self, http: httpx.AsyncClient, **fault: Any) -> None:
        resp = await http.post(f"{self.telegram}/_emulator/faults",
                               json={"token": self.token, **fault})
        resp.raise_for_status()


def plans_file(tmp_path: Path, daily_turn_limits: dict[str, int]) -> Path:
    """A copy of the plan catalog with other daily turn limits (the edge reads its limits
    from the catalog, `NECTAR_PLANS_FILE`)."""
    import re

    from nectar_contracts.plans import PACKAGED_PLANS_FILE

    text = PACKAGED_PLANS_FILE.read_text()
    for plan, limit in daily_turn_limits.items():
        text = re.sub(rf"(\[plans\.{plan}\][^\[]*?daily_messages = )\d+", rf"\g<1>{limit}",
                      text, flags=re.DOTALL)
    path = tmp_path / f"plans-{secrets.token_hex(4)}.toml"
    path.write_text(text)
    return path


@pytest.fixture
def edge_service(infra, telegram: RunningServer, token: str, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`async with edge_service(webhook=True, **settings) as edge:` runs the edge app.
    `daily_turn_limits={plan: n}` runs it on a plan catalog with those limits; `redis_url`
    on another Redis than the session's."""

    @asynccontextmanager
    async def run(webhook: bool = True, redis_url: str | None = None,
                  **overrides: Any) -> AsyncIterator[Edge]:
        limits = overrides.pop("daily_turn_limits", None)
        if limits:
            monkeypatch.setenv("NECTAR_PLANS_FILE", str(plans_file(tmp_path, limits)))
        port = free_port()
        spans_file = tmp_path / f"spans-{port}.jsonl"
        # one chat action per turn within a test's few seconds (tests count them)
        overrides.setdefault("chat_action_every_s", 60.0)
        settings = EdgeSettings(
            infra=InfraSettings(nats_url=infra.nats_url, redis_url=redis_url or infra.redis_url,
                                backoff_base_s=0.1, backoff_max_s=1.0,
                                otel_spans_file=spans_file),
            telegram_bot_token=SecretStr(token),
            telegram_api_base=telegram.url,
            webhook_url=f"http://127.0.0.1:{port}/telegram/webhook" if webhook else None,
            webhook_secret=SecretStr(secrets.token_urlsafe(24)) if webhook else None,
            poll_timeout_s=1,
            delivery_in_flight_retry_s=0.2,
            **overrides,
        )
        app, _ = create_app(settings, runtime=Runtime(SERVICE, settings.infra,
                                                      registry=CollectorRegistry()))
        async with serve_app(app, port=port) as url:
            yield Edge(url, settings, telegram.url, token, spans_file)

    return run

