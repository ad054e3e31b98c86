"""Which models answer a request: the routing table (plan tier x content mode -> chain).

The table comes from one declarative, versioned file (`routing.toml`, see `routing_file.py`
for loading and reloading); this module validates its content and answers questions about
it. Rules enforced at load time, with errors that name the offending key:

- every plan tier has a route for every content mode (no silent default);
- a chain is a primary plus ordered fallbacks, each rung on a *different provider* (a
  provider's moderation layer sits upstream of its models, so a same-provider fallback tends
  to fail the same way);
- rescue rungs (paid tiers, after a refusal that salvage could not fix) and summary models
  are listed once; output token limits are set per tier.

What a plan *is* (its content ceiling, its context budget) is not routing: it comes from the
one plan catalog every service shares (`nectar_contracts.plans`), handed to the table by the
loader. A routing file that still carries `ceiling` or `context_tokens` is refused, so no
second copy of a plan can drift from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from nectar_contracts import Plan
from nectar_contracts.plans import PlanCatalog
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from nectar_llm.domain.salvage import LANGUAGES

ContentMode = Literal["natural", "instant", "explicit"]
Escalation = Literal["sfw", "romantic", "suggestive", "explicit"]
CacheFamily = Literal["marker", "automatic", "sticky"]

PLANS: tuple[str, ...] = get_args(Plan)
CONTENT_MODES: tuple[str, ...] = get_args(ContentMode)
ESCALATION_ORDER: tuple[str, ...] = get_args(Escalation)
SUPPORTED_VERSIONS = (1,)


class RoutingError(ValueError):
    """The routing file is missing, unreadable or invalid; the message says where and why."""


def provider_of(model: str, models: Mapping[str, ModelSpec] | None = None) -> str:
    """The provider a model slug runs on: its `provider` override, else the slug's vendor."""
    spec = (models or {}).get(model)
    if spec is not None and spec.provider:
        return spec.provider
    return model.split("/", 1)[0]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelSpec(_Strict):
    """Per-model knobs."""

    provider: str | None = Field(None, description="Hosting provider, when the slug's "
                                 "vendor is not it.")
    cache: CacheFamily = Field("automatic", description="How the provider caches prompts.")
    cache_marker: bool = Field(True, description="Send `cache_control` on the last cacheable "
                               "block (required by `marker` families, harmless elsewhere).")
    safety_off: bool = Field(False, description="Inject Gemini `safety_settings` BLOCK_NONE "
                             "(chat path only).")
    stay_in_character: bool = Field(False, description="Prepend the stay-in-character system "
                                    "prefix on rescue calls.")

    @field_validator("cache_marker")
    @classmethod
    def _marker_families_need_it(cls, value: bool, info: Any) -> bool:
        if info.data.get("cache") == "marker" and not value:
            raise ValueError("a `marker` cache family caches nothing without cache_marker")
        return value


#: plan facts the catalog owns; a routing file that repeats them is refused
CATALOG_FIELDS = ("ceiling", "context_tokens", "content_ceiling")


