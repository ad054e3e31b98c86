"""What a payment buys, by the plan catalog.

The catalog (`nectar_contracts.plans.PlanCatalog`: prices in Stars, crypto and card currency,
period, entitlements) is shared by every service and loaded by the composition root; the
domain is handed the catalog object and never reads a file.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from nectar_contracts.plans import PlanCatalog, PlanCatalogError

from nectar_billing.domain.errors import BillingError
from nectar_billing.domain.ledger import FREE, LedgerEntry, check_amount


class UnknownPlan(BillingError):
    """An operator named a plan the catalog does not have."""


def plan_bought(catalog: PlanCatalog, plan: str | None, amount: Decimal,
                currency: str) -> str | None:
    """The plan a payment buys: `plan` when `amount` covers its price in `currency`, else
    None (an underpayment, a currency the plan has no price in, an unknown plan)."""
    if plan is None or plan == FREE:
        return None
    try:
        return plan if amount >= catalog.price(plan, currency) else None
    except PlanCatalogError:
        return None


def payment_entry(catalog: PlanCatalog, *, provider: str, external_id: str, plan: str | None,
                  amount: Decimal, currency: str, occurred_at: datetime) -> LedgerEntry:
    """The ledger entry of a payment; it carries a plan (for that plan's period) only when
    the amount covers the plan's price. Money is recorded either way. Raises
    `InvalidAmount` for an amount billing cannot process."""
    check_amount(amount, "payment amount")
    credited = plan_bought(catalog, plan, amount, currency)
    return LedgerEntry(kind="payment", provider=provider, external_id=external_id,
                       plan=credited,
                       period_days=catalog[credited].period_days if credited else None,
                       amount=amount, currency=currency, occurred_at=occurred_at)


def grantable(catalog: PlanCatalog, plan: str) -> str:
    """`plan`, when an operator may grant it (a paid plan of the catalog)."""
    if plan not in catalog.plans:
        raise UnknownPlan(f"unknown plan {plan!r}; the catalog has {sorted(catalog.plans)}")
    if plan == FREE:
        raise BillingError("granting free is a revoke; use revoke")
    return plan
