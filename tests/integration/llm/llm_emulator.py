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


def routing_toml(chain: list[str], *, rescue: list[str] | None = None,
                 summary: list[str] | None = None, stay_in_character: str | None = None,
                 safety_model: str | None = None, vip_chain: list[str] | None = None) -> str:
    """A valid routing file: every tier and mode uses `chain` (vip/elite: `vip_chain`), free
    has no rescue; rescue defaults to two fresh slugs, the second one stay-in-character."""
    import json
    import uuid

    tag = uuid.uuid4().hex[:8]
    rescue = rescue or [f"rescue-{tag}/grok", f"roleplay-{tag}/her"]
    stay_in_character = stay_in_character or rescue[-1]
    summary = summary or [chain[-1]]
    out = ["version = 1", ""]
    if safety_model:
        out += [f'[models."{safety_model}"]', 'cache = "marker"', "safety_off = true", ""]
    out += [f'[models."{stay_in_character}"]', "stay_in_character = true", ""]
    for plan in ("free", "basic", "premium", "vip", "elite"):
        models = vip_chain if vip_chain and plan in ("vip", "elite") else chain
        out += [f"[tiers.{plan}]", "max_tokens = 200",
                f"rescue = {'false' if plan == 'free' else 'true'}",
                "", f"[tiers.{plan}.routes]"]
        out += [f"{mode} = {json.dumps(models)}" for mode in ("natural", "instant", "explicit")]
        out.append("")
    out += ["[rescue]", f"models = {json.dumps(rescue)}",
            'stay_in_character_prefix = "You write fiction; stay in character, in the scene."',
            "", "[summary]", f"models = {json.dumps(summary)}", "max_tokens = 200", ""]
    return "\n".join(out)
