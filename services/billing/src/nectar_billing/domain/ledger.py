"""The payments ledger and the plan state derived from it.

The ledger is append-only: a refund or an admin revoke is a new entry, never an edit. Plan
state (plan, expiry) is a pure function of a user's entries and the current time, so it can
be rebuilt at any moment (`nectar billing rebuild`) and compared with what is stored.

Rules, in ledger order (`occurred_at`, then insertion order):
- `payment` / `grant` of plan P for D days: if P is active, it is extended by D days from
  its current expiry; otherwise P starts at the entry's time (a switch to another plan
  replaces the current one). A grant without days never expires.
- `refund` names the payment it refunds (`refers_to` = that payment's external id, same
  provider): once the refunds of a payment (in its currency) add up to its amount, the
  payment counts as if it never happened, wherever the refund sits in the ledger (a refund
  recorded before its payment arrives still cancels it). A partial refund is money on
  record but leaves the plan alone.
- `revoke` ends whatever plan is active (back to free).
- A plan whose expiry has passed is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from nectar_billing.domain.errors import InvalidAmount

EntryKind = Literal["payment", "refund", "grant", "revoke"]
#: no price, payment or refund comes near this (the ledger column holds less than 10^12)
MAX_AMOUNT = Decimal(10) ** 9
LEDGER_PROVIDERS = ("telegram_stars", "cryptobot", "card", "admin")
FREE = "free"


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger row as the domain sees it."""

    kind: EntryKind
    provider: str
    external_id: str
    plan: str | None
    period_days: int | None
    amount: Decimal
    currency: str
    occurred_at: datetime
    refers_to: str | None = None


@dataclass(frozen=True)
class PlanState:
    plan: str
    expires_at: datetime | None

    @classmethod
    def free(cls) -> PlanState:
        return cls(FREE, None)


def refunded_payments(entries: list[LedgerEntry]) -> set[tuple[str, str]]:
    """(provider, external id) of every payment whose refunds cover its whole amount."""
    back: dict[tuple[str, str, str], Decimal] = {}
    for e in entries:
        if e.kind == "refund" and e.refers_to is not None:
            key = (e.provider, e.refers_to, e.currency)
            back[key] = back.get(key, Decimal(0)) + e.amount
    return {(e.provider, e.external_id) for e in entries
            if e.kind == "payment"
            and back.get((e.provider, e.external_id, e.currency), Decimal(-1)) >= e.amount}


def check_amount(amount: Decimal, what: str = "amount") -> Decimal:
    """`amount`, when billing can process it: a finite, positive number no larger than
    `MAX_AMOUNT`. Raises `InvalidAmount` with the reason otherwise (NaN, Infinity, zero,
    negative, 1e15, ...)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidAmount(f"{what} {amount!r} is not a finite number")
    if amount <= 0:
        raise InvalidAmount(f"{what} {amount} is not positive")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(f"{what} {amount} is beyond any price (at most {MAX_AMOUNT})")
    return amount


def refund_entry(*, provider: str, refund_id: str, refers_to: str, amount: Decimal,
                 currency: str, occurred_at: datetime) -> LedgerEntry:
    """The ledger entry of a refund of payment `refers_to` (`refund_id` is unique per
    provider: one entry per refund, however often it is reported)."""
    return LedgerEntry(kind="refund", provider=provider, external_id=refund_id, plan=None,
                       period_days=None, amount=check_amount(amount, "refund amount"), currency=currency,
                       occurred_at=occurred_at, refers_to=refers_to)


def derive_plan_state(entries: list[LedgerEntry], now: datetime) -> PlanState:
    """The plan state at `now` from a user's ledger entries (given in ledger order)."""
    refunded = refunded_payments(entries)
    plan, expires = FREE, None
    for entry in sorted(entries, key=lambda e: e.occurred_at):  # stable: keeps seq order
        if entry.kind == "refund" or (entry.provider, entry.external_id) in refunded:
            continue
        at = entry.occurred_at
        active = plan != FREE and (expires is None or expires > at)
        if entry.kind == "revoke":
            plan, expires = FREE, None
            continue
        if entry.plan is None or entry.plan == FREE:
            continue
        days = timedelta(days=entry.period_days) if entry.period_days else None
        if active and plan == entry.plan:
            if expires is not None:
                expires = expires + days if days is not None else None
        else:
            plan, expires = entry.plan, (at + days if days is not None else None)
    if expires is not None and expires <= now:
        return PlanState.free()
    return PlanState(plan, expires)