class TierSpec(_Strict):
    """Output limit and chains of one plan tier (the plan's ceiling and context budget come
    from the plan catalog)."""

    max_tokens: int = Field(gt=0, le=8192, description="Completion token cap of a reply.")
    rescue: bool = Field(description="Run rescue rungs after an unsalvageable refusal "
                         "(paid tiers); otherwise answer with an in-character soft refusal.")
    routes: dict[ContentMode, tuple[str, ...]] = Field(
        description="Content mode -> primary model then ordered fallbacks.")

    @model_validator(mode="before")
    @classmethod
    def _no_plan_copies(cls, data: Any) -> Any:
        copies = [k for k in CATALOG_FIELDS if isinstance(data, Mapping) and k in data]
        if copies:
            raise ValueError(f"{', '.join(copies)}: a plan's content ceiling and context "
                             "budget come from the plan catalog (nectar_contracts.plans, "
                             "NECTAR_PLANS_FILE); remove them from the routing file")
        return data

    @field_validator("routes")
    @classmethod
    def _every_mode(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        missing = [m for m in CONTENT_MODES if m not in value]
        if missing:
            raise ValueError(f"no route for content mode(s) {', '.join(missing)}")
        return value


class RescueSpec(_Strict):
    models: tuple[str, ...] = Field(min_length=1, description="Rescue rungs, in order.")
    stay_in_character_prefix: str = Field(min_length=1, description="System prefix sent to "
                                          "rescue models marked `stay_in_character`.")


class SummarySpec(_Strict):
    models: tuple[str, ...] = Field(min_length=1, description="Summary chain (cheap).")
    max_tokens: int = Field(gt=0, le=4096)
    temperature: float = Field(0.3, ge=0, le=2)


class RoutingSpec(_Strict):
    version: int
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    tiers: dict[Plan, TierSpec]
    rescue: RescueSpec
    summary: SummarySpec

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in SUPPORTED_VERSIONS:
            raise ValueError(f"unsupported routing file version {value} (supported: "
                             f"{', '.join(map(str, SUPPORTED_VERSIONS))})")
        return value

    @field_validator("tiers")
    @classmethod
    def _every_tier(cls, value: dict[str, TierSpec]) -> dict[str, TierSpec]:
        missing = [p for p in PLANS if p not in value]
        if missing:
            raise ValueError(f"no routes for plan tier(s) {', '.join(missing)}")
        return value


@dataclass(frozen=True)
class ModelChain:
    """Models tried in order; the first usable answer wins. Never empty."""

    models: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.models:
            raise ValueError("a model chain needs at least one model")

    @property
    def primary(self) -> str:
        return self.models[0]


@dataclass(frozen=True)
class Route:
    """What runs for one (plan, content mode): the chain and the tier's limits."""

    plan: str
    mode: str
    chain: ModelChain
    max_tokens: int
    context_tokens: int
    ceiling: str
    rescue: tuple[str, ...]


class RoutingTable:
    """A validated routing file, read together with the plan catalog."""

    def __init__(self, spec: RoutingSpec, plans: PlanCatalog, source: str = "<memory>") -> None:
        self.spec = spec
        self.plans = plans
        self.source = source

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], plans: PlanCatalog,
                     source: str = "<memory>") -> RoutingTable:
        """Validate `data` (a parsed routing file); `RoutingError` lists every problem."""
        try:
            spec = RoutingSpec.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
                for err in exc.errors())
            raise RoutingError(f"invalid routing file {source}: {problems}") from None
        table = cls(spec, plans, source)
        table._check_providers()
        return table

    def _check_providers(self) -> None:
        problems: list[str] = []
        chains = [(f"tiers.{plan}.routes.{mode}", chain)
                  for plan, tier in self.spec.tiers.items()
                  for mode, chain in tier.routes.items()]
        chains.append(("summary.models", self.spec.summary.models))
        chains.append(("rescue.models", self.spec.rescue.models))
        for where, chain in chains:
            if not chain:
                problems.append(f"{where}: empty chain")
                continue
            providers = [provider_of(m, self.spec.models) for m in chain]
            seen: dict[str, str] = {}
            for model, provider in zip(chain, providers, strict=True):
                if provider in seen:
                    problems.append(f"{where}: {model} and {seen[provider]} are both on "
                                    f"provider {provider!r}; fallbacks must use different "
                                    "providers")
                seen[provider] = model
        if not any(self.model(m).stay_in_character for m in self.spec.rescue.models):
            problems.append("rescue.models: no model is marked stay_in_character")
        if problems:
            raise RoutingError(f"invalid routing file {self.source}: " + "; ".join(problems))

    @property
    def version(self) -> int:
        return self.spec.version

    def model(self, slug: str) -> ModelSpec:
        return self.spec.models.get(slug) or ModelSpec()

    def provider(self, slug: str) -> str:
        return provider_of(slug, self.spec.models)

    def tier(self, plan: str) -> TierSpec:
        return self.spec.tiers[plan]  # type: ignore[index]

    def ceiling(self, plan: str) -> str:
        """The plan's content ceiling, from the plan catalog."""
        return self.plans[plan].entitlements.content_ceiling

    def context_tokens(self, plan: str) -> int:
        """The plan's prompt budget in tokens, from the plan catalog."""
        return self.plans[plan].entitlements.context_tokens

    def route(self, plan: str, mode: str) -> Route:
        """The route for a plan and content mode; `RoutingError` for unknown ones."""
        if plan not in PLANS:
            raise RoutingError(f"unknown plan {plan!r} (one of {', '.join(PLANS)})")
        if mode not in CONTENT_MODES:
            raise RoutingError(f"unknown content mode {mode!r} (one of "
                               f"{', '.join(CONTENT_MODES)})")
        tier = self.tier(plan)
        return Route(plan=plan, mode=mode, chain=ModelChain(tier.routes[mode]),  # type: ignore[index]
                     max_tokens=tier.max_tokens, context_tokens=self.context_tokens(plan),
                     ceiling=self.ceiling(plan),
                     rescue=self.spec.rescue.models if tier.rescue else ())

    @property
    def summary(self) -> ModelChain:
        return ModelChain(self.spec.summary.models)

    def lowest_plan_allowing(self, escalation: str) -> str | None:
        """The cheapest plan whose ceiling allows `escalation` (for upsell hints)."""
        rank = ESCALATION_ORDER.index(escalation)
        for plan in PLANS:
            if ESCALATION_ORDER.index(self.ceiling(plan)) >= rank:
                return plan
        return None

    def describe(self, plan: str, mode: str) -> str:
        """Human-readable chain that would run (for `nectar llm route`)."""
        route = self.route(plan, mode)
        lines = [f"plan {plan}, content mode {mode} (routing file v{self.version}, "
                 f"{self.source})",
                 f"max_tokens {route.max_tokens}, context budget {route.context_tokens} "
                 f"tokens, content ceiling {route.ceiling} (plan catalog)"]
        for i, model in enumerate(route.chain.models):
            role = "primary" if i == 0 else f"fallback {i}"
            lines.append(f"  #{i} {role:<11} {model}  [{self.provider(model)}]")
        if route.rescue:
            for j, model in enumerate(route.rescue):
                extra = " +stay-in-character prefix" if self.model(model).stay_in_character \
                    else ""
                lines.append(f"  rescue {j + 1:<6} {model}  [{self.provider(model)}]{extra}")
        else:
            lines.append("  no rescue calls: unsalvageable refusals get an in-character "
                         "soft refusal")
        return "\n".join(lines)


