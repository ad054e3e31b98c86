"""Helpers of the llm integration tests: the OpenRouter emulator and its control API."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

EMULATOR_KEY = "sk-or-emulated-integration-secret"


@dataclass(frozen=True)
class Emulator:
    """A running emulator: its OpenRouter base URL and a client of its control API."""

    url: str
    control: httpx.AsyncClient

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v1"

    async def script(self, model: str, behaviour: str, times: int | None = 1) -> None:
        response = await self.control.post("/_emulator/script", json={
            "model": model, "behaviour": behaviour, "times": times})
        response.raise_for_status()

    async def calls(self, model: str) -> list[dict]:
        response = await self.control.get("/_emulator/calls", params={"model": model})
        response.raise_for_status()
        return response.json()["calls"]
