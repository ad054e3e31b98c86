"""The budget as the chain sees it for one request: `BudgetGate` binds the user, their plan
and the UTC day to the shared counters (`CharacterBudget`) and the allowances (plan catalog
and global ceiling).

Engines that cost nothing are granted without touching the counters. The paid ones reserve
the whole reply before the call and settle to what the provider billed after it. When the
counters cannot be read the gate refuses (fail closed, like the llm's cost guard): the
offline engine answers, the user still hears the reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from nectar_contracts.plans import PlanCatalog

from nectar_voice.domain.budget import Allowance, Refusal, Reservation, utc_day
from nectar_voice.domain.errors import BudgetUnavailable
from nectar_voice.ports import CharacterBudget

log = logging.getLogger("nectar.voice.budget")


def allowance_from(catalog: PlanCatalog, global_daily: int) -> Allowance:
    """Per-plan daily characters from the plan catalog (`entitlements.voice_chars`)."""
    return Allowance(per_plan={name: spec.entitlements.voice_chars
                               for name, spec in catalog.plans.items()},
                     global_daily=global_daily)


@dataclass(frozen=True)
class BudgetPolicy:
    """What the service applies to every request: the counters, the allowances, which
    engines are paid, and the clock that says which day it is."""

    counters: CharacterBudget
    allowance: Allowance
    paid_engines: frozenset[str]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def gate(self, *, user_id: int, plan: str) -> BudgetGate:
        return BudgetGate(self, user_id=user_id, plan=plan, day=utc_day(self.clock()))


@dataclass(frozen=True)
class BudgetGate:
    """`SpendGate` for one request."""

    policy: BudgetPolicy
    user_id: int
    plan: str
    day: str

    async def reserve(self, engine: str, chars: int) -> Reservation:
        if engine not in self.policy.paid_engines:
            return Reservation(engine=engine, user_id=self.user_id, day=self.day, chars=chars,
                               granted=True)
        try:
            reservation = await self.policy.counters.reserve(
                engine=engine, user_id=self.user_id, day=self.day, chars=chars,
                user_limit=self.policy.allowance.for_plan(self.plan),
                global_limit=self.policy.allowance.global_daily)
        except BudgetUnavailable as exc:
            log.warning("voice budget unreadable: the paid engine is skipped (fail closed)",
                        extra={"engine": engine, "error": str(exc)})
            return Reservation(engine=engine, user_id=self.user_id, day=self.day, chars=chars,
                               granted=False, refusal=Refusal.UNAVAILABLE)
        if not reservation.granted:
            log.info("voice budget refused a reply", extra={
                "engine": engine, "plan": self.plan, "refusal": str(reservation.refusal),
                "chars": chars, "user_spent": reservation.user_spent,
                "global_spent": reservation.global_spent})
        return reservation

    async def settle(self, reservation: Reservation, used: int) -> None:
        if not reservation.granted or reservation.engine not in self.policy.paid_engines:
            return
        try:
            await self.policy.counters.settle(reservation, used)
        except BudgetUnavailable as exc:
            # the reservation stands as counted: we may over-count, never under-count
            log.warning("voice budget not settled", extra={"engine": reservation.engine,
                                                           "error": str(exc)})
