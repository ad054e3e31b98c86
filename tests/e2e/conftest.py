"""The whole stack (infra, emulators, six services) as real processes, once per module."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from nectar_devstack.config import StackConfig
from nectar_devstack.stack import Stack
from nectar_devstack.testing import start_stack


@dataclass
class FullStack:
    stack: Stack
    config: StackConfig
    env: dict[str, str]

    @property
    def webhook(self) -> str:
        port = self.config.service_ports["telegram_edge"]
        return f"http://{self.config.host}:{port}/telegram/webhook"

    @property
    def telegram(self) -> str:
        return f"http://{self.config.host}:{self.config.telegram_emulator_port}"

    @property
    def token(self) -> str:
        return self.env["EDGE_TELEGRAM_BOT_TOKEN"]

    @property
    def secret(self) -> str:
        return self.env["EDGE_WEBHOOK_SECRET"]

    @property
    def nats_url(self) -> str:
        return self.env["NECTAR_NATS_URL"]

    @property
    def spans_file(self) -> Path:
        return Path(self.env["NECTAR_OTEL_SPANS_FILE"])

    def update(self, user: int, text: str, update_id: int, lang: str = "en") -> dict[str, Any]:
        return {"update_id": update_id, "message": {
            "message_id": update_id % 100000, "date": int(time.time()), "text": text,
            "chat": {"id": user, "type": "private", "first_name": "E2E"},
            "from": {"id": user, "is_bot": False, "first_name": "E2E",
                     "language_code": lang},
            **({"entities": [{"type": "bot_command", "offset": 0,
                              "length": len(text.split()[0])}]}
               if text.startswith("/") else {})}}

    async def post_update(self, client: httpx.AsyncClient,
                          update: dict[str, Any]) -> dict[str, Any]:
        """Telegram's side: the emulator queues the update and POSTs it to the edge webhook
        with the secret token (waits until the webhook answered)."""
        resp = await client.post(f"{self.telegram}/_emulator/bots/{self.token}/updates",
                                 params={"wait": 10}, json=update)
        resp.raise_for_status()
        return dict(resp.json())

    async def post_direct(self, client: httpx.AsyncClient, update: dict[str, Any],
                          secret: str) -> httpx.Response:
        """Anyone else on the network: POST straight to the webhook with a given secret."""
        return await client.post(self.webhook, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": secret})

    async def sent(self, client: httpx.AsyncClient, chat_id: int,
                   method: str = "sendMessage") -> list[dict[str, Any]]:
        resp = await client.get(f"{self.telegram}/_emulator/bots/{self.token}/calls",
                                params={"method": method})
        resp.raise_for_status()
        data = resp.json()
        calls = data["calls"] if isinstance(data, dict) else data
        return [c for c in calls if int(c["params"].get("chat_id", 0)) == chat_id]

    async def wait_sent(self, client: httpx.AsyncClient, chat_id: int, count: int = 1,
                        timeout: float = 30, method: str = "sendMessage") -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            calls = await self.sent(client, chat_id, method)
            if len(calls) >= count or time.monotonic() > deadline:
                return calls
            await asyncio.sleep(0.2)

    def spans(self) -> list[dict[str, Any]]:
        if not self.spans_file.exists():
            return []
        return [json.loads(line) for line in self.spans_file.read_text().splitlines() if line]


@pytest.fixture(scope="module")
def full_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FullStack]:
    stack, config = start_stack(tmp_path_factory.mktemp("stack"), None, timeout=180)
    try:
        yield FullStack(stack, config, stack.env())
    finally:
        stack.down()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as c:
        yield c


@pytest.fixture
async def js(full_stack: FullStack) -> AsyncIterator[Any]:
    nc = await nats.connect(full_stack.nats_url)
    yield nc.jetstream()
    await nc.close()