def render_markdown(table: RoutingTable) -> str:
    """The public tier -> model table (docs/llm-routing.md), generated from the file."""
    out = [
        "# LLM routing by plan tier and content mode",
        "",
        "Generated from `services/llm/src/nectar_llm/routing.toml` (routing file version "
        f"{table.version}) and the plan catalog `contracts/src/nectar_contracts/plans.toml` "
        "(context budget and content ceiling: the catalog owns them) by `nectar llm route "
        "--docs`; do not edit by hand. A test fails when this page and the files disagree.",
        "",
        "| tier | content mode | primary | fallbacks (in order) | max output tokens | "
        "context budget (tokens) | content ceiling | rescue on refusal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for plan in PLANS:
        tier = table.tier(plan)
        for mode in CONTENT_MODES:
            chain = tier.routes[mode]  # type: ignore[index]
            fallbacks = " → ".join(f"`{m}`" for m in chain[1:]) or "none"
            rescue = " → ".join(f"`{m}`" for m in table.spec.rescue.models) if tier.rescue \
                else "no (in-character soft refusal)"
            out.append(f"| {plan} | {mode} | `{chain[0]}` | {fallbacks} | {tier.max_tokens} | "
                       f"{table.context_tokens(plan)} | {table.ceiling(plan)} | {rescue} |")
    out += ["", "Summaries (memory service): " + " → ".join(
        f"`{m}`" for m in table.spec.summary.models)
        + f", max {table.spec.summary.max_tokens} tokens.", ""]
    out += ["Refusal salvage and in-character soft refusals cover "
            f"{len(LANGUAGES)} languages: {', '.join(LANGUAGES)}.", ""]
    return "\n".join(out)
