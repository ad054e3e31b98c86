"""Fakes of the llm service's ports (imported by the unit tests next to this file)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from collections.abc import Sequence
from pathlib import Path

from nectar_llm.domain.errors import BudgetExceeded, EmptyCompletion, ModelError
from nectar_llm.domain.model import ChatRequest, Completion, TokenUsage

Outcome = str | ModelError

#: the chains the unit tests configure (conftest `routing_path`)
PRIMARY = "provider-a/primary-70b"
FALLBACK = "provider-b/fallback-12b"
LAST = "provider-c/last-resort"
SUMMARIZER = "provider-b/summarizer"
RESCUE = "provider-r/rescue"
ROLEPLAY = "provider-s/roleplay-her"
GEMINI = "google/gemini-test"
RESCUE_PREFIX = "Stay in character, unit-test prefix."


def routing_toml(*, chain: Sequence[str] = (PRIMARY, FALLBACK, LAST),
                 vip_chain: Sequence[str] = (GEMINI, FALLBACK),
                 rescue: Sequence[str] = (RESCUE, ROLEPLAY),
                 summary: Sequence[str] = (SUMMARIZER,), stay_in_character: str = ROLEPLAY,
                 safety_model: str = GEMINI, rescue_prefix: str = RESCUE_PREFIX) -> str:
    """A valid routing file: every paid/free tier and mode uses `chain`, vip/elite use
    `vip_chain`; free has no rescue. Ceilings and context budgets come from the plan catalog
    (free romantic, basic and premium suggestive, vip and elite explicit)."""
    def arr(models: Sequence[str]) -> str:
        return json.dumps(list(models))

    out = ["version = 1", "",
           f'[models."{safety_model}"]', 'cache = "marker"', "safety_off = true", "",
           f'[models."{stay_in_character}"]', "stay_in_character = true", ""]
    for i, plan in enumerate(("free", "basic", "premium", "vip", "elite")):
        models = vip_chain if plan in ("vip", "elite") else chain
        out += [f"[tiers.{plan}]", f"max_tokens = {300 + 100 * i}",
                f"rescue = {'false' if plan == 'free' else 'true'}", "",
                f"[tiers.{plan}.routes]", f"natural = {arr(models)}",
                f"instant = {arr(models)}", f"explicit = {arr(models)}", ""]
    out += ["[rescue]", f"models = {arr(rescue)}",
            f"stay_in_character_prefix = {json.dumps(rescue_prefix)}", "",
            "[summary]", f"models = {arr(summary)}", "max_tokens = 300", ""]
    return "\n".join(out)


def write_routing(path: Path, **kwargs) -> Path:
    path.write_text(routing_toml(**kwargs))
    return path


class FakeChatModel:
    """A `ChatModel` scripted per model slug.

    Each call pops the next scripted outcome of the requested model: a string is the
    completion text (whitespace-only raises `EmptyCompletion`, as the real adapter does), a
    `ModelError` is raised. Unscripted calls answer `"<model> says hi"`. Every request is
    kept in `calls`.
    """

    def __init__(self) -> None:
        self.script: dict[str, deque[Outcome]] = defaultdict(deque)
        self.calls: list[ChatRequest] = []
        self.usage = TokenUsage(prompt=120, completion=30, cached=100, cost=0.0004)

    def then(self, model: str, *outcomes: Outcome) -> FakeChatModel:
        self.script[model].extend(outcomes)
        return self

    @property
    def models_called(self) -> list[str]:
        return [call.model for call in self.calls]

    async def complete(self, request: ChatRequest) -> Completion:
        self.calls.append(request)
        queue = self.script[request.model]
        outcome: Outcome = queue.popleft() if queue else f"{request.model} says hi"
        if isinstance(outcome, ModelError):
            raise outcome
        if not outcome.strip():
            raise EmptyCompletion(model=request.model, finish_reason="content_filter",
                                  usage=self.usage, text=outcome)
        return Completion(text=outcome, model=request.model, finish_reason="stop",
                          usage=self.usage, ttft_ms=12.0 if request.stream else None,
                          total_ms=34.0)


class FakeCostGuard:
    """`CostGuard` in memory: spend per user and overall, ceilings, an `unavailable` switch."""

    def __init__(self, user_daily_usd: float = 1.0, global_daily_usd: float = 10.0) -> None:
        self.user_daily_usd = user_daily_usd
        self.global_daily_usd = global_daily_usd
        self.spent: dict[int, float] = defaultdict(float)
        self.unavailable = False
        self.checks = 0

    @property
    def total(self) -> float:
        return sum(self.spent.values())

    async def admit(self, user_id: int) -> None:
        self.checks += 1
        if self.unavailable:
            raise BudgetExceeded("spend counters unreachable (fake)")
        if self.total >= self.global_daily_usd:
            raise BudgetExceeded("global daily ceiling reached")
        if self.spent[user_id] >= self.user_daily_usd:
            raise BudgetExceeded("user daily ceiling reached")

    async def record(self, user_id: int, cost_usd: float) -> None:
        self.spent[user_id] += cost_usd


class FakeCooldowns:
    """`Cooldowns` in memory (no clock: a cooldown lasts until `clear()`)."""

    def __init__(self) -> None:
        self.cooling: dict[str, float] = {}

    async def active(self, models: Sequence[str]) -> dict[str, float]:
        return {m: self.cooling[m] for m in models if m in self.cooling}

    async def put(self, model: str, seconds: float) -> None:
        self.cooling[model] = seconds


class FakeSentenceScorer:
    """`SentenceScorer` for salvage: a fixed probability per sentence (`table`, else
    `default`, else one drawn from the sentence's hash), or unavailable (None)."""

    def __init__(self, table: dict[str, float] | None = None, *,
                 default: float | None = None, available: bool = True) -> None:
        self.table = table or {}
        self.default = default
        self.available = available
        self.asked: list[str] = []

    def probabilities(self, texts: Sequence[str]) -> list[float] | None:
        self.asked.extend(texts)
        if not self.available:
            return None
        out = []
        for text in texts:
            key = " ".join(text.split())
            if key in self.table:
                out.append(self.table[key])
            elif self.default is not None:
                out.append(self.default)
            else:
                digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                         digest_size=2).digest()
                out.append(int.from_bytes(digest, "big") / 65535)
        return out
