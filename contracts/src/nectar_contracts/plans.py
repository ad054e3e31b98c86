"""The plan catalog every service shares: prices (Stars, crypto, card) and entitlements.

Billing owns the plans (it sells them); the edge, llm, media and voice read the same file
through `load_plan_catalog()` instead of copying numbers. The file is `plans.toml` beside this
module, or `NECTAR_PLANS_FILE` when an operator sets it.
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nectar_contracts.chat import Plan

PACKAGED_PLANS_FILE = Path(__file__).resolve().parent / "plans.toml"
PLANS: tuple[str, ...] = get_args(Plan)
ContentCeiling = Literal["sfw", "romantic", "suggestive", "explicit"]
CONTENT_LEVELS: tuple[str, ...] = get_args(ContentCeiling)
STARS = "XTR"


class PlanCatalogError(ValueError):
    """The plans file cannot be read, or a plan is missing or has a wrong value."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Prices(_Frozen):
    stars: int = Field(ge=0, description="Price in Telegram Stars (XTR).")
    crypto: Decimal = Field(ge=0, description="Price in the catalog's `crypto_asset`.")
    card: Decimal = Field(ge=0, description="Price in the catalog's `card_currency`.")


class Entitlements(_Frozen):
    daily_messages: int = Field(ge=0, description="Model-backed turns per UTC day.")
    images: int = Field(ge=0, description="Images per UTC day.")
    voice_chars: int = Field(ge=0, description="Characters of text the paid voice provider "
                             "may synthesise per UTC day (past it the offline voice answers).")
    context_tokens: int = Field(gt=0, description="Prompt budget of one turn, in tokens.")
    content_ceiling: ContentCeiling = Field(description="Most explicit content the llm may "
                                            "produce for the plan.")


class PlanSpec(_Frozen):
    name: str
    period_days: int = Field(ge=0, description="How long one payment keeps the plan.")
    prices: Prices
    entitlements: Entitlements

    @property
    def stars(self) -> int:
        return self.prices.stars

    @model_validator(mode="after")
    def _paid_plans_last(self) -> PlanSpec:
        if self.name != "free" and self.period_days <= 0:
            raise ValueError("period_days must be positive for a paid plan")
        return self


class PlanCatalog(_Frozen):
    crypto_asset: str = "USDT"
    card_currency: str = "USD"
    plans: dict[str, PlanSpec]

    @model_validator(mode="after")
    def _every_plan(self) -> PlanCatalog:
        if set(self.plans) != set(PLANS):
            raise ValueError(f"plans file must define exactly {list(PLANS)}, got "
                             f"{sorted(self.plans)}")
        return self

    def __getitem__(self, name: str) -> PlanSpec:
        try:
            return self.plans[name]
        except KeyError:
            raise PlanCatalogError(f"unknown plan {name!r}") from None

    def price(self, plan: str, currency: str) -> Decimal:
        """The price of `plan` in `currency` (XTR, the crypto asset or the card currency)."""
        spec = self[plan]
        if currency == STARS:
            return Decimal(spec.prices.stars)
        if currency == self.crypto_asset:
            return spec.prices.crypto
        if currency == self.card_currency:
            return spec.prices.card
        raise PlanCatalogError(f"plan {plan!r} has no price in {currency!r}")

    def paid(self) -> list[PlanSpec]:
        """The plans that can be bought, cheapest first."""
        return sorted((p for p in self.plans.values() if p.prices.stars > 0),
                      key=lambda p: p.prices.stars)


def parse_plan_catalog(data: dict[str, Any]) -> PlanCatalog:
    """Validate a parsed plans file; raise `PlanCatalogError` naming the offending key."""
    plans = data.get("plans")
    if not isinstance(plans, dict):
        raise PlanCatalogError("plans file has no [plans.*] tables")
    try:
        return PlanCatalog(
            crypto_asset=str(data.get("crypto_asset", "USDT")),
            card_currency=str(data.get("card_currency", "USD")),
            plans={name: {"name": name, **raw} for name, raw in plans.items()})
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                          for err in exc.errors(include_url=False))
        raise PlanCatalogError(f"invalid plans file: {where}") from None


def plans_file() -> Path:
    """The plans file in force: `NECTAR_PLANS_FILE`, else the packaged one."""
    configured = os.environ.get("NECTAR_PLANS_FILE")
    return Path(configured) if configured else PACKAGED_PLANS_FILE


@lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> PlanCatalog:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlanCatalogError(f"cannot read plans file {path}: {exc}") from exc
    return parse_plan_catalog(data)


def load_plan_catalog(path: Path | None = None) -> PlanCatalog:
    """Read and validate the plans file (default: `plans_file()`); cached per file version."""
    path = path or plans_file()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise PlanCatalogError(f"cannot read plans file {path}: {exc}") from exc
    return _load(path, mtime)
