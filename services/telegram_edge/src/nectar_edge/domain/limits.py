"""Rate limits and the cost guard, as pure decisions (the Redis adapters apply the same
rules atomically on the server)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RateDecision:
    """Whether one more message is allowed now, and if not, how long until it is."""

    allowed: bool
    retry_after_s: float = 0.0


def sliding_window(hits: Sequence[float], now: float, window_s: float,
                   limit: int) -> RateDecision:
    """A sliding-window log: allowed while fewer than `limit` hits fall in the last
    `window_s` seconds; otherwise the wait until the oldest hit in the window leaves it."""
    recent = sorted(t for t in hits if t > now - window_s)
    if len(recent) < limit:
        return RateDecision(True)
    if limit <= 0:
        return RateDecision(False, window_s)
    oldest_blocking = recent[len(recent) - limit]
    return RateDecision(False, max(0.0, oldest_blocking + window_s - now))


def limit_for(plan: str, limits: Mapping[str, int], fallback_plan: str = "free") -> int:
    """The plan's entry of `limits`, else the fallback plan's, else no messages at all."""
    if plan in limits:
        return limits[plan]
    return limits.get(fallback_plan, 0)


def day_key(at: datetime) -> str:
    """The UTC day a cost-guard counter belongs to."""
    return at.strftime("%Y%m%d")


def seconds_until_next_day(at: datetime) -> int:
    """Seconds from `at` (UTC) to the next UTC midnight, at least 1."""
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = (at - midnight).total_seconds()
    return max(1, math.ceil(86400 - elapsed))
