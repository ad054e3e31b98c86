"""The plan catalogue: prices (Stars, crypto, card) and entitlements, from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from nectar_billing.domain.errors import BillingError
from nectar_billing.domain.users import PLANS

from nectar_contracts.plans import PACKAGED_PLANS_FILE  # noqa: E402  (the one catalog)

CONTENT_CEILINGS = ("sfw", "romantic", "suggestive", "explicit")
ContentCeiling = Literal["sfw", "romantic", "suggestive", "explicit"]


class PlanCatalogError(BillingError):
    """The plans file is missing a plan or has a wrong value."""


@dataclass(frozen=True)
class Entitlements:
    daily_messages: int
    images: int
    voice: int
    context_tokens: int
    content_ceiling: ContentCeiling


@dataclass(frozen=True)
class PlanSpec:
    name: str
    period_days: int
    stars: int
    crypto: Decimal
    card: Decimal
    entitlements: Entitlements


@dataclass(frozen=True)
class PlanCatalog:
    crypto_asset: str
    card_currency: str
    plans: dict[str, PlanSpec]

    def __getitem__(self, name: str) -> PlanSpec:
        try:
            return self.plans[name]
        except KeyError:
            raise PlanCatalogError(f"unknown plan {name!r}") from None

    def price(self, plan: str, currency: str) -> Decimal:
        """The price of `plan` in `currency` (XTR, the crypto asset or the card currency)."""
        spec = self[plan]
        if currency == "XTR":
            return Decimal(spec.stars)
        if currency == self.crypto_asset:
            return spec.crypto
        if currency == self.card_currency:
            return spec.card
        raise PlanCatalogError(f"plan {plan!r} has no price in {currency!r}")


def _decimal(value: Any, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise PlanCatalogError(f"{where}: {value!r} is not a number") from None
    if result < 0:
        raise PlanCatalogError(f"{where}: negative price {value!r}")
    return result


def parse_catalog(data: dict[str, Any]) -> PlanCatalog:
    """Validate a parsed plans file: every plan of the contracts, nothing else."""
    plans = data.get("plans") or {}
    if set(plans) != set(PLANS):
        raise PlanCatalogError(f"plans file must define exactly {list(PLANS)}, got "
                               f"{sorted(plans)}")
    specs = {}
    for name, raw in plans.items():
        try:
            prices, ent = raw["prices"], raw["entitlements"]
            ceiling = ent["content_ceiling"]
            if ceiling not in CONTENT_CEILINGS:
                raise PlanCatalogError(f"plans.{name}: content_ceiling {ceiling!r} not in "
                                       f"{CONTENT_CEILINGS}")
            specs[name] = PlanSpec(
                name=name, period_days=int(raw["period_days"]),
                stars=int(prices["stars"]),
                crypto=_decimal(prices["crypto"], f"plans.{name}.prices.crypto"),
                card=_decimal(prices["card"], f"plans.{name}.prices.card"),
                entitlements=Entitlements(
                    daily_messages=int(ent["daily_messages"]), images=int(ent["images"]),
                    voice=int(ent["voice_chars"]), context_tokens=int(ent["context_tokens"]),
                    content_ceiling=ceiling))
        except KeyError as exc:
            raise PlanCatalogError(f"plans.{name}: missing {exc.args[0]!r}") from None
        if name != "free" and specs[name].period_days <= 0:
            raise PlanCatalogError(f"plans.{name}: period_days must be positive")
    return PlanCatalog(crypto_asset=str(data.get("crypto_asset", "USDT")),
                       card_currency=str(data.get("card_currency", "USD")), plans=specs)


def load_catalog(path: Path | None = None) -> PlanCatalog:
    """Read and validate the plans file (default: the one shipped in the package)."""
    path = path or PACKAGED_PLANS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlanCatalogError(f"cannot read plans file {path}: {exc}") from exc
    return parse_catalog(data)
