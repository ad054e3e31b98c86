"""The paid provider's character budget (pure): how much a plan may spend per UTC day, the
global ceiling, and what a reservation decided.

Counting happens in Redis (`adapters/redis_budget.py`) so every replica sees the same
numbers; this module only says what the numbers mean. A reply is reserved whole before the
paid engine is called (all or nothing: a reply never changes voice midway), then settled to
what the provider billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Refusal(StrEnum):
    """Why a reservation was refused (also the chain's attempt outcome detail)."""

    USER = "user_budget"          # the user's plan allowance for today is spent
    GLOBAL = "global_budget"      # the global daily ceiling for the provider is reached
    UNAVAILABLE = "budget_unavailable"  # the counters cannot be read: fail closed


def utc_day(now: datetime) -> str:
    """The budget day of `now`: its UTC date, `YYYY-MM-DD`."""
    if now.tzinfo is None:
        raise ValueError("a budget day needs an aware datetime")
    return now.astimezone(UTC).date().isoformat()


@dataclass(frozen=True)
class Allowance:
    """Characters per UTC day of the paid provider: per plan (the plan catalog's
    `entitlements.voice_chars`) and for everyone together (`global_daily`)."""

    per_plan: Mapping[str, int]
    global_daily: int

    def __post_init__(self) -> None:
        if self.global_daily < 0 or any(v < 0 for v in self.per_plan.values()):
            raise ValueError("allowances must not be negative")

    def for_plan(self, plan: str) -> int:
        """The plan's daily characters; an unknown plan gets nothing (fail closed)."""
        return self.per_plan.get(plan, 0)


@dataclass(frozen=True)
class Reservation:
    """The outcome of reserving `chars` of `engine` for `user_id` on `day`.

    `granted`: the counters were incremented (settle it); else `refusal` says why and nothing
    was counted. `user_spent` and `global_spent` are the counters after the decision."""

    engine: str
    user_id: int
    day: str
    chars: int
    granted: bool
    refusal: Refusal | None = None
    user_spent: int = 0
    global_spent: int = 0

    @property
    def detail(self) -> str:
        if self.granted:
            return f"{self.chars} characters reserved"
        return (f"{self.refusal}: {self.chars} characters asked, user spent "
                f"{self.user_spent}, everyone {self.global_spent} today")
