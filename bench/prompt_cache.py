"""Prompt caching: share of prompt tokens read from the provider cache, per cache family.

What it measures
  A 10-turn conversation per family through the llm service's real reply path
  (`generate_reply`: routing file, byte-stable prefix assembly, the OpenRouter adapter with
  its per-model `cache_control` marker and `user` field) against the OpenRouter emulator's
  provider-cache model, with a realistic minimum cacheable prefix (1024 tokens) and a
  >= 5K-token stable prefix (persona + tier rules + format rules). Families, as measured in
  production by the caching seed:
    marker    caches only up to a `cache_control` part (Gemini 3.1 Flash Lite via OpenRouter)
    automatic caches repeated prefixes by itself (Cydonia via OpenRouter)
    sticky    caches on the server a session sticks to, chosen by `user` (Grok)
  For each family: share = cached prompt tokens / prompt tokens over turns 2-10.
  In the same run, the baseline the seed warns about: the marker family with the marker
  turned off (expected 0.0).

Runs self-contained: an in-process emulator on a free port, no Redis (an in-memory guard).
Its last line is one JSON object:
  {"bench": "prompt_cache", "hit_rate": {family: share}, "prefix_tokens", "turns",
   "baseline_marker_off": share}
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from nectar_contracts import ChatLine, ContextReady, ReplyReady
from nectar_contracts.plans import PlanCatalog, load_plan_catalog, parse_plan_catalog
from nectar_emulators.openrouter import OpenRouterEmulatorSettings, create_app
from nectar_llm.bootstrap import build_deps
from nectar_llm.domain.characters import Character, CharacterCatalog
from nectar_llm.domain.prompt import estimate_tokens, system_prefix
from nectar_llm.handlers import generate_reply
from nectar_llm.routing_file import RoutingSource
from nectar_llm.settings import LlmSettings
from nectar_runtime.testing import serve_app
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

FAMILIES = {"marker": "bench-google/gemini-marker", "automatic": "bench-drummer/cydonia-auto",
            "sticky": "bench-xai/grok-sticky"}
TURNS = 10
KEY = "bench-key"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class NoLimit:
    """Cost guard that never refuses (this bench measures caching, not budgets)."""

    async def admit(self, user_id: int) -> None:
        return None

    async def record(self, user_id: int, cost_usd: float) -> None:
        return None


def persona() -> Character:
    lore = (
        "Luna runs a small rooftop observatory above an old bakery in a harbour town. She "
        "knows every constellation's myth, keeps a logbook of meteor showers since she was "
        "nine, brews jasmine tea at midnight and names the stray cats after moons. "
    )
    rules = (
        "Tier rules: keep the scene warm and playful, follow the user's lead on pace, never "
        "rush intimacy, remember names, places and promises. "
    )
    text = "You are Luna, a dreamy night-owl astronomer. " + (lore + rules) * 75
    return Character(id="luna", name="Luna", persona=text, greeting="Hi!")


def unbounded_plans() -> PlanCatalog:
    """The shipped plan catalog with a context budget no conversation here reaches (nothing
    is trimmed, so the prompt grows turn by turn as the measurement needs)."""
    data = load_plan_catalog().model_dump(mode="json")
    plans = {}
    for name, spec in data["plans"].items():
        spec.pop("name")
        spec["entitlements"]["context_tokens"] = 100_000
        plans[name] = spec
    return parse_plan_catalog({**data, "plans": plans})


def routing(model: str, marker: bool = True) -> str:
    chain = json.dumps([model])
    out = ["version = 1", "", f'[models."{model}"]', f"cache_marker = {str(marker).lower()}",
           "", '[models."bench-rescue/her"]', "stay_in_character = true", ""]
    for plan in ("free", "basic", "premium", "vip", "elite"):
        out += [f"[tiers.{plan}]", "max_tokens = 200", "rescue = false", "",
                f"[tiers.{plan}.routes]",
                f"natural = {chain}", f"instant = {chain}", f"explicit = {chain}", ""]
    out += ["[rescue]", 'models = ["bench-rescue/her"]',
            'stay_in_character_prefix = "stay in character"', "", "[summary]",
            f"models = {chain}", "max_tokens = 100", ""]
    return "\n".join(out)


async def conversation(url: str, model: str, character: Character, tmp: Path, *,
                       marker: bool = True, user: int = 1) -> tuple[float, int]:
    path = tmp / f"routing-{user}.toml"
    path.write_text(routing(model, marker))
    settings = LlmSettings(openrouter_base_url=f"{url}/api/v1", openrouter_api_key=KEY,
                           routing_file=path)
    deps = build_deps(settings, tracer=TracerProvider().get_tracer("bench"),
                      registry=CollectorRegistry(), cost_guard=NoLimit(),
                      characters=CharacterCatalog({"luna": character}),
                      routing=RoutingSource(path, plans=unbounded_plans()))
    deps = type(deps)(**{**deps.__dict__, "cooldowns": None})
    await deps.chat_model.start()
    recent: list[ChatLine] = []
    prompt = cached = 0
    at = datetime(2026, 5, 1, tzinfo=UTC)
    try:
        for i in range(TURNS):
            text = f"Turn {i}: what can we see tonight, Luna? Tell me about star number {i}."
            event = ContextReady.new(
                producer="bench", user_id=user, chat_id=user, character="luna", session="1",
                text=text, language="en", plan="premium", reply_mode="text", recent=recent)
            [reply] = await generate_reply(event, deps)
            assert isinstance(reply, ReplyReady) and reply.usage is not None, reply
            log(f"  {model} turn {i + 1}: prompt {reply.usage.prompt_tokens}, cached "
                f"{reply.usage.cached_tokens}")
            if i > 0:
                prompt += reply.usage.prompt_tokens
                cached += reply.usage.cached_tokens
            recent = [*recent, ChatLine(role="user", content=text, at=at),
                      ChatLine(role="assistant", content=reply.text, at=at)]
    finally:
        await deps.chat_model.close()
    return (round(cached / prompt, 4) if prompt else 0.0), prompt


async def main() -> None:
    character = persona()
    prefix_tokens = estimate_tokens(system_prefix(character))
    log(f"stable prefix: {prefix_tokens} tokens (estimate)")
    assert prefix_tokens >= 5000
    settings = OpenRouterEmulatorSettings(
        api_key=KEY, cache_min_tokens=1024,
        cache_families={m: f for f, m in FAMILIES.items()}, default_cache_family="none")
    hit_rate: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with serve_app(create_app(settings)) as url:
            for n, (family, model) in enumerate(FAMILIES.items(), start=1):
                log(f"family {family} ({model})")
                hit_rate[family], _ = await conversation(url, model, character, Path(tmp),
                                                         user=n)
            log("baseline: marker family without the marker")
            baseline, _ = await conversation(url, FAMILIES["marker"] + "-nomarker", character,
                                             Path(tmp), marker=False, user=9)
    settings_note = {"min_cacheable_tokens": 1024}
    print(json.dumps({"bench": "prompt_cache", "hit_rate": hit_rate,
                      "prefix_tokens": prefix_tokens, "turns": TURNS,
                      "baseline_marker_off": baseline, **settings_note}))


if __name__ == "__main__":
    asyncio.run(main())
